// A participant's phone during a live session (docs/protocol.md, namespace /participant).
// Plain ES5 for old Android browsers. The server has authority: the page only draws its `state`.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;

  function find(name) { return root.querySelector("[data-" + name + "]"); }
  var el = {
    connection: find("connection"), banner: find("banner"), announce: find("announce"),
    listen: find("listen"), listenLabel: find("listen-label"),
    slideKicker: find("slide-kicker"), later: find("later"), lookIcon: find("look-icon"), slideTitle: find("slide-title"), look: find("look"), activity: find("activity"),
    qKicker: find("q-kicker"), result: find("result"), qText: find("q-text"), qImage: find("q-image"),
    countdown: find("countdown"), qHint: find("q-hint"), answers: find("answers"), send: find("send"),
    feedback: find("feedback"), explanation: find("explanation"), refused: find("refused-message"),
    learned: find("learned"), learnedEnd: find("learned-end")  // module 4 only: « Ce que j'ai appris »
  };
  var views = {};
  var nodes = root.querySelectorAll("[data-view]");
  for (var n = 0; n < nodes.length; n++) views[nodes[n].getAttribute("data-view")] = nodes[n];

  var LETTERS = "ABCDEF";
  var HINTS = {
    unique: "Touchez votre réponse.", multiple: "Plusieurs réponses possibles. Touchez-les, puis « Envoyer ».",
    "vrai-faux": "Vrai ou faux ? Touchez votre réponse.", sondage: "Sondage : pas de bonne réponse."
  };
  // The check « avant » (start of module 1) is never revealed: the phone reassures instead.
  var BEFORE = "C'est normal de ne pas savoir : on verra ensemble à la fin.";
  var LOST = "Connexion perdue… on réessaie";
  var REFUSED = "Cette séance est terminée, ou ce téléphone ne peut plus la suivre.";

  var shown = null;      // the last state drawn
  var viewKey = "";      // what is on screen: "f5" (slide 5), "q3:open", "ended"…
  var quiz = null;       // the question on screen: {number, state, quiz, deadline}
  var skew = 0;          // server clock minus phone clock, in ms
  var mine = {};         // quiz number → my choices as the server stored them (null: no answer)
  var picked = [];       // the choices drawn as chosen while the question is open
  var sending = false, queued = null, problem = "";
  var buttons = [], tags = [];  // the answer buttons, and the tag line of each
  var ticker = null;
  var finished = false;
  var connectedOnce = false;

  // --- Small helpers -------------------------------------------------------------------
  function contains(list, value) {
    for (var i = 0; list && i < list.length; i++) if (list[i] === value) return true;
    return false;
  }
  function sameSet(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (!contains(b, a[i])) return false;
    return true;
  }
  function letters(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) out.push(LETTERS.charAt(list[i]));
    return out.length > 1 ? out.slice(0, -1).join(", ") + " et " + out[out.length - 1] : out.join("");
  }
  function text(node) { return (node.textContent || "").replace(/\s+/g, " ").replace(/^ | $/g, ""); }
  function escape(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function setText(node, value) { if (node.textContent !== value) node.textContent = value; }
  function announce(message) {
    el.announce.textContent = "";
    setTimeout(function () { el.announce.textContent = message; }, 60);
  }
  // The answer shapes are drawn once by the server, in the page (templates/_macros.html, as on the projector).
  function shape(letter) {
    return find('shape="' + letter + '"').content.querySelector("svg").cloneNode(true);
  }
  function parseTime(iso) {  // "2026-11-23T09:12:03.123456+00:00", without trusting old Date.parse
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|([+-])(\d\d):?(\d\d))?$/.exec(iso || "");
    if (!m) return NaN;
    var t = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[7] ? Math.round(parseFloat(m[7]) * 1000) : 0);
    if (m[9]) t -= (m[9] === "-" ? -1 : 1) * (m[10] * 60 + +m[11]) * 60000;
    return t;
  }

  // --- Views -------------------------------------------------------------------------------
  function showView(name, key) {
    for (var v in views) if (views.hasOwnProperty(v)) views[v].hidden = v !== name;
    if (key !== viewKey) {
      viewKey = key;
      stopSpeaking();
      if (window.scrollTo) window.scrollTo(0, 0);
    }
    var top = views[name].querySelector("[data-top]");
    if (top && el.listen.parentNode !== top) top.appendChild(el.listen);
    el.listen.hidden = !canSpeak || !top || (name === "follow" && el.activity.hidden);
    if (top) top.hidden = top.querySelector("[data-kicker]").hidden && el.listen.hidden;
  }

  function render(state) {
    if (!state || typeof state !== "object" || finished) return;
    if (shown && state.session === shown.session && state.version < shown.version) return;
    shown = state;
    // The countdown follows the server's clock, whatever the phone's own clock says.
    var serverTime = parseTime(state.server_time);
    if (!isNaN(serverTime)) skew = serverTime - new Date().getTime();
    var q = state.question;
    if (q && q.hasOwnProperty("my_answer")) mine[q.number] = q.my_answer ? q.my_answer.slice() : null;
    if (state.status === "ended") return end();
    if (q && q.quiz) renderQuestion(q); else renderFollow(state.slide || {});
  }

  function renderFollow(slide) {
    var key = "f" + (slide.number || 0) + ":" + (slide.title || "");
    if (key === viewKey) return;
    quiz = null;
    clearTicker();
    var welcome = !slide.number;
    var activity = slide.activity_html;
    setText(el.slideKicker, welcome ? "" : activity ? "Activité" : slide.kind === "quiz" ? "Question" :
      "Diapo " + slide.number + " sur " + slide.count);
    el.slideKicker.hidden = welcome;
    setText(el.slideTitle, welcome ? "Bienvenue !" : slide.title || "");
    if (activity) el.activity.innerHTML = activity; else el.activity.innerHTML = "";
    el.activity.hidden = !activity;
    // Before a question opens, one message: its title comes with the question itself.
    var waiting = !activity && slide.kind === "quiz";
    if (waiting) setText(el.slideTitle, "La question va s'afficher ici.");
    setText(el.look, activity ? "Faites ces étapes sur votre téléphone :" : waiting ? "" : "Regardez l'écran.");
    el.look.hidden = waiting;
    el.later.hidden = !welcome;
    if (el.learned) el.learned.hidden = !(slide.number && slide.number === slide.count);
    el.lookIcon.hidden = !!activity;
    var first = !viewKey;
    showView("follow", key);
    if (!first) announce(text(el.slideTitle) + (/[.!?]$/.test(text(el.slideTitle)) ? " " : ". ") + (waiting ? "" : text(el.look)));
  }

  function renderQuestion(q) {
    var fresh = !quiz || quiz.number !== q.number;
    var before = quiz ? quiz.state : "";
    quiz = q;
    if (fresh) {
      picked = (mine[q.number] || []).slice();
      sending = false; queued = null; problem = "";
      build(q.quiz);
    } else if (q.state !== "open" || (!q.quiz.multiple && !sending)) {
      picked = (mine[q.number] || []).slice();
    }
    if (q.state !== "open") { problem = ""; queued = null; }
    var first = !viewKey;
    showView("question", "q" + q.number + ":" + q.state);
    update();
    if (!first && (fresh || before !== q.state)) {
      announce(q.state === "open" ? "Nouvelle question : " + text(el.qText) :
        q.state === "closed" ? "Les réponses sont fermées." : text(el.result));
    }
  }

  function build(data) {
    el.qText.innerHTML = data.question_html || "";
    if (data.image && data.image.src) {
      el.qImage.src = data.image.src;
      el.qImage.alt = data.image.alt || "";
      el.qImage.hidden = false;
    } else {
      el.qImage.removeAttribute("src");
      el.qImage.hidden = true;
    }
    el.answers.innerHTML = "";
    buttons = [];
    tags = [];
    var choices = data.choices || [];
    for (var i = 0; i < choices.length && i < LETTERS.length; i++) {
      var letter = LETTERS.charAt(i);
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-index", String(i));
      button.innerHTML = '<span class="answer-body" data-answer-body><span class="visually-hidden">Réponse ' + letter +
        ' : </span><span class="answer-text">' + (choices[i].html || "") + '</span></span><span class="tag" data-answer-tag></span>';
      var body = button.querySelector("[data-answer-body]");
      button.insertBefore(shape(letter), body);
      if (choices[i].image && choices[i].image.src) {
        var img = document.createElement("img");
        img.src = choices[i].image.src;
        img.alt = choices[i].image.alt || "";
        body.appendChild(img);
      }
      el.answers.appendChild(button);
      buttons.push(button);
      tags.push(button.querySelector("[data-answer-tag]"));
    }
  }

  function update() {
    var q = quiz, data = q.quiz, open = q.state === "open", revealed = q.state === "revealed";
    var poll = data.kind === "sondage", multiple = !!data.multiple, before = q.check === "avant";
    var sent = mine[q.number] || null;
    var correct = revealed && q.key && !poll && !before ? q.key.correct || [] : null;
    setText(el.qKicker, "Question " + q.number);
    setText(el.qHint, open ? HINTS[data.kind] || HINTS.unique : "");
    el.qHint.hidden = !open;

    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var isMine = contains(sent, i), isPicked = open ? contains(picked, i) : isMine;
      var isRight = correct ? contains(correct, i) : false;
      var tag = "";
      // chosen but not sent yet: the ring and the check say it, and « Envoyer » below
      if (open) tag = !isPicked ? "" : isMine && !sending ? "✓ Réponse envoyée" : sending && !multiple ? "Envoi…" : "";
      else if (correct) tag = isRight ? "✓ Bonne réponse" :
        isMine ? "✗ Votre réponse" : "";
      else if (isMine) tag = "Votre réponse";
      b.className = "answer choice-" + LETTERS.charAt(i) + (isPicked ? " picked" : "") + (isRight ? " right" : "") +
        (isMine && correct && !isRight ? " wrong" : "") + (!open && !isPicked && !isRight ? " faded" : "");
      b.setAttribute("aria-pressed", isPicked ? "true" : "false");
      b.disabled = !open;
      setText(tags[i], tag);
    }

    el.send.hidden = !(open && multiple);
    el.send.disabled = sending;

    var feedback = "", kind = "";
    if (open) {
      if (problem) { feedback = escape(problem); kind = "is-error"; }
      else if (sending) feedback = "Envoi…";
      else if (sent && sameSet(picked, sent)) {
        feedback = "<strong>Réponse envoyée&nbsp;✓</strong> <span>" + (before ? BEFORE :
          "Vous pouvez changer d'avis tant que la question est ouverte.") + "</span>";
        kind = "is-ok";
      } else if (multiple && picked.length) {
        feedback = sent ? "Touchez « Envoyer » pour changer votre réponse." : "Touchez « Envoyer » pour envoyer votre réponse.";
      }
    }
    if (el.feedback.innerHTML !== feedback) el.feedback.innerHTML = feedback;
    el.feedback.className = "feedback " + kind;

    var result = "";
    if (before && !open) {
      result = '<p class="verdict closed">Merci !</p><p>' + BEFORE + "</p>";
    } else if (q.state === "closed") {
      result = '<p class="verdict closed">Les réponses sont fermées.</p><p>' +
        (sent ? "Votre réponse : " + letters(sent) + "." : "Vous n'avez pas répondu.") + "</p>";
    } else if (revealed && poll) {
      result = '<p class="verdict thanks">Merci ! Les résultats sont à l\'écran.</p>';
    } else if (correct) {
      var good = sameSet(sent, correct);
      result = (!sent ? '<p class="verdict none">Vous n\'avez pas répondu.</p>' : good ?
        '<p class="verdict good"><span aria-hidden="true">✓ </span>Bonne réponse !</p>' :
        '<p class="verdict bad">Pas tout à fait</p>') + rightAnswers(correct);
    }
    if (el.result.innerHTML !== result) el.result.innerHTML = result;
    el.result.hidden = !result;

    var explanation = revealed && !before && q.key && q.key.explanation_html ? q.key.explanation_html : "";
    if (explanation && el.explanation.getAttribute("data-for") !== String(q.number)) {
      el.explanation.innerHTML = '<h2>Explication</h2>' + explanation;
      el.explanation.setAttribute("data-for", String(q.number));
    } else if (!explanation) {
      el.explanation.innerHTML = "";
      el.explanation.removeAttribute("data-for");
    }
    el.explanation.hidden = !explanation;
    countdown();
  }

  // The right answers by their words, not only their letters: "La bonne réponse : C : Écarter deux doigts".
  function rightAnswers(correct) {
    var items = "";
    for (var i = 0; i < correct.length; i++) {
      var words = buttons[correct[i]] ? text(buttons[correct[i]].querySelector(".answer-text")) : "";
      items += " <li><strong>" + LETTERS.charAt(correct[i]) + "</strong>" + (words ? " : " + escape(words) : "") + "</li>";
    }
    // the spaces between the tags keep the words apart when the result is read aloud (textContent)
    return ' <p class="right-label">' + (correct.length > 1 ? "Les bonnes réponses :" : "La bonne réponse :") +
      '</p> <ul class="right-answers">' + items + "</ul>";
  }

  // --- Countdown, only when the question has a timer ----------------------------------------
  function clearTicker() {
    if (ticker) clearInterval(ticker);
    ticker = null;
    el.countdown.hidden = true;
  }
  function countdown() {
    var deadline = quiz && quiz.state === "open" ? parseTime(quiz.deadline) : NaN;
    if (isNaN(deadline)) return clearTicker();
    var limit = (quiz.quiz.timer_seconds || 600) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.min(limit, deadline - (new Date().getTime() + skew)));
      var seconds = Math.ceil(left / 1000);
      setText(el.countdown, seconds > 0 ? "Il reste " + seconds + " seconde" + (seconds > 1 ? "s" : "") : "Temps écoulé");
      el.countdown.className = "countdown" + (seconds <= 10 ? " soon" : "");
      if (!seconds && ticker) { clearInterval(ticker); ticker = null; }
    };
    el.countdown.hidden = false;
    tick();
    if (!ticker) ticker = setInterval(tick, 1000);
  }

  function end() {
    finished = true;
    quiz = null;
    clearTicker();
    el.banner.hidden = true;
    el.connection.hidden = true;
    showView("ended", "ended");
    announce(text(root.querySelector("#fin")));
    if (socket) socket.close();
    // The end of the course: the phone opens what its participant learned (their own, by its cookie).
    if (el.learnedEnd) setTimeout(function () { window.location.assign(el.learnedEnd.href); }, 2500);
  }

  function refuse(message) {
    clearTicker();
    el.banner.hidden = true;
    setConnection(false);
    setText(el.refused, message || REFUSED);
    showView("refused", "refused");
    announce(text(el.refused));
  }

  // --- Answering -----------------------------------------------------------------------------
  el.answers.addEventListener("click", function (event) {
    var button = event.target;
    while (button && button !== el.answers && button.tagName !== "BUTTON") button = button.parentNode;
    if (!button || button === el.answers || button.disabled || !quiz || quiz.state !== "open") return;
    var i = +button.getAttribute("data-index");
    problem = "";
    if (quiz.quiz.multiple) {
      var next = [];
      for (var k = 0; k < picked.length; k++) if (picked[k] !== i) next.push(picked[k]);
      if (next.length === picked.length) next.push(i);
      picked = next;
      update();
    } else {
      picked = [i];
      submit([i]);
    }
  });

  el.send.addEventListener("click", function () {
    if (!quiz || quiz.state !== "open") return;
    if (!picked.length) {
      problem = "Choisissez au moins une réponse.";
      return update();
    }
    submit(picked.slice());
  });

  function submit(choices) {
    problem = "";
    if (!socket || !socket.connected) {
      problem = "Pas de connexion. Attendez un peu, puis touchez encore votre réponse.";
      if (!quiz.quiz.multiple) picked = (mine[quiz.number] || []).slice();
      return update();
    }
    if (sending) { queued = choices; return update(); }
    sending = true;
    var number = quiz.number;
    update();
    window.KitSocket.request(socket, "answer", {quiz: number, choices: choices}, function (ack, error) {
      sending = false;
      if (!quiz || quiz.number !== number) return;
      if (ack) mine[number] = ack.choices || choices;
      else problem = error.timeout ? "Le serveur ne répond pas. Touchez encore votre réponse." :
        error.message || "Réponse refusée. Réessayez.";
      if (queued && quiz.state === "open") {
        var again = queued;
        queued = null;
        return submit(again);
      }
      if (problem && !quiz.quiz.multiple) picked = (mine[number] || []).slice();
      update();
    });
  }

  // --- Reading aloud -------------------------------------------------------------------------
  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && window.SpeechSynthesisUtterance);
  var speaking = false;

  function frenchVoice() {
    var voices = synth.getVoices ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) if (/^fr[-_]FR/i.test(voices[i].lang)) return voices[i];
    for (i = 0; i < voices.length; i++) if (/^fr/i.test(voices[i].lang)) return voices[i];
    return null;
  }
  function stopSpeaking() {
    if (speaking) synth.cancel();
    setSpeaking(false);
  }
  var watch = null;
  function setSpeaking(on) {
    speaking = on;
    if (watch) clearInterval(watch);
    // Some phones never say when they are done (no voice installed): watch the queue as well.
    watch = on ? setInterval(function () { if (!synth.speaking && !synth.pending) setSpeaking(false); }, 1000) : null;
    if (el.listenLabel) setText(el.listenLabel, on ? "Arrêter" : "Écouter");
    el.listen.className = "listen" + (on ? " on" : "");
  }
  function sentences() {
    var parts = [];
    if (quiz) {
      if (!el.result.hidden) parts.push(text(el.result));
      parts.push(text(el.qText));
      for (var i = 0; i < buttons.length; i++) {
        parts.push("Réponse " + LETTERS.charAt(i) + " : " + text(buttons[i].querySelector(".answer-text")) + ".");
      }
      if (!el.explanation.hidden) parts.push(text(el.explanation));
    } else {
      parts.push(text(el.slideTitle), text(el.look));
      var steps = el.activity.querySelectorAll("li, p");
      for (var k = 0; k < steps.length; k++) parts.push(text(steps[k]));
    }
    return parts;
  }
  el.listen.addEventListener("click", function () {
    if (speaking) return stopSpeaking();
    synth.cancel();
    var parts = sentences(), voice = frenchVoice();
    setSpeaking(true);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var utterance = new window.SpeechSynthesisUtterance(parts[i]);  // one per sentence: long ones get cut
      utterance.lang = "fr-FR";
      utterance.rate = 0.9;
      if (voice) utterance.voice = voice;
      if (i === parts.length - 1) utterance.onend = utterance.onerror = function () { setSpeaking(false); };
      synth.speak(utterance);
    }
  });

  // --- Connection ------------------------------------------------------------------------------
  function setConnection(on) {
    setText(el.connection, on ? "En ligne" : "Hors ligne");
    el.connection.className = "connection " + (on ? "is-on" : "is-off");
  }
  function banner(message) {
    setText(el.banner, message);
    el.banner.hidden = !message;
  }

  var socket = null;
  if (!window.io || !window.KitSocket) {
    refuse("La page n'a pas fini de se charger. Vérifiez votre connexion, puis rechargez la page.");
    return;
  }
  // A hotspot drops phones for a few seconds: try again within 0.5 s at most (socket.io waits up to 5 s ± 50 %
  // by default), so that the phone is back about a reconnection's 3 round trips after the network: 0.75 s let
  // a long-polling phone come back 2.3 s after the network in one run of six. While the Wi-Fi is away, an
  // attempt fails on the phone itself and costs the server nothing. The first
  // connection is long-polling first, then upgraded: a network that hangs WebSockets cannot hold it up
  // (docs/performance.md, « Point d'accès lent »).
  socket = window.io("/participant", {auth: {code: root.getAttribute("data-code")},
    reconnectionDelay: 250, reconnectionDelayMax: 400, randomizationFactor: 0.25});
  // Once a WebSocket has worked, the next connections open one first (3 round trips rather than long-polling's
  // 3 or 4 then the upgrade), long-polling at once behind it if it fails. socket.io's own rememberUpgrade
  // forgets it on the very error that cuts the connection.
  socket.on("connect", function () {
    var engine = socket.io.engine;
    var remember = function () { socket.io.opts.transports = ["websocket", "polling"]; socket.io.opts.tryAllTransports = true; };
    if (engine.transport && engine.transport.name === "websocket") remember(); else engine.once("upgrade", remember);
  });
  window.KitSocket.watch(socket, function (status, detail) {
    if (status === "online") {
      setConnection(true);
      banner(connectedOnce ? "De retour en ligne ✓" : "");
      if (connectedOnce) setTimeout(function () { if (socket.connected && el.banner.textContent !== LOST) banner(""); }, 3000);
      connectedOnce = true;
    } else if (finished) {
      return;
    } else if (status === "offline") {  // the network or the server is away: socket.io tries again by itself
      setConnection(false);
      banner(connectedOnce ? LOST : "Pas de connexion pour le moment… on réessaie");
    } else {
      refuse(detail || REFUSED);  // refused by the server, in French
    }
  });
  socket.on("state", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !socket.connected || finished) return;
    window.KitSocket.request(socket, "sync", {}, function (ack) { if (ack) render(ack.state); });
  });
})();
