// The module editor: line numbers with errors marked, a live preview compiled by the
// server (the same `slides` compiler as the projector), and the text kept on this device
// (localStorage) until it is saved, so that nothing typed is lost.
(function () {
  "use strict";

  var form = document.querySelector("[data-editor]");
  if (!form) return;
  var source = form.querySelector("[data-source]");
  var gutter = form.querySelector("[data-gutter]");
  var preview = form.querySelector("[data-preview]");
  var statusLine = form.querySelector("[data-status]");
  var errorsBox = form.querySelector("[data-errors-box]");
  var errorsList = form.querySelector("[data-errors]");
  var baseField = form.querySelector("input[name=base_revision_id]");
  var slug = form.dataset.slug;
  var tokenMeta = document.querySelector("meta[name=csrf-token]");
  var token = tokenMeta.content;
  var csrfField = form.querySelector("input[name=csrf_token]");
  var saveStatus = form.querySelector("[data-save-status]");
  var DELAY = 400; // ms of quiet typing before the preview is compiled
  var serverText = source.value;
  var errorLines = {};
  var lineCount = 0;

  // --- Line numbers, with the lines that have an error marked ----------------------------
  // Long lines wrap (French sentences are long): a hidden copy of the text, as wide as the
  // textarea, measures how high each line is drawn, so that every number stays beside its line.
  var mirror = document.createElement("div");
  mirror.className = "code-mirror";
  mirror.setAttribute("aria-hidden", "true");
  source.parentNode.appendChild(mirror);

  function measure(lines) {
    var style = getComputedStyle(source);
    ["font", "letterSpacing", "wordSpacing", "tabSize", "fontVariantLigatures"].forEach(function (name) {
      mirror.style[name] = style[name];
    });
    mirror.style.width = (source.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)) + "px";
    mirror.textContent = "";
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line || " ";
      fragment.appendChild(row);
    });
    mirror.appendChild(fragment);
    return Array.prototype.map.call(mirror.children, function (row) { return row.offsetHeight; });
  }

  function renderGutter() {
    var lines = source.value.split("\n");
    if (lines.length !== lineCount) {
      var html = [];
      for (var i = 1; i <= lines.length; i++) html.push("<span data-n=\"" + i + "\">" + i + "</span>");
      gutter.innerHTML = html.join("");
      lineCount = lines.length;
    }
    var heights = measure(lines);
    Array.prototype.forEach.call(gutter.children, function (mark, i) {
      mark.style.height = heights[i] + "px";
      mark.classList.remove("has-error");
      mark.removeAttribute("title");
    });
    Object.keys(errorLines).forEach(function (line) {
      var mark = gutter.children[line - 1];
      if (mark) {
        mark.classList.add("has-error");
        mark.title = errorLines[line];
      }
    });
    gutter.scrollTop = source.scrollTop;
  }
  source.addEventListener("scroll", function () { gutter.scrollTop = source.scrollTop; });

  function goToLine(line) {
    var lines = source.value.split("\n");
    line = Math.max(1, Math.min(lines.length, line));
    var start = 0;
    for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
    source.focus();
    source.setSelectionRange(start, start + lines[line - 1].length);
    var mark = gutter.children[line - 1];
    source.scrollTop = Math.max(0, (mark ? mark.offsetTop : 0) - source.clientHeight / 3);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-goto]");
    if (!link) return;
    event.preventDefault();
    goToLine(parseInt(link.dataset.goto, 10));
  });

  function showErrors(errors) {
    errorLines = {};
    errorsList.innerHTML = "";
    errors.forEach(function (error) {
      errorLines[error.line] = error.message;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#ligne-" + error.line;
      link.dataset.goto = error.line;
      link.textContent = "ligne " + error.line + " : " + error.message;
      item.appendChild(link);
      errorsList.appendChild(item);
    });
    errorsBox.hidden = errors.length === 0;
    errorsBox.querySelector("h3").textContent = errors.length + " erreur" + (errors.length > 1 ? "s" : "") +
      " à corriger";
    renderGutter();
  }

  // --- Preview: slides designed at 1280x720, scaled to their box and fitted like the projector's (fit.js)
  function scalePreviews() {
    preview.querySelectorAll(".preview").forEach(function (box) {
      var stage = box.querySelector(".stage");
      if (stage && box.clientWidth) stage.style.transform = "scale(" + box.clientWidth / 1280 + ")";
    });
  }

  function preparePreview() {
    scalePreviews();
    preview.querySelectorAll(".stage > .slide").forEach(window.KitFit.slide); // and again when its pictures arrive
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(scalePreviews).observe(preview);
    new ResizeObserver(function () { renderGutter(); }).observe(source);
  }
  window.addEventListener("resize", scalePreviews);

  var sequence = 0;
  var timer = null;

  // --- The form's token: asked again before saving, so that a page left open for hours, a session
  // that ended or a lost network is told here, with the text still on the page.
  var SIGNED_OUT = "signed-out";

  function freshToken() {
    return fetch(form.dataset.tokenUrl, {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
    }).then(function (response) {
      // Signed out, the server answers with its sign-in page (a redirect).
      if (response.redirected || response.status === 401 || response.status === 403) throw new Error(SIGNED_OUT);
      if (!response.ok) throw new Error("server");
      return response.json();
    }).then(function (data) {
      token = data.token;
      tokenMeta.content = token;
      if (csrfField) csrfField.value = token;
    });
  }

  function signInLink() {
    var link = document.createElement("a");
    link.href = form.dataset.loginUrl;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "reconnectez-vous dans un nouvel onglet";
    return link;
  }

  function compile(retried) {
    var mine = ++sequence;
    statusLine.textContent = "Aperçu en cours…";
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ slug: slug, text: source.value })
    }).then(function (response) {
      if (response.redirected) throw new Error(SIGNED_OUT);
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).then(function (result) {
      if (mine !== sequence) return; // a newer text is being compiled
      var data = result.data;
      if (!result.ok && !data.errors) {
        if (result.status === 400 && !retried) {
          // The form's token expired (or the session ended): a fresh one, then once more.
          freshToken().then(function () { if (mine === sequence) compile(true); }, previewFailed);
          return;
        }
        statusLine.textContent = data.message || "L'aperçu n'a pas pu être calculé.";
        return;
      }
      showErrors(data.errors || []);
      if (data.ok) {
        preview.innerHTML = data.html;
        preview.classList.remove("is-stale");
        preparePreview();
        statusLine.textContent = "Aperçu à jour : " + data.summary;
      } else {
        preview.classList.add("is-stale");
        statusLine.textContent = "Le texte a " + data.errors.length + " erreur" +
          (data.errors.length > 1 ? "s" : "") + ". L'aperçu montre le dernier texte sans erreur.";
      }
    }).catch(function (error) {
      if (mine === sequence) previewFailed(error);
    });
  }

  function previewFailed(error) {
    if (error && error.message === SIGNED_OUT) {
      statusLine.textContent = "Aperçu impossible : vous n'êtes plus connecté·e. Votre texte est gardé sur cet " +
        "appareil ; reconnectez-vous avant d'enregistrer.";
    } else {
      statusLine.textContent = "Aperçu impossible : le serveur ne répond pas. Votre texte est gardé sur cet appareil.";
    }
  }

  // --- Kept on this device until saved ------------------------------------------------------
  var PREFIX = "kit-editeur:" + slug + ":";
  var storageWorks = true;

  function storageKey() { return PREFIX + (baseField.value || "nouveau"); }

  function keep() {
    try {
      if (source.value === serverText) localStorage.removeItem(storageKey());
      else localStorage.setItem(storageKey(), JSON.stringify({ text: source.value, base: baseField.value, at: Date.now() }));
      storageWorks = true;
    } catch (e) {
      storageWorks = false;
    }
  }

  function findKept() {
    var best = null;
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (key.indexOf(PREFIX) !== 0) continue;
        var kept = JSON.parse(localStorage.getItem(key) || "null");
        if (!kept || kept.text === serverText) {
          localStorage.removeItem(key); // saved since: nothing to offer
          i--;
          continue;
        }
        kept.key = key;
        if (!best || kept.at > best.at) best = kept;
      }
    } catch (e) {
      return null;
    }
    return best;
  }

  function offerKept() {
    var kept = findKept();
    var banner = document.querySelector("[data-restore]");
    if (!kept || !banner) return;
    banner.querySelector("[data-restore-date]").textContent = "modifié le " +
      new Date(kept.at).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
    banner.hidden = false;
    banner.querySelector("[data-restore-use]").addEventListener("click", function () {
      source.value = kept.text;
      // It started from its own version: saving it will show a conflict if the module changed since.
      if (kept.base) baseField.value = kept.base;
      banner.hidden = true;
      changed();
      source.focus();
    });
    banner.querySelector("[data-restore-drop]").addEventListener("click", function () {
      try { localStorage.removeItem(kept.key); } catch (e) { /* nothing kept */ }
      banner.hidden = true;
    });
  }

  var gutterFrame = null;

  function changed() {
    // Measuring lines costs a layout: once per frame at most, however fast the typing.
    if (gutterFrame === null) {
      gutterFrame = requestAnimationFrame(function () { gutterFrame = null; renderGutter(); });
    }
    keep();
    clearTimeout(timer);
    timer = setTimeout(compile, DELAY);
  }

  // --- The preview follows the line being edited ----------------------------------------------
  function followCaret() {
    var line = source.value.slice(0, source.selectionStart).split("\n").length;
    var items = preview.querySelectorAll(".preview-item[data-line]");
    var target = null;
    items.forEach(function (item) {
      item.classList.remove("is-current");
      if (parseInt(item.dataset.line, 10) <= line) target = item;
    });
    if (!target) return;
    target.classList.add("is-current");
    var box = preview.getBoundingClientRect();
    var at = target.getBoundingClientRect();
    if (at.top < box.top || at.top > box.bottom - 40) preview.scrollTop += at.top - box.top - 8;
  }

  var submitting = false;
  var checking = false;
  var confirmed = false;
  source.addEventListener("input", changed);
  source.addEventListener("keyup", followCaret);
  source.addEventListener("click", followCaret);

  function saveFailed(error) {
    checking = false;
    saveStatus.textContent = "";
    if (error && error.message === SIGNED_OUT) {
      saveStatus.append("Vous n'êtes plus connecté·e : rien n'est enregistré, mais votre texte est toujours ici " +
        "(et gardé sur cet appareil). Pour enregistrer, ", signInLink(),
        ", puis revenez sur cette page et cliquez de nouveau sur « Enregistrer ».");
    } else {
      saveStatus.textContent = "Le serveur ne répond pas : rien n'est enregistré, mais votre texte est toujours " +
        "ici (et gardé sur cet appareil). Vérifiez le réseau, puis cliquez de nouveau sur « Enregistrer ».";
    }
    saveStatus.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    // No database stores a NUL character (a paste can bring one): a visible "\uFFFD" takes its place.
    if (source.value.indexOf("\u0000") !== -1) source.value = source.value.replace(/\u0000/g, "\uFFFD");
    keep();
    if (confirmed) {
      submitting = true;
      return;
    }
    event.preventDefault();
    if (checking) return; // a second click while the first one is being checked
    checking = true;
    var submitter = event.submitter || null;
    freshToken().then(function () {
      saveStatus.hidden = true;
      confirmed = true;
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else { // older browsers: the clicked button's name, then a plain submit
        if (submitter && submitter.name) {
          var pressed = document.createElement("input");
          pressed.type = "hidden";
          pressed.name = submitter.name;
          pressed.value = submitter.value;
          form.appendChild(pressed);
        }
        submitting = true;
        form.submit();
      }
    }, saveFailed);
  });
  window.addEventListener("pageshow", function (event) {
    // Back on this page from the browser's cache: the next save asks for a fresh token again.
    if (event.persisted) { confirmed = false; checking = false; submitting = false; }
  });
  window.addEventListener("beforeunload", function (event) {
    // Only when this device could not keep the text: otherwise it is offered back on return.
    if (!submitting && !storageWorks && source.value !== serverText) event.preventDefault();
  });

  var initial = document.getElementById("erreurs-initiales");
  showErrors(initial ? JSON.parse(initial.textContent) : []);
  preparePreview();
  offerKept();
  keep();
})();
