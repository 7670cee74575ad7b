// The presenter's observation grid: on an activity slide that declares skills, the participants × those
// skills, each cell « Seul·e », « Avec aide » or « Pas encore » in one tap (tap again to clear).
// Loaded before live-deck.js, which calls window.KitSkillGrid(live) once its socket exists. Protocol:
// docs/protocol.md (`observe`, `observations`, `observation`). The levels shown are the server's only:
// the database's at each (re)connection, then each change stored, from this window or another.
(function () {
  "use strict";

  var LEVELS = [
    { id: "seul", label: "Seul·e" },
    { id: "avec_aide", label: "Avec aide" },
    { id: "pas_encore", label: "Pas encore" }
  ];

  window.KitSkillGrid = function (live) {
    var panel = live.root.querySelector("[data-skill-grid]");
    if (!panel) return null;
    var skillsBySlide = {};
    try { skillsBySlide = JSON.parse(panel.getAttribute("data-skills")) || {}; } catch (e) { skillsBySlide = {}; }
    var list = panel.querySelector("[data-skill-rows]");
    var single = panel.querySelector("[data-skill-single]"); // the one skill of the slide, said once
    var count = panel.querySelector("[data-skill-count]"); // how many cells of the slide are noted
    var grid = panel.closest(".presenter-grid");
    var levels = {}; // "participant:skill" -> level
    var pending = {}; // "participant:skill" -> level asked, until the server answers the last tap
    var taps = 0;
    var inFlight = 0; // taps sent, not yet answered
    var whenIdle = []; // what waits for them (a slide change: see idle below)
    var lastTap = {}; // "participant:skill" -> number of its last tap
    var drawn = ""; // what the rows were built for: slide, skills and people
    var buttons = {}; // "participant:skill" -> [button per level]

    function key(participant, skill) { return participant + ":" + skill; }

    function currentSlide() {
      var state = live.state();
      return state ? state.slide.number : null;
    }

    function syncCell(cell) {
      var shown = cell in pending ? pending[cell] : levels[cell];
      (buttons[cell] || []).forEach(function (button) {
        var on = button.getAttribute("data-level") === shown;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.classList.toggle("is-pending", cell in pending);
      });
      countCells();
    }

    function countCells() {
      var cells = Object.keys(buttons);
      var noted = cells.filter(function (cell) { return levels[cell]; }).length;
      count.textContent = cells.length ? noted + " / " + cells.length + " notées" : "";
    }

    function tap(slide, person, skill, level) {
      var cell = key(person.id, skill.id);
      var shown = cell in pending ? pending[cell] : levels[cell];
      var next = shown === level ? null : level; // the level already shown: clear it
      var number = lastTap[cell] = ++taps;
      pending[cell] = next;
      syncCell(cell);
      inFlight++;
      live.request("observe", { slide: slide, participant: person.id, skill: skill.id, level: next },
        function (ack) {
          if (ack) levels[cell] = ack.level;
          if (lastTap[cell] === number) { // else a later tap on this cell is still on its way
            delete pending[cell];
            syncCell(cell);
          }
          if (--inFlight === 0) whenIdle.splice(0).forEach(function (then) { then(); });
        });
    }

    function build(slide, skills, people) {
      list.textContent = "";
      buttons = {};
      var one = skills.length === 1;
      single.hidden = !one;
      single.textContent = one ? "À observer : " + skills[0].label : "";
      people.forEach(function (person) {
        var row = live.el("li", "skill-person");
        var name = live.el("p", "skill-person-name");
        name.id = "grille-" + person.id;
        name.appendChild(live.avatar(person.avatar, "person-avatar"));
        name.appendChild(live.el("span", "", person.nickname));
        row.appendChild(name);
        skills.forEach(function (skill) {
          var cell = key(person.id, skill.id);
          var box = live.el("div", "skill-cell");
          box.setAttribute("role", "group");
          if (one) box.setAttribute("aria-label", person.nickname + " " + skill.label);
          else {
            var label = live.el("p", "skill-cell-label", skill.label);
            label.id = "grille-" + person.id + "-" + skill.id;
            box.setAttribute("aria-labelledby", name.id + " " + label.id);
            box.appendChild(label);
          }
          var choices = live.el("div", "skill-levels");
          buttons[cell] = LEVELS.map(function (level) {
            var button = live.el("button", "skill-level level-" + level.id, level.label);
            button.type = "button";
            button.setAttribute("data-level", level.id);
            button.addEventListener("click", function () { tap(slide, person, skill, level.id); });
            choices.appendChild(button);
            return button;
          });
          box.appendChild(choices);
          row.appendChild(box);
          syncCell(cell);
        });
        list.appendChild(row);
      });
      if (!people.length) list.appendChild(live.el("li", "skill-empty", "Personne dans le groupe pour l'instant."));
    }

    function draw() {
      var slide = currentSlide();
      var skills = (slide && skillsBySlide[slide]) || null;
      panel.hidden = !skills;
      if (grid) grid.classList.toggle("has-skills", !!skills);
      if (!skills) { drawn = ""; return; }
      var people = live.roster();
      var signature = [slide, people.map(function (p) { return p.id + "/" + p.nickname + "/" + p.avatar; }).join(",")]
        .join("|");
      if (signature !== drawn) {
        drawn = signature;
        build(slide, skills, people);
      }
    }

    live.socket.on("observations", function (data) {
      levels = {};
      ((data && data.levels) || []).forEach(function (o) { levels[key(o.participant, o.skill)] = o.level; });
      Object.keys(buttons).forEach(syncCell);
    });
    live.socket.on("observation", function (o) {
      if (!o) return;
      var cell = key(o.participant, o.skill);
      if (o.level) levels[cell] = o.level;
      else delete levels[cell];
      syncCell(cell);
    });

    // The server handles each event in its own greenlet: a slide change sent right after a tap could
    // overtake it, and the tap would be refused for the new slide. live-deck.js waits for the taps first.
    function idle(then) {
      if (inFlight) whenIdle.push(then);
      else then();
    }

    return { draw: draw, idle: idle };
  };
})();
