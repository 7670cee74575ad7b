// The "Imprimer" buttons of the summary sheet and the trame.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
