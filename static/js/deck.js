// Projector and presenter views of a module.
// The two windows of one browser stay in sync through a BroadcastChannel; the
// server is not involved until live sessions exist.
(function () {
  "use strict";

  var root = document.querySelector("[data-deck]");
  if (!root) return;
  var mode = root.dataset.mode;
  var count = parseInt(root.dataset.count, 10);
  var current = parseInt(root.dataset.current, 10);
  var slug = root.dataset.slug;
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("kit-deck:" + slug) : null;
  var black = false;

  function clamp(n) { return Math.max(1, Math.min(count, n)); }

  function send(message) { if (channel) channel.postMessage(message); }

  // --- Scaling: slides are designed at 1280x720 and scaled to fit. -----------
  function fit(container) {
    var stage = container.querySelector(".stage");
    if (!stage) return;
    var scale = Math.min(container.clientWidth / 1280, container.clientHeight / 720);
    stage.style.transform = "scale(" + scale + ")";
  }
  function fitAll() {
    document.querySelectorAll(".viewport, .preview").forEach(fit);
  }
  window.addEventListener("resize", fitAll);

  // --- Moving between slides ------------------------------------------------
  function go(n, options) {
    options = options || {};
    n = clamp(n);
    var changed = n !== current;
    current = n;
    render(changed);
    history.replaceState(null, "", root.dataset.base + n);
    if (options.broadcast !== false) send({ type: "goto", n: n });
  }

  function setBlack(on, options) {
    black = on;
    var overlay = document.querySelector(".blackout");
    if (overlay) overlay.hidden = !on;
    document.querySelectorAll("[data-action=black]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (!options || options.broadcast !== false) send({ type: "black", on: on });
  }

  var renderers = {
    projector: function () {
      document.querySelectorAll(".stage > .slide").forEach(function (slide) {
        slide.hidden = parseInt(slide.dataset.n, 10) !== current;
      });
    },
    presenter: function (changed) {
      var template = document.getElementById("slides");
      function show(which, n) {
        var box = root.querySelector("[data-preview=" + which + "] .stage");
        box.textContent = "";
        var source = template.content.querySelector('.slide[data-n="' + n + '"]');
        if (source) {
          var copy = source.cloneNode(true);
          copy.removeAttribute("aria-label");
          box.appendChild(copy);
        } else {
          var end = document.createElement("p");
          end.className = "preview-end";
          end.textContent = "Fin du module";
          box.appendChild(end);
        }
      }
      show("current", current);
      show("next", current + 1);
      var notes = null;
      root.querySelectorAll("[data-notes]").forEach(function (block) {
        var on = parseInt(block.dataset.notes, 10) === current;
        block.hidden = !on;
        if (on) notes = block;
      });
      var next = root.querySelector('[data-notes="' + (current + 1) + '"]');
      root.querySelector("[data-current-title]").textContent = notes ? notes.dataset.title : "";
      root.querySelector("[data-next-title]").textContent = next ? next.dataset.title : "fin du module";
      root.querySelector("[data-slide-minutes]").textContent = notes ? notes.dataset.minutes : "";
      root.querySelector("select[data-action=goto]").value = String(current);
      if (changed) timer.slideChanged();
      fitAll();
    }
  };

  function render(changed) {
    document.querySelectorAll("[data-counter]").forEach(function (c) { c.textContent = current; });
    renderers[mode](changed);
  }

  // --- The presenter's clock ---------------------------------------------------
  // The start time lives in localStorage so that a reload does not reset it.
  var timer = (function () {
    var key = "kit-timer:" + slug;
    var slideStart = Date.now();
    function load() {
      try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
    }
    function save(state) { localStorage.setItem(key, JSON.stringify(state)); }
    function elapsedMs(state) {
      if (!state.start) return 0;
      return (state.paused || Date.now()) - state.start;
    }
    function hms(ms, withHours) {
      var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
      var pad = function (v) { return (v < 10 ? "0" : "") + v; };
      return (withHours ? h + ":" + pad(m) : (h * 60 + m)) + ":" + pad(s % 60);
    }
    function plannedBefore(n) {
      var total = 0;
      root.querySelectorAll("[data-notes]").forEach(function (b) {
        if (parseInt(b.dataset.notes, 10) < n) total += parseInt(b.dataset.minutes, 10);
      });
      return total;
    }
    function tick() {
      var state = load();
      var total = elapsedMs(state);
      var totalEl = root.querySelector("[data-elapsed-total]");
      if (!totalEl) return;
      totalEl.textContent = hms(total, true);
      root.querySelector("[data-elapsed-slide]").textContent = hms(Date.now() - slideStart, false);
      var pace = root.querySelector("[data-pace]");
      var button = root.querySelector("[data-action=timer]");
      button.textContent = !state.start ? "Démarrer le chrono" : state.paused ? "Reprendre" : "Pause";
      if (!state.start) { pace.textContent = "Chrono arrêté"; pace.className = "pace"; return; }
      var notes = root.querySelector('[data-notes="' + current + '"]');
      var planEnd = plannedBefore(current) + parseInt(notes.dataset.minutes, 10);
      var late = Math.floor(total / 60000) - planEnd;
      var early = plannedBefore(current) - Math.floor(total / 60000);
      if (late > 0) { pace.textContent = "En retard de " + late + " min"; pace.className = "pace pace-late"; }
      else if (early > 0) { pace.textContent = "En avance de " + early + " min"; pace.className = "pace pace-early"; }
      else { pace.textContent = "Dans les temps"; pace.className = "pace pace-ok"; }
    }
    return {
      slideChanged: function () { slideStart = Date.now(); tick(); },
      toggle: function () {
        var state = load();
        if (!state.start) state = { start: Date.now() };
        else if (state.paused) state = { start: state.start + (Date.now() - state.paused) };
        else state.paused = Date.now();
        save(state);
        tick();
      },
      reset: function () { save({}); slideStart = Date.now(); tick(); },
      tick: tick
    };
  })();

  // --- Input -------------------------------------------------------------------
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  function openOther() {
    var url = mode === "projector" ? root.dataset.presenter : root.dataset.projector;
    window.open(url + current, "kit-" + (mode === "projector" ? "presenter" : "projector") + "-" + slug);
  }

  function toggleHelp() {
    var help = document.getElementById("aide");
    if (!help) return;
    help.hidden = !help.hidden;
    var button = document.querySelector("[data-action=help]");
    if (button) button.setAttribute("aria-expanded", String(!help.hidden));
  }

  var actions = {
    next: function () { go(current + 1); },
    prev: function () { go(current - 1); },
    first: function () { go(1); },
    last: function () { go(count); },
    black: function () { setBlack(!black); },
    fullscreen: toggleFullscreen,
    presenter: openOther,
    projector: openOther,
    help: toggleHelp,
    timer: function () { timer.toggle(); },
    "timer-reset": function () { timer.reset(); }
  };

  var keys = {
    ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Enter: "next", N: "next",
    ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev", Backspace: "prev",
    Home: "first", End: "last",
    b: "black", B: "black", ".": "black",
    f: "fullscreen", F: "fullscreen",
    p: "presenter", P: "presenter", "?": "help"
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("select, input, textarea")) return;
    // Space and Enter on a focused button press that button, not "next".
    if ((event.key === " " || event.key === "Enter") && target.closest && target.closest("button, a")) return;
    var name = keys[event.key];
    if (name === "presenter" && mode !== "projector") name = "projector";
    if (!name) return;
    event.preventDefault();
    if (black && name !== "black") setBlack(false);
    actions[name]();
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (button && actions[button.dataset.action]) actions[button.dataset.action]();
  });

  var select = root.querySelector("select[data-action=goto]");
  if (select) select.addEventListener("change", function () { go(parseInt(select.value, 10)); });

  if (channel) {
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "goto" && typeof msg.n === "number") go(msg.n, { broadcast: false });
      else if (msg.type === "black") setBlack(!!msg.on, { broadcast: false });
      else if (msg.type === "hello") send({ type: "goto", n: current });
    };
  }

  render(true);
  fitAll();
  // A window that opens second joins the slide the other one shows.
  if (mode === "projector") send({ type: "hello" });
  if (mode === "presenter") { send({ type: "goto", n: current }); setInterval(timer.tick, 1000); }
})();
