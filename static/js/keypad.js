// The big numeric keypad of /j: fills the code field, the phone keyboard stays possible.
(function () {
  "use strict";
  var pad = document.querySelector("[data-keypad]");
  var input = document.getElementById("code");
  if (!pad || !input) return;
  pad.hidden = false;
  var submit = document.querySelector("[data-submit]");
  if (submit) submit.hidden = true;
  input.setAttribute("readonly", "");
  input.setAttribute("inputmode", "none");
  pad.addEventListener("click", function (event) {
    var key = event.target.closest("button");
    if (!key) return;
    var digits = input.value.replace(/\D/g, "");
    if (key.hasAttribute("data-digit") && digits.length < 6) digits += key.getAttribute("data-digit");
    if (key.hasAttribute("data-erase")) digits = digits.slice(0, -1);
    input.value = digits.length > 3 ? digits.slice(0, 3) + " " + digits.slice(3) : digits;
  });
})();
