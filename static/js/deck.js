// Projector and presenter views of a module.
// Static views (/modules/...): the two windows of one browser stay in sync through
// a BroadcastChannel. Live sessions (data-live): live-deck.js drives the deck through
// window.KitDeck and the server decides which slide is shown.
(function () {
  "use strict";

  var root = document.querySelector("[data-deck]");
  if (!root) return;
  var mode = root.dataset.mode;
  var live = root.hasAttribute("data-live");
  var count = parseInt(root.dataset.count, 10);
  var first = live ? 0 : 1; // slide 0 is the join slide of a live session
  var current = parseInt(root.dataset.current, 10);
  var slug = root.dataset.slug;
  // In a live session the server syncs the windows: a channel would mix them with a static view.
  var channel = !live && "BroadcastChannel" in window ? new BroadcastChannel("kit-deck:" + slug) : null;
  var black = false;
  var driver = null; // live: {go: fn(n), black: fn(on), target: fn() -> n or null}
  var listeners = [];

  function clamp(n) { return Math.max(first, Math.min(count, n)); }

  function send(message) { if (channel) channel.postMessage(message); }

  // The template already wrote most texts: writing the same words again would still make the page lay out anew.
  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }

  // --- Scaling: slides are designed at 1280x720 and scaled to their box. -------
  // Every size read first, then every transform written: a read after a write would lay the page out again.
  function scaleAll() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".viewport, .preview"));
    boxes.map(function (container) {
      var stage = container.querySelector(".stage");
      return stage && [stage, Math.min(container.clientWidth / 1280, container.clientHeight / 720)];
    }).forEach(function (pair) {
      if (pair) pair[0].style.transform = "scale(" + pair[1] + ")";
    });
  }
  window.addEventListener("resize", scaleAll);

  // --- Fit to slide: fit.js, loaded before this file. ----------------------------
  var fitSlide = window.KitFit.slide;

  // --- Pictures of the hidden slides -------------------------------------------
  // The projector's template marks the pictures of the slides far from the one shown lazy: a hidden lazy picture is
  // not fetched, so the page's load fetches and decodes (SVG: on the main thread) only what it shows. They are asked
  // for here: the shown slide's neighbours at each move, every other slide's once the page has loaded, so that a
  // slide still shows its pictures at once, as when the page fetched them all.
  function wake(slide) {
    if (!slide) return;
    slide.querySelectorAll('img[loading="lazy"]').forEach(function (img) { img.loading = "eager"; });
  }
  function wakeAround(n) {
    [n, n - 1, n + 1].forEach(function (k) {
      wake(root.querySelector('.stage > .slide[data-n="' + k + '"]'));
    });
  }
  function wakeAll() {
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 0); };
    idle(function () { root.querySelectorAll(".stage > .slide").forEach(wake); });
  }

  // --- Moving between slides ------------------------------------------------
  function go(n, options) {
    options = options || {};
    n = clamp(n);
    var changed = n !== current;
    current = n;
    render(changed);
    if (root.dataset.base) history.replaceState(null, "", root.dataset.base + n);
    if (options.broadcast !== false) send({ type: "goto", n: n });
  }

  // Keys and buttons ask to move; in a live session the server answers with the new state.
  function request(n) {
    n = clamp(n);
    if (driver) driver.go(n);
    else go(n);
  }
  // Where "next" starts from: the slide already asked for, if the server has not answered yet.
  function position() {
    var target = driver ? driver.target() : null;
    return target === null ? current : target;
  }

  function setBlack(on, options) {
    black = on;
    var overlay = document.querySelector(".blackout");
    if (overlay) overlay.hidden = !on;
    document.querySelectorAll("[data-action=black]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (options && options.broadcast === false) return;
    if (driver) driver.black(on);
    else send({ type: "black", on: on });
  }

  var nextTimer = null;
  var renderers = {
    projector: function () {
      var shown = null;
      // Only the slides whose state changes are touched: a module has dozens, and each write costs a style pass.
      document.querySelectorAll(".stage > .slide").forEach(function (slide) {
        var on = parseInt(slide.dataset.n, 10) === current;
        if (slide.hidden === on) slide.hidden = !on;
        if (on) shown = slide;
      });
      fitSlide(shown);
      wakeAround(current);
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
          fitSlide(copy);
        } else {
          var end = document.createElement("p");
          end.className = "preview-end";
          end.textContent = "Fin du module";
          box.appendChild(end);
        }
      }
      // A state that only brings new results keeps the same slide: no need to rebuild the previews.
      // The next slide's thumbnail comes in a task of its own: laying out and fitting both slides in one
      // task blocked the page for 100 ms and more on a slow laptop (Lighthouse, long tasks of deck.js).
      if (changed) {
        show("current", current);
        clearTimeout(nextTimer);
        var shownNow = current;
        nextTimer = setTimeout(function () { show("next", shownNow + 1); }, 0);
      }
      var notes = null;
      root.querySelectorAll("[data-notes]").forEach(function (block) {
        var on = parseInt(block.dataset.notes, 10) === current;
        if (block.hidden === on) block.hidden = !on;
        if (on) notes = block;
      });
      var next = root.querySelector('[data-notes="' + (current + 1) + '"]');
      setText(root.querySelector("[data-current-title]"), notes ? notes.dataset.title : "");
      setText(root.querySelector("[data-next-title]"), next ? next.dataset.title : "fin du module");
      var minutes = notes ? notes.dataset.minutes : "";
      setText(root.querySelector("[data-slide-minutes]"), minutes);
      // The join slide has no planned time: no « sur 0 min ».
      var plan = root.querySelector("[data-slide-plan]");
      if (plan) plan.hidden = !minutes || minutes === "0";
      root.querySelector("select[data-action=goto]").value = String(current);
      if (changed) timer.slideChanged();
      scaleAll();
    }
  };

  var rendered = false;
  function render(changed) {
    document.querySelectorAll("[data-counter]").forEach(function (c) { setText(c, String(current)); });
    renderers[mode](changed || !rendered);
    rendered = true;
    listeners.forEach(function (fn) { fn(current, changed); });
  }

  // --- The presenter's clock ---------------------------------------------------
  // The start time lives in localStorage so that a reload does not reset it.
  var timer = (function () {
    var key = "kit-timer:" + (root.dataset.session ? "seance-" + root.dataset.session : slug);
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
      setText(totalEl, hms(total, true));
      setText(root.querySelector("[data-elapsed-slide]"), hms(Date.now() - slideStart, false));
      var pace = root.querySelector("[data-pace]");
      var button = root.querySelector("[data-action=timer]");
      setText(button, !state.start ? "Démarrer le chrono" : state.paused ? "Reprendre" : "Pause");
      if (!state.start) { setText(pace, "Chrono arrêté"); pace.className = "pace"; return; }
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
    // Live pages have no slide number in their address: the server knows the slide.
    window.open(live ? url : url + current, "kit-" + (mode === "projector" ? "presenter" : "projector") + "-" + slug);
  }

  function toggleHelp(show) {
    var help = document.getElementById("aide");
    if (!help) return;
    help.hidden = typeof show === "boolean" ? !show : !help.hidden;
    var button = document.querySelector("[data-action=help]");
    if (button) button.setAttribute("aria-expanded", String(!help.hidden));
  }

  var actions = {
    next: function () { request(position() + 1); },
    prev: function () { request(position() - 1); },
    first: function () { request(first); },
    last: function () { request(count); },
    black: function () { setBlack(!black); },
    fullscreen: toggleFullscreen,
    presenter: openOther,
    projector: openOther,
    help: toggleHelp,
    escape: function () { toggleHelp(false); },
    timer: function () { timer.toggle(); },
    "timer-reset": function () { timer.reset(); }
  };

  var keys = {
    ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Enter: "next", N: "next",
    ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev", Backspace: "prev",
    Home: "first", End: "last",
    b: "black", B: "black", ".": "black",
    f: "fullscreen", F: "fullscreen",
    p: "presenter", P: "presenter", "?": "help", Escape: "escape"
  };
  // Keys that scroll the notes when the focus is in them, instead of changing slides.
  var SCROLL_KEYS = { ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1, PageUp: 1, PageDown: 1, " ": 1,
    Home: 1, End: 1 };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("select, input, textarea")) return;
    if (SCROLL_KEYS[event.key] && target.closest && target.closest(".presenter-notes")) return;
    // Space and Enter on a focused button press that button, not "next".
    if ((event.key === " " || event.key === "Enter") && target.closest && target.closest("button, a")) return;
    var name = keys[event.key];
    if (name === "presenter" && mode !== "projector") name = "projector";
    if (!name || !actions[name]) return;
    event.preventDefault();
    if (black && name !== "black" && name !== "escape") setBlack(false);
    actions[name]();
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (button && actions[button.dataset.action]) actions[button.dataset.action]();
  });

  var select = root.querySelector("select[data-action=goto]");
  if (select) select.addEventListener("change", function () { request(parseInt(select.value, 10)); });

  if (channel) {
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "goto" && typeof msg.n === "number") go(msg.n, { broadcast: false });
      else if (msg.type === "black") setBlack(!!msg.on, { broadcast: false });
      else if (msg.type === "hello") send({ type: "goto", n: current });
    };
  }

  // --- What live-deck.js uses ----------------------------------------------------
  window.KitDeck = {
    mode: mode,
    root: root,
    current: function () { return current; },
    // Show slide n without asking anyone (the server said so).
    show: function (n) { go(n, { broadcast: false }); },
    // Hand navigation and black screen over to a driver (the live session's socket).
    drive: function (d) { driver = d; },
    setBlack: function (on) { setBlack(on, { broadcast: false }); },
    // fn(current, changed) after every render.
    onChange: function (fn) { listeners.push(fn); },
    // A named action, and the keys that trigger it; returns the action it replaces, to chain it.
    action: function (name, fn, keyList) {
      var previous = actions[name];
      actions[name] = fn;
      (keyList || []).forEach(function (key) { keys[key] = name; });
      return previous;
    },
    fitSlide: fitSlide
  };

  render(true);
  if (mode === "projector") scaleAll(); // the presenter's render has just scaled its previews
  // A window that opens second joins the slide the other one shows.
  if (mode === "projector") {
    send({ type: "hello" });
    if (document.readyState === "complete") wakeAll();
    else window.addEventListener("load", wakeAll);
  }
  if (mode === "presenter") { send({ type: "goto", n: current }); setInterval(timer.tick, 1000); }
})();
