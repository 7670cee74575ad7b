"""The application class: Flask, whose Socket.IO events do not match their URL again at each event.

Flask-SocketIO runs every Socket.IO event in a request context built from the connection's first request
(`/socket.io/`, served by the Engine.IO middleware in front of Flask). Pushing that context matched its URL
against every route of the app each time: 5 % of the server's CPU in a burst of 1,600 answers (py-spy,
docs/performance.md, « Une route par connexion »), and a recursive closure of werkzeug's matcher left for the
garbage collector at every event. The match depends only on the request's environ, which a connection
keeps, and on the URL map, fixed once the app is built: it is made once per environ and kept in it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.ctx import RequestContext

MATCHED = "kit.matched_route"  # the environ's key: (url_rule, view_args, routing_exception)


class MatchOnceContext(RequestContext):
    """A request context that matches its environ's URL once, however many contexts are built from it."""

    def match_request(self) -> None:
        environ = self.request.environ
        matched = environ.get(MATCHED)
        if matched is None:
            super().match_request()
            matched = environ[MATCHED] = (self.request.url_rule, self.request.view_args,
                                          self.request.routing_exception)
        rule, view_args, error = matched
        self.request.url_rule = rule
        self.request.view_args = dict(view_args) if view_args is not None else None
        self.request.routing_exception = error


class KitFlask(Flask):
    """Flask, with request contexts that match once per environ (MatchOnceContext)."""

    def request_context(self, environ: dict[str, Any]) -> RequestContext:
        return MatchOnceContext(self, environ)
