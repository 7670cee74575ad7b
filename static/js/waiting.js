// The waiting page of a phone that asked to be someone whose phone is connected (templates/join/waiting.html):
// it asks the server every few seconds until the animator accepts or refuses.
(function () {
  "use strict";
  var root = document.querySelector("[data-waiting]");
  if (!root || !window.fetch) return;
  var pending = root.querySelector("[data-pending]");
  var refused = root.querySelector("[data-refused]");
  var status = root.querySelector("[data-waiting-status]");
  function check() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { status: "pending" }; })
      .then(function (data) {
        if (data.status === "accepted" || data.status === "none") {
          window.location.assign(root.dataset.sessionUrl);
        } else if (data.status === "refused") {
          pending.hidden = true;
          refused.hidden = false;
        } else {
          setTimeout(check, 2500);
        }
      })
      .catch(function () {
        if (status) status.textContent = "Connexion perdue, nouvel essai…";
        setTimeout(check, 5000);
      });
  }
  if (!pending.hidden) setTimeout(check, 1500);
})();
