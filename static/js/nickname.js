// The nickname field of templates/join/choose.html: says how many of the 20 characters are used while typing,
// so that a longer name is never cut without a word (maxlength stops the typing at the limit).
(function () {
  "use strict";
  var input = document.querySelector("input[data-count]");
  if (!input) return;
  var counter = document.getElementById(input.dataset.count);
  var limit = input.maxLength;
  function show() {
    var used = input.value.length; // as maxlength counts
    var full = used >= limit;
    counter.hidden = used === 0;
    // A screen reader hears the count only when the limit is reached, not at every letter.
    counter.setAttribute("aria-live", full ? "polite" : "off");
    counter.textContent = used + " / " + limit + (full ? " : c'est le maximum." : " caractères");
    counter.classList.toggle("is-full", full);
  }
  input.addEventListener("input", show);
  show();
})();
