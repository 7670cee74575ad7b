// The Socket.IO connection, as the live pages share it: phone.js and live-deck.js (docs/protocol.md).
// Plain ES5: the phone page loads it too, after socket.io.min.js.
(function () {
  "use strict";

  var TIMEOUT = 10000; // ms an acknowledged event waits for its ack, on every page

  // on(status, detail): "online"; "offline", socket.io tries again by itself (detail: true when an attempt
  // failed, false when the connection was lost); "refused" by the server (detail: its French message, or ""
  // when the library's English default stands in for a message lost on the way).
  function watch(socket, on) {
    socket.on("connect", function () { on("online"); });
    socket.on("disconnect", function (reason) {
      on("offline", false);
      if (reason === "io server disconnect") socket.connect(); // the server hung up: call back at once
    });
    socket.on("connect_error", function (error) {
      if (socket.active) return on("offline", true);
      var message = (error && error.message) || "";
      on("refused", /^(Connection|Unauthorized|Forbidden)/.test(message) ? "" : message);
    });
  }

  // done(ack) when the server says ok; else done(null, error): {timeout: true}, or the server's {code, message}.
  function request(socket, name, payload, done) {
    socket.timeout(TIMEOUT).emit(name, payload, function (timeout, ack) {
      if (timeout) done(null, { timeout: true });
      else if (!ack || !ack.ok) done(null, (ack && ack.error) || {});
      else done(ack, null);
    });
  }

  window.KitSocket = { watch: watch, request: request };
})();
