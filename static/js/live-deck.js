// The animator's windows of a live session: projector, presenter, and the phone used as a remote.
// Loaded after deck.js, only in live mode. Protocol: docs/protocol.md.
// The server owns the state: this file sends the animator's requests (goto, question,
// black, answer_for) and draws what the server sends back, never its own guess.
(function () {
  "use strict";

  var deck = window.KitDeck;
  if (!deck || typeof window.io !== "function" || !window.KitSocket) return;
  var root = deck.root;
  var projector = deck.mode === "projector";
  var state = null; // the last state applied
  var version = -1;
  var roster = [];
  var rosterQuiz = null; // the question the roster's answers belong to
  var socket = window.io("/animateur", { auth: { session: parseInt(root.dataset.session, 10) } });

  // --- Small helpers -------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function hiddenText(text) { return el("span", "visually-hidden", text); }
  // A participant's picture, drawn from the avatar sprite (kit/people/avatars.py), never an emoji: the
  // roster sends its id. Decorative: the nickname is beside it.
  function avatar(id, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var use = document.createElementNS(ns, "use");
    var href = root.dataset.avatars + "#avatar-" + (/^[a-z]+$/.test(id || "") ? id : "unknown");
    svg.setAttribute("class", className);
    svg.setAttribute("viewBox", "0 0 48 48");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    use.setAttribute("href", href);
    use.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", href); // browsers of before 2017
    svg.appendChild(use);
    return svg;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function textOf(html) { var box = el("div"); box.innerHTML = html; return box.textContent; }
  // A bar as long as count's share of total (the words beside it say the count).
  function bar(count, total) {
    var box = el("span", "result-bar");
    box.setAttribute("aria-hidden", "true");
    var fill = el("span", "result-fill");
    fill.style.width = Math.round(100 * count / total) + "%";
    box.appendChild(fill);
    return box;
  }
  function quizSlide(number) {
    var inStage = root.querySelector('.stage > .slide[data-quiz="' + number + '"]');
    var template = document.getElementById("slides");
    return inStage || (template && template.content.querySelector('.slide[data-quiz="' + number + '"]'));
  }
  function shapeOf(number, letter) {
    var slide = quizSlide(number);
    var shape = slide && slide.querySelector(".choice-" + letter + " .shape");
    return shape ? shape.cloneNode(true) : el("span");
  }

  // --- Messages: a toast, and the connection dot ---------------------------------
  var toastTimer = null;
  function toast(text, sticky) {
    var box = document.querySelector("[data-toast]");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    if (!sticky) toastTimer = setTimeout(function () { box.hidden = true; }, 6000);
  }
  var STATUS = {
    connecting: "Connexion au serveur…",
    online: "En direct",
    offline: "Connexion perdue : nouvel essai…",
    refused: "Connexion refusée",
    ended: "Séance terminée"
  };
  function setStatus(name) {
    var box = document.querySelector("[data-live-status]");
    if (!box) return;
    box.setAttribute("data-live-status", name);
    box.querySelector("[data-live-status-text]").textContent = STATUS[name];
  }

  // --- Sending: acknowledged (socket.js), at most 8 a second (the server refuses more than 10) -----
  var queue = [];
  var stamps = [];
  var pumpTimer = null;
  var awaiting = 0; // requests whose ack will bring their own error message
  var MAX_PER_SECOND = 8;

  function pump() {
    pumpTimer = null;
    while (queue.length) {
      var now = Date.now();
      while (stamps.length && now - stamps[0] >= 1000) stamps.shift();
      if (stamps.length >= MAX_PER_SECOND) {
        pumpTimer = setTimeout(pump, 1000 - (now - stamps[0]) + 10);
        return;
      }
      stamps.push(now);
      queue.shift()();
    }
  }

  // done(ack or null, French error or null). Errors go to a toast unless `quiet`.
  function request(name, payload, done, quiet) {
    function finish(ack, error) {
      if (error && !quiet) toast(error);
      if (done) done(error ? null : ack, error);
    }
    if (!socket.connected) {
      // socket.io would send it after reconnecting: too late for a click made now.
      finish(null, "Pas de connexion au serveur. Attendez le retour de la connexion, puis réessayez.");
      return;
    }
    awaiting++;
    queue.push(function () {
      window.KitSocket.request(socket, name, payload, function (ack, error) {
        awaiting--;
        finish(ack, error && (error.timeout ? "Le serveur ne répond pas. Réessayez." : error.message || "Action refusée."));
      });
    });
    if (!pumpTimer) pump();
  }

  // --- Navigation: one goto at a time; keys pressed meanwhile add up --------------
  var nav = { busy: false, queued: null, target: null };
  function navigate(n) {
    nav.target = n;
    if (nav.busy) nav.queued = n;
    else sendGoto(n);
  }
  function sendGoto(n) {
    nav.busy = true;
    // A tap of the observation grid still on its way is for the slide shown: it goes first.
    if (grid) { grid.idle(function () { sendGotoNow(n); }); return; }
    sendGotoNow(n);
  }
  function sendGotoNow(n) {
    // The server sends the new state before the ack: by now the slide is shown.
    request("goto", { slide: n }, function () {
      nav.busy = false;
      var next = nav.queued;
      nav.queued = null;
      if (next !== null) sendGoto(next);
      else nav.target = null;
    });
  }
  deck.drive({
    go: navigate,
    black: function (on) { request("black", { on: on }); },
    target: function () { return nav.target; }
  });

  // --- Questions -----------------------------------------------------------------
  // The question a key or button acts on: the current slide's, else the one still open.
  function questionNumber() {
    var block = root.querySelector('.stage > .slide[data-n="' + deck.current() + '"]') ||
      root.querySelector('[data-notes="' + deck.current() + '"]');
    if (block && block.dataset.quiz) return parseInt(block.dataset.quiz, 10);
    return state && state.question ? state.question.number : null;
  }
  function questionAction(action) {
    return function () {
      var number = questionNumber();
      if (!number) { toast("Pas de question sur cette diapo."); return; }
      request("question", { action: action, quiz: number });
    };
  }
  deck.action("quiz-open", questionAction("open"), ["o", "O"]);
  deck.action("quiz-close", questionAction("close"), ["x", "X"]);
  deck.action("quiz-reveal", questionAction("reveal"), ["r", "R"]);

  // --- The QR code of the join slide ---------------------------------------------------
  // --- Projector: the join slide on demand, and each quiz slide's live part ------------
  var joinOverlay = false;
  function showJoin(on) {
    joinOverlay = on && deck.current() !== 0 && !(state && state.status === "ended");
    var slide = root.querySelector("[data-join-slide]");
    if (slide) {
      slide.classList.toggle("is-overlay", joinOverlay);
      if (joinOverlay) { slide.hidden = false; deck.fitSlide(slide); }
      else slide.hidden = deck.current() !== 0;
    }
    var button = root.querySelector("[data-action=join]");
    if (button) button.setAttribute("aria-pressed", joinOverlay ? "true" : "false");
  }
  if (projector) {
    deck.action("join", function () { showJoin(!joinOverlay); }, ["j", "J"]);
    var closeHelp = deck.action("escape", function () { closeHelp(); showJoin(false); });
  }

  function progress(q) {
    return q.answered + " / " + (state.present || 0) + " ont répondu";
  }

  // One quiz slide of the projector: nothing before the question opens, then
  // "n / N ont répondu", then the results, the right answer and the explanation.
  function drawSlideQuiz(slide, q) {
    var body = slide.querySelector(".slide-body");
    var box = body.querySelector(".live-quiz");
    if (!box) { box = el("div", "live-quiz"); body.appendChild(box); }
    // The same state comes several times a second while answers arrive: redraw only on change.
    var signature = q ? [q.state, q.answered, state.present, (q.tally || []).join(",")].join("|") : "";
    if (box.dataset.signature === signature) return;
    box.dataset.signature = signature;
    box.textContent = "";
    var revealed = !!q && q.state === "revealed";
    slide.querySelector(".quiz-main").hidden = revealed;
    slide.classList.toggle("is-revealed", revealed);
    if (!q) return;
    if (q.state === "open") {
      var line = el("p", "live-progress is-open");
      line.appendChild(el("span", "live-hint", q.check === "avant" ?
        "Répondez sur votre téléphone. C'est normal de ne pas savoir." : "Répondez sur votre téléphone"));
      line.appendChild(el("strong", "", progress(q)));
      box.appendChild(line);
    } else if (q.state === "closed") {
      var closed = el("p", "live-progress is-closed");
      closed.appendChild(el("strong", "", "Réponses fermées"));
      closed.appendChild(el("span", "", progress(q)));
      box.appendChild(closed);
    } else if (revealed) {
      box.appendChild(results(q));
    }
  }

  // The results chart: one bar per answer with its letter, shape, colour and count.
  function results(q) {
    var poll = q.quiz.kind === "sondage";
    var correct = (q.key && q.key.correct) || [];
    var wrap = el("div", "results");
    wrap.appendChild(el("p", "results-caption", (poll ? "Résultats du sondage · " : "Résultats · ") + progress(q)));
    var list = el("ul", "results-chart");
    var total = Math.max(q.answered || 0, 1);
    q.quiz.choices.forEach(function (choice, i) {
      var count = (q.tally && q.tally[i]) || 0;
      var right = !poll && correct.indexOf(i) >= 0;
      var row = el("li", "result result-" + choice.letter + (right ? " is-correct" : ""));
      var label = el("span", "result-label");
      label.appendChild(shapeOf(q.number, choice.letter));
      label.appendChild(hiddenText("Réponse " + choice.letter + " : "));
      label.appendChild(el("span", "result-text", textOf(choice.html)));
      row.appendChild(label);
      row.appendChild(bar(count, total));
      var number = el("span", "result-count", String(count));
      number.appendChild(hiddenText(count === 1 ? " réponse" : " réponses"));
      row.appendChild(number);
      if (right) row.appendChild(el("span", "result-mark", "✓ Bonne réponse"));
      list.appendChild(row);
    });
    wrap.appendChild(list);
    if (q.key && q.key.explanation_html) {
      var explanation = el("div", "explanation");
      explanation.appendChild(el("p", "explanation-label", "Explication"));
      var text = el("div", "explanation-text");
      text.innerHTML = q.key.explanation_html; // sanitized on the server (bleach)
      explanation.appendChild(text);
      wrap.appendChild(explanation);
    }
    return wrap;
  }

  // Once the session ended, the projector says goodbye: no code and no address left on the screen.
  function drawEnded() {
    var ended = !!state && state.status === "ended";
    root.classList.toggle("is-ended", ended);
    var end = root.querySelector("[data-end-slide]");
    if (!ended || !end) return false;
    joinOverlay = false;
    root.querySelectorAll(".stage > .slide").forEach(function (slide) { slide.hidden = slide !== end; });
    deck.fitSlide(end);
    return true;
  }

  function drawProjector() {
    if (drawEnded()) return;
    var q = state && state.question;
    // The question's slide, and those that show a live part still (to clear it): a slide never drawn has
    // nothing to clear, and drawing every quiz slide at each state restyled the whole module.
    root.querySelectorAll(".stage > .slide[data-quiz]").forEach(function (slide) {
      var mine = q && String(q.number) === slide.dataset.quiz ? q : null;
      if (mine || slide.querySelector(".live-quiz")) drawSlideQuiz(slide, mine);
    });
    deck.fitSlide(root.querySelector('.stage > .slide[data-n="' + deck.current() + '"]'));
    if (joinOverlay) showJoin(true); // deck.js hid it again while rendering
  }

  // --- Presenter: question controls and live results -------------------------------
  function drawQuizPanel() {
    var panel = root.querySelector("[data-quiz-panel]");
    if (!panel) return;
    var notes = root.querySelector('[data-notes="' + deck.current() + '"]');
    var slideQuiz = notes && notes.dataset.quiz ? parseInt(notes.dataset.quiz, 10) : null;
    var q = state && state.question;
    var number = slideQuiz || (q && q.state === "open" ? q.number : null);
    panel.hidden = !number;
    if (!number) return;
    var mine = q && q.number === number ? q : null;
    var title = "Question " + number;
    if (!slideQuiz) title += " : encore ouverte, sur une autre diapo";
    panel.querySelector("[data-quiz-title]").textContent = title;
    // The check « avant » is never revealed: the server refuses it, the button says so.
    var before = (notes && notes.dataset.check === "avant") || (!!mine && mine.check === "avant");
    var status = !mine ? "Pas encore ouverte aux téléphones." :
      mine.state === "open" ? "Ouverte : " + progress(mine) + "." :
      mine.state === "closed" ? "Réponses fermées : " + progress(mine) + "." :
      "Réponse montrée : " + progress(mine) + ".";
    if (before) status += " Positionnement du début : la réponse ne sera pas montrée.";
    var statusBox = panel.querySelector("[data-quiz-status]");
    if (statusBox.textContent !== status) statusBox.textContent = status;
    panel.setAttribute("data-state", mine ? mine.state : "none");
    var open = panel.querySelector("[data-action=quiz-open]");
    open.textContent = mine && mine.state === "closed" ? "Rouvrir" : "Ouvrir";
    open.disabled = !!mine && mine.state !== "closed";
    panel.querySelector("[data-action=quiz-close]").disabled = !mine || mine.state !== "open";
    panel.querySelector("[data-action=quiz-reveal]").disabled = before || (!!mine && mine.state === "revealed");
    drawTally(panel.querySelector("[data-tally]"), mine, number);
  }

  // Answers as they come, the right ones marked: animators get the tally and the key at all times.
  function drawTally(list, q, number) {
    list.textContent = "";
    if (!q || !q.tally) return;
    var correct = (q.key && q.key.correct) || [];
    var total = Math.max(q.answered || 0, 1);
    q.quiz.choices.forEach(function (choice, i) {
      var count = q.tally[i] || 0;
      var row = el("li", "tally-row result-" + choice.letter + (correct.indexOf(i) >= 0 ? " is-correct" : ""));
      row.appendChild(shapeOf(number, choice.letter));
      row.appendChild(hiddenText("Réponse " + choice.letter + " : "));
      row.appendChild(bar(count, total));
      row.appendChild(el("span", "tally-count", plural(count, "réponse", "réponses")));
      // Every row has the same four columns (an empty mark too): the bars' tracks all have one length.
      row.appendChild(el("span", "tally-mark", correct.indexOf(i) >= 0 ? "✓ bonne" : ""));
      list.appendChild(row);
    });
  }

  // --- Presenter: the roster, and answers entered for someone who answers aloud ---------
  var people = {}; // participant id -> {li, button, entry, data}
  var entryOpen = null; // id of the person whose entry is open

  function openQuestion() {
    var q = state && state.question;
    return q && q.state === "open" ? q : null;
  }

  function makePerson(p) {
    var li = el("li", "person");
    var button = el("button", "person-button");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "saisie-" + p.id);
    var entry = el("div", "answer-entry");
    entry.id = "saisie-" + p.id;
    entry.hidden = true;
    li.appendChild(button);
    li.appendChild(entry);
    var person = { li: li, button: button, entry: entry, data: p, drawn: "" };
    button.addEventListener("click", function () { toggleEntry(person); });
    return person;
  }

  function drawPerson(person) {
    var p = person.data;
    var q = state && state.question;
    var letters = p.answer && q && rosterQuiz === q.number ? p.answer.map(function (i) { return q.quiz.choices[i] ? q.quiz.choices[i].letter : "?"; })
      : [];
    var verdict = letters.length ? judge(q, p.answer) : "";
    var signature = [p.nickname, p.avatar, p.connected, letters.join(""), verdict, p.devices, p.new_device,
      p.state].join("|");
    if (person.drawn === signature) return;
    person.drawn = signature;
    var b = person.button;
    b.textContent = "";
    b.appendChild(avatar(p.avatar, "person-avatar"));
    b.appendChild(el("span", "person-name", p.nickname));
    var dot = el("span", "person-connected" + (p.connected ? " is-on" : ""));
    dot.appendChild(el("span", "", p.connected ? "●" : "○")).setAttribute("aria-hidden", "true");
    dot.appendChild(hiddenText(p.connected ? ", connecté·e" : ", pas connecté·e"));
    b.appendChild(dot);
    // One name on two phones at once, or taken by a new phone this session: the animator should know.
    if (p.devices > 1) b.appendChild(el("span", "person-flag", "· " + p.devices + " téléphones"));
    else if (p.new_device) b.appendChild(el("span", "person-flag", "· nouveau téléphone"));
    var shown = STATES[p.state] ? p.state : "absent"; // not `state`: that is the session's, above
    b.appendChild(hiddenText(", "));
    b.appendChild(el("span", "person-state state-" + shown, STATES[shown].toLowerCase()));
    var answer = el("span", "person-answer");
    if (letters.length) {
      // « a répondu B »: a neutral chip until the reveal, then ✓ or ✗ (never for a poll or the « avant » check).
      answer.appendChild(hiddenText(", "));
      answer.appendChild(el("span", "answer-said", "a répondu "));
      var chip = answer.appendChild(el("span", "answer-chip" + (verdict ? " is-" + verdict : ""), letters.join(", ")));
      if (verdict) {
        chip.appendChild(el("span", "answer-verdict", verdict === "right" ? " ✓" : " ✗")).setAttribute("aria-hidden", "true");
        chip.appendChild(hiddenText(verdict === "right" ? ", juste" : ", faux"));
      }
    }
    b.appendChild(answer);
  }

  // "right" or "wrong" once the answer is revealed; "" before, and for a poll or the « avant » check.
  function judge(q, answer) {
    if (!q || q.state !== "revealed" || !q.key || q.check === "avant" || q.quiz.kind === "sondage") return "";
    var key = (q.key.correct || []).slice().sort().join(",");
    return (answer || []).slice().sort().join(",") === key ? "right" : "wrong";
  }

  function toggleEntry(person) {
    var opening = entryOpen !== person.data.id;
    if (entryOpen !== null && people[entryOpen]) closeEntry(people[entryOpen]);
    if (opening) {
      entryOpen = person.data.id;
      person.button.setAttribute("aria-expanded", "true");
      person.entry.hidden = false;
      buildEntry(person);
      person.entry.scrollIntoView({ block: "nearest" });
    }
  }
  function closeEntry(person) {
    entryOpen = null;
    person.button.setAttribute("aria-expanded", "false");
    person.entry.hidden = true;
    person.entry.textContent = "";
  }

  // Attendance in two taps: the name (opens this entry), then the state, saved at once.
  var STATES = { present: "Présent·e", excused: "Excusé·e", absent: "Absent·e" };
  function buildAttendance(person, box) {
    var group = el("div", "entry-states");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Présence de " + person.data.nickname);
    var said = el("p", "state-result");
    said.setAttribute("role", "status");
    var buttons = Object.keys(STATES).map(function (state) {
      var b = el("button", "entry-state state-" + state, STATES[state]);
      b.type = "button";
      b.dataset.state = state;
      b.setAttribute("aria-pressed", person.data.state === state ? "true" : "false");
      b.addEventListener("click", function () {
        buttons.forEach(function (other) { other.disabled = true; });
        said.className = "state-result";
        said.textContent = "Envoi…";
        request("attendance_for", { participant: person.data.id, state: state }, function (ack, error) {
          buttons.forEach(function (other) { other.disabled = false; });
          if (error) { said.className = "state-result is-error"; said.textContent = error; return; }
          person.data.state = ack.state;
          buttons.forEach(function (other) {
            other.setAttribute("aria-pressed", other.dataset.state === ack.state ? "true" : "false");
          });
          said.className = "state-result is-ok";
          said.textContent = person.data.nickname + " : " + STATES[ack.state].toLowerCase() + ".";
          drawPerson(person);
        }, true);
      });
      group.appendChild(b);
      return b;
    });
    box.appendChild(el("p", "entry-title", "Présence de " + person.data.nickname + " :"));
    box.appendChild(group);
    box.appendChild(said);
  }

  function buildEntry(person) {
    var box = person.entry;
    var q = openQuestion();
    box.textContent = "";
    box.dataset.question = q ? q.number + ":" + q.state : "";
    buildAttendance(person, box);
    if (!q) {
      box.appendChild(el("p", "entry-note", "Aucune question n'est ouverte. Ouvrez la question, puis saisissez la réponse."));
      return;
    }
    var chosen = [];
    var sending = false;
    var submit = el("button", "entry-submit", "Valider");
    submit.type = "button";
    box.appendChild(el("p", "entry-title", "Réponse de " + person.data.nickname + " à la question " + q.number +
      (q.quiz.multiple ? " (plusieurs choix possibles)" : "") + " :"));
    var group = el("div", "entry-letters");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Réponse de " + person.data.nickname);
    var buttons = [];
    q.quiz.choices.forEach(function (choice, i) {
      var b = el("button", "entry-letter result-" + choice.letter);
      b.type = "button";
      b.appendChild(shapeOf(q.number, choice.letter));
      b.appendChild(hiddenText("Réponse " + choice.letter + " : "));
      b.appendChild(el("span", "entry-letter-text", textOf(choice.html)));
      function sync() {
        b.setAttribute("aria-pressed", chosen.indexOf(i) >= 0 ? "true" : "false");
        if (!sending) submit.disabled = !chosen.length; // « Valider » waits for a choice
      }
      sync();
      b.addEventListener("click", function () {
        var at = chosen.indexOf(i);
        if (at >= 0) chosen.splice(at, 1);
        else if (q.quiz.multiple) chosen.push(i);
        else chosen = [i];
        buttons.forEach(function (other) { other.sync(); });
      });
      b.sync = sync;
      buttons.push(b);
      group.appendChild(b);
    });
    box.appendChild(group);
    var actions = el("div", "entry-actions");
    // « Replier », not « Fermer »: the question panel above already has « Fermer les réponses ».
    var cancel = el("button", "entry-cancel", "Replier");
    cancel.type = "button";
    actions.appendChild(submit);
    actions.appendChild(cancel);
    box.appendChild(actions);
    var result = el("p", "entry-result");
    result.setAttribute("role", "status");
    box.appendChild(result);
    function say(kind, text) {
      result.className = "entry-result" + (kind ? " is-" + kind : "");
      result.textContent = text;
      result.scrollIntoView({ block: "nearest" }); // the roster may scroll inside its column
    }
    cancel.addEventListener("click", function () { closeEntry(person); person.button.focus(); });
    submit.addEventListener("click", function () {
      if (!chosen.length) { say("error", "Choisissez une réponse."); return; }
      submit.disabled = sending = true;
      say("", "Envoi…");
      var sent = chosen.slice().sort(function (a, b) { return a - b; });
      request("answer_for", { participant: person.data.id, quiz: q.number, choices: sent }, function (ack, error) {
        sending = false;
        submit.disabled = !chosen.length;
        if (error) { say("error", error); return; }
        var letters = ack.choices.map(function (i) { return q.quiz.choices[i].letter; }).join(", ");
        say("ok", "Réponse de " + person.data.nickname + " enregistrée : " + letters + ".");
      }, true);
    });
  }

  function drawRoster() {
    var list = root.querySelector("[data-roster]");
    if (!list) return;
    var seen = {};
    roster.forEach(function (p, index) {
      var person = people[p.id] || (people[p.id] = makePerson(p));
      person.data = p;
      seen[p.id] = true;
      if (list.children[index] !== person.li) list.insertBefore(person.li, list.children[index] || null);
      drawPerson(person);
      // The question opened, closed or changed under an open entry: show what is possible now.
      var q = openQuestion();
      if (entryOpen === p.id && person.entry.dataset.question !== (q ? q.number + ":" + q.state : "")) buildEntry(person);
    });
    Object.keys(people).forEach(function (id) {
      if (!seen[id]) { list.removeChild(people[id].li); delete people[id]; }
    });
    var connected = roster.filter(function (p) { return p.connected; }).length;
    var summary = root.querySelector("[data-roster-summary]");
    if (summary) summary.textContent = roster.length ?
      connected + (connected > 1 ? " connecté·e·s sur " : " connecté·e sur ") + roster.length : "personne pour l'instant";
  }

  // --- Presenter: a new phone asking to be someone whose phone is connected ------------
  var claims = [];
  function drawClaims() {
    var box = root.querySelector("[data-claims]");
    if (!box) return;
    box.textContent = "";
    box.hidden = !claims.length;
    claims.forEach(function (c) {
      var row = el("div", "claim");
      row.appendChild(el("p", "claim-text", c.nickname + " revient sur un autre téléphone : accepter ?"));
      [["Accepter", true], ["Refuser", false]].forEach(function (choice) {
        var button = el("button", "claim-" + (choice[1] ? "accept" : "refuse"), choice[0]);
        button.type = "button";
        button.setAttribute("aria-label", choice[0] + " le nouveau téléphone de " + c.nickname);
        button.addEventListener("click", function () {
          button.disabled = true;
          socket.emit("approve_device", { claim: c.id, accept: choice[1] }, function (ack) {
            if (ack && ack.ok) toast(choice[1] ? "Nouveau téléphone accepté pour " + c.nickname + "."
              : "Téléphone refusé pour " + c.nickname + ".");
            else { button.disabled = false; toast((ack && ack.error && ack.error.message) || "Action refusée."); }
          });
        });
        row.appendChild(button);
      });
      box.appendChild(row);
    });
  }

  // "n participants connectés" on the join slide, in the page and in the presenter's copies.
  function drawJoinCount() {
    var n = roster.filter(function (p) { return p.connected; }).length;
    var text = n === 0 ? "Aucun participant connecté pour l'instant" :
      plural(n, "participant connecté", "participants connectés");
    var template = document.getElementById("slides");
    var nodes = Array.prototype.slice.call(document.querySelectorAll("[data-join-count]"));
    if (template) nodes = nodes.concat(Array.prototype.slice.call(template.content.querySelectorAll("[data-join-count]")));
    nodes.forEach(function (node) { node.textContent = text; });
  }

  // The presenter's observation grid (skill-grid.js), on a page that has one.
  var grid = null;

  function draw() {
    if (!state) return;
    if (projector) drawProjector();
    else { drawQuizPanel(); drawRoster(); if (grid) grid.draw(); }
  }
  deck.onChange(function (current, changed) {
    if (changed && projector) showJoin(false);
    draw();
  });

  // --- The socket --------------------------------------------------------------------
  var wasOnline = false;
  window.KitSocket.watch(socket, function (status, detail) {
    if (status === "online") {
      wasOnline = true;
      setStatus(state && state.status === "ended" ? "ended" : "online");
    } else if (status === "offline") {
      setStatus("offline");
      // A network problem, once a new attempt failed: socket.io tries again on its own.
      if (detail && wasOnline) { wasOnline = false; toast("Connexion au serveur perdue. Nouvel essai en cours…"); }
    } else {
      // Refused by the server (not signed in, not your session): its message is in French.
      setStatus("refused");
      toast("Connexion refusée : " + (detail || "réessayez plus tard."), true);
    }
  });
  socket.on("error", function (error) {
    if (!awaiting) toast((error && error.message) || "Action refusée.");
  });
  socket.on("state", function (next) {
    if (!next || typeof next.version !== "number" || next.version < version) return; // an older state
    version = next.version;
    state = next;
    // After a move, the answers to the current question come with the state instead of a new roster.
    if (next.answers) takeAnswers(next.answers, next.question ? next.question.number : null);
    if (next.status !== "live") { setStatus("ended"); toast("La séance est terminée.", true); }
    deck.show(next.slide.number); // renders, then draw() through onChange
  });
  socket.on("roster", function (data) {
    roster = (data && data.participants) || [];
    rosterQuiz = data ? data.quiz : null;
    claims = (data && data.claims) || [];
    drawJoinCount();
    if (!projector) { drawRoster(); drawClaims(); if (grid && state) grid.draw(); }
  });
  function takeAnswers(answers, quiz) {
    var given = {};
    answers.forEach(function (a) { given[a.participant] = a.choices; });
    roster.forEach(function (p) { p.answer = given[p.id] || null; });
    rosterQuiz = quiz;
  }
  // Answers as they arrive: the count, the tally and the roster follow without a full state.
  function countAnswer(data) {
    var q = state && state.question;
    if (!data || !q || q.number !== data.quiz || !q.tally) return false;
    var person = null;
    roster.forEach(function (p) { if (p.id === data.participant) person = p; });
    var before = person && rosterQuiz === data.quiz ? person.answer : null;
    if (before) before.forEach(function (i) { if (q.tally[i] > 0) q.tally[i] -= 1; });
    else q.answered = (q.answered || 0) + 1;
    (data.choices || []).forEach(function (i) { if (i >= 0 && i < q.tally.length) q.tally[i] += 1; });
    if (person) { person.answer = data.choices; rosterQuiz = data.quiz; }
    return true;
  }
  socket.on("answers", function (data) {
    var counted = false;
    ((data && data.answers) || []).forEach(function (a) { counted = countAnswer(a) || counted; });
    if (counted) draw(); // once for the whole batch
  });
  socket.on("black", function (data) { deck.setBlack(!!(data && data.on)); });
  if (!projector && window.KitSkillGrid) {
    // Now, before any message can arrive: the grid listens to the levels sent at connection.
    grid = window.KitSkillGrid({ root: root, socket: socket, request: request, el: el, avatar: avatar,
      state: function () { return state; }, roster: function () { return roster; } });
  }
  setStatus("connecting");
})();
