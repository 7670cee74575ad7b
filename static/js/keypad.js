// The big numeric keypad of /j: fills the code field; the phone's own keyboard stays possible.
(function () {
  "use strict";
  var form = document.querySelector("[data-keypad-form]");
  var pad = document.querySelector("[data-keypad]");
  var input = document.getElementById("code");
  if (!form || !pad || !input) return;
  var error = form.querySelector("[data-error]");
  var spoken = form.querySelector("[data-spoken]");
  var go = pad.querySelector(".go");
  var submit = form.querySelector("[data-submit]");
  pad.hidden = false;
  if (submit) submit.hidden = true;
  input.setAttribute("inputmode", "none"); // the keypad below replaces the phone's keyboard

  function digitsOf(value) { return value.replace(/\D/g, "").slice(0, 6); }

  function show(digits, say) {
    input.value = digits.length > 3 ? digits.slice(0, 3) + " " + digits.slice(3) : digits;
    go.className = digits.length === 6 ? "go ready" : "go";
    if (say && spoken) {
      spoken.textContent = digits ? (digits.length === 6 ? "Code complet : " : "Code : ") + digits.split("").join(" ")
        : "Code effacé";
    }
  }

  function setError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  pad.addEventListener("click", function (event) {
    var key = event.target;
    while (key && key.tagName !== "BUTTON") key = key.parentNode;
    if (!key || key.type === "submit") return;
    var digits = digitsOf(input.value);
    if (key.hasAttribute("data-digit") && digits.length < 6) digits += key.getAttribute("data-digit");
    if (key.hasAttribute("data-erase")) digits = digits.slice(0, -1);
    setError("");
    show(digits, true);
  });

  input.addEventListener("input", function () { show(digitsOf(input.value), false); });

  form.addEventListener("submit", function (event) {
    var digits = digitsOf(input.value);
    if (digits.length === 6) return;
    event.preventDefault();
    setError(digits.length === 0 ? "Tapez les 6 chiffres du code." :
      "Le code a 6 chiffres. Vous en avez tapé " + digits.length + ".");
  });

  show(digitsOf(input.value), false);
})();
