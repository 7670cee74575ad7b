"""Security headers on every response, and `Secure` cookies and HSTS when the browser came over HTTPS.

A small module rather than Flask-Talisman: Talisman redirects to HTTPS and marks the session cookie
`Secure` by default, from a fixed setting, where the Kit serves the same code over plain HTTP on a laptop's
hotspot and over HTTPS behind a regional platform's nginx. What HTTPS changes must follow each request
(`request.is_secure`, which X-Forwarded-Proto sets only with TRUSTED_PROXIES), and Talisman leaves the
remember-me cookie alone. The headers themselves are six fixed strings.

The policy allows no inline script, no inline style attribute and no inline event handler: the pages' code
is in static/js, their style in static/css (docs/operations.md).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.sessions import SessionMixin

from kit.extensions import CookieSessionInterface

STATIC_ENDPOINTS = ("static", "favicon.favicon")  # kit/ops/static_files.py, kit/ops/views/favicon.py

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # frame-ancestors for today's browsers, X-Frame-Options for older ones: no page renders in a frame.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The join code is in the URL of /j/<code>: it never leaves for another site.
    "Referrer-Policy": "same-origin",
}


class HttpsAwareSessionInterface(CookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over HTTPS, not only by a fixed setting.

    The session cookie is written after every after_request handler, so it is marked here.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Not for a static file: it is the same for everyone, and its cache must not depend on cookies.

        Flask-Login's after_request handler opens the session on every response, and Flask then adds
        `Vary: Cookie`: a browser would not reuse a static file cached a year under another session cookie.
        """
        if request.endpoint in STATIC_ENDPOINTS:
            return
        super().save_session(app, session, response)


def init_headers(app: Flask) -> None:
    """Register the headers; call once the extensions are bound (Flask-Login's handler must exist)."""
    app.session_interface = HttpsAwareSessionInterface()
    # First in the list, so that it runs last (Flask runs them in reverse): after Flask-Login has set the
    # remember-me cookie, whose Secure flag it then adds.
    app.after_request_funcs.setdefault(None, []).insert(0, secure_response)


def secure_response(response: Response) -> Response:
    """The fixed headers everywhere; over HTTPS, HSTS and `Secure` on every cookie set."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        max_age = int(current_app.config["HSTS_MAX_AGE"])
        if max_age > 0:
            response.headers["Strict-Transport-Security"] = f"max-age={max_age}"
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.setlist("Set-Cookie", [_secure(cookie) for cookie in cookies])
    return response


def _secure(cookie: str) -> str:
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"
