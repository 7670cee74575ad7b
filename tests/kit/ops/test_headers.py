"""Security headers and cookies on every route (kit/ops/headers.py), over HTTP and over HTTPS.

The routes are the roles matrix's (tests/kit/people/test_roles.py) and the others below; a route missing
from both fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.http import parse_set_header

from kit.extensions import db
from kit.models import TrainingSession
from kit.ops.headers import CONTENT_SECURITY_POLICY
from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user
from tests.histories import SLUGS
from tests.kit.people.test_roles import CASES, EMAILS, LOGIN, ROLES, World, fill, shared_world

__all__ = ["shared_world"]  # the roles matrix's world, one per module


@dataclass(frozen=True)
class Route:
    """A route outside the roles matrix, and who asks for it (None: nobody signed in)."""

    endpoint: str
    method: str
    url: str
    role: str | None = None
    data: dict[str, Any] | None = None


SLUG = SLUGS[0]
OTHER_ROUTES = [
    Route("catalogue.index", "GET", "/"),
    Route("catalogue.module", "GET", f"/modules/{SLUG}", "proprietaire"),
    Route("decks.image", "GET", "/modules/images/absente.png", "proprietaire"),
    Route("decks.presenter", "GET", f"/modules/{SLUG}/presentateur", "proprietaire"),
    Route("decks.projector", "GET", f"/modules/{SLUG}/projection", "proprietaire"),
    Route("decks.script", "GET", f"/modules/{SLUG}/trame", "proprietaire"),
    Route("decks.sheet", "GET", f"/modules/{SLUG}/fiche", "proprietaire"),
    Route("editor.index", "GET", "/editeur/", "admin"),
    Route("editor.edit", "GET", f"/editeur/modules/{SLUG}", "admin"),
    Route("editor.edit", "POST", f"/editeur/modules/{SLUG}"),
    Route("editor.new_module", "POST", "/editeur/nouveau"),
    Route("editor.preview", "POST", "/editeur/apercu"),
    Route("editor.token", "GET", "/editeur/jeton", "admin"),
    Route("versions.history", "GET", f"/editeur/modules/{SLUG}/historique", "admin"),
    Route("versions.compare", "GET", f"/editeur/modules/{SLUG}/comparer", "admin"),
    Route("versions.version", "GET", f"/editeur/modules/{SLUG}/versions/1", "admin"),
    Route("versions.publish", "POST", f"/editeur/modules/{SLUG}/versions/1/publier"),
    Route("versions.restore", "POST", f"/editeur/modules/{SLUG}/versions/1/restaurer"),
    Route("uploads.export", "GET", "/editeur/export.zip", "admin"),
    Route("uploads.images", "GET", "/editeur/images", "admin"),
    Route("uploads.images", "POST", "/editeur/images"),
    Route("uploads.import_modules", "GET", "/editeur/importer", "admin"),
    Route("uploads.import_modules", "POST", "/editeur/importer"),
    Route("media.image", "GET", "/medias/absente.png"),
    Route("auth.login", "GET", "/connexion"),
    Route("auth.login", "POST", "/connexion", data={"email": "personne@test.fr", "password": "faux"}),
    Route("auth.logout", "POST", "/deconnexion"),
    Route("join.keypad", "GET", "/j"),
    Route("join.keypad", "POST", "/j", data={"code": "000000"}),
    Route("join.session", "GET", "/j/{code}"),
    Route("join.new_participant", "POST", "/j/{code}/nouveau", data={"nickname": "Zoé"}),
    Route("join.returning_participant", "POST", "/j/{code}/moi/{participant}"),
    Route("join.waiting", "GET", "/j/{code}/attente"),
    Route("join.waiting_status", "GET", "/j/{code}/attente.json"),
    Route("join.learned", "GET", "/j/appris"),  # no phone cookie: the French 404
    Route("favicon.favicon", "GET", "/favicon.ico"),
    Route("health.health", "GET", "/sante"),
    Route("static", "GET", "/static/css/app.css"),
    Route("badges.issuer_profile", "GET", "/badges/emetteur"),
    Route("badges.badge_class", "GET", "/badges/classes/animateur-numerique-pair"),
    Route("badges.criteria", "GET", "/badges/classes/animateur-numerique-pair/criteres"),
    Route("badges.class_png", "GET", "/badges/classes/premiers-pas-smartphone/image.png"),
    Route("badges.class_svg", "GET", "/badges/classes/premiers-pas-smartphone/image.svg"),
    Route("badges.assertion_json", "GET", "/badges/assertions/{pbadge}"),
    Route("badges.baked_png", "GET", "/badges/assertions/{pbadge}/badge.png"),
    Route("badges.baked_svg", "GET", "/badges/assertions/{pbadge}/badge.svg"),
    Route("badges.credential_json", "GET", "/badges/credentials/{pbadge}"),
    Route("badges.credential_png", "GET", "/badges/credentials/{pbadge}/badge.png"),
    Route("badges.verify", "GET", "/badges/verifier/{pbadge}"),
    Route("badges.key", "GET", "/badges/cles/absente"),
    Route("missing", "GET", "/pas-de-page-ici"),
]
NOT_PAGES = {"socketio_transport"}  # served by the Engine.IO middleware, never by Flask


def matrix_routes() -> list[Route]:
    """One request per case of the roles matrix: a GET by a role that may see it, a POST by nobody.

    A refused POST changes nothing, so the shared world stays the same for the other tests.
    """
    routes = []
    for case in CASES:
        allowed = [role for role in ROLES if case.expected[role] not in (LOGIN, 403, 404)]
        role = allowed[0] if case.method == "GET" else None
        routes.append(Route(case.endpoint, case.method, case.url, role, case.data))
    return routes


ROUTES = matrix_routes() + OTHER_ROUTES


def send(world: World, route: Route, https: bool) -> Any:
    """The route's request, over HTTP or HTTPS; the ids of the world in its URL."""
    client = world.app.test_client()
    if route.role:
        login(client, EMAILS[route.role])
    ids = dict(world.ids)
    if "{code}" in route.url:
        with world.app.app_context():
            ids["code"] = db.session.get(TrainingSession, ids["live"]).join_code
    url = fill(route.url, ids)
    base = "https://localhost" if https else "http://localhost"
    if route.method == "GET":
        return client.get(url, base_url=base)
    return client.post(url, base_url=base, data={k: fill(v, ids) for k, v in (route.data or {}).items()})


def cookie_attributes(response: Any) -> dict[str, set[str]]:
    """The attributes (lower case, without values) of each cookie the response sets, by name."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = {part.split("=")[0].strip().lower() for part in header.split(";")[1:]}
    return cookies


def check_headers(response: Any, https: bool) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"  # no 'unsafe-inline'
    assert policy["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    if https:
        assert parse_set_header(headers.get("Strict-Transport-Security", "")).as_set() == {"max-age=31536000"}
    else:
        assert "Strict-Transport-Security" not in headers
    for name, attributes in cookie_attributes(response).items():
        assert ("secure" in attributes) == https, (name, attributes)
        if name in ("session", "remember_token"):
            assert "httponly" in attributes


def route_id(route: Route) -> str:
    return f"{route.method} {route.endpoint} {route.role or 'anonyme'}"


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("route", ROUTES, ids=[route_id(r) for r in ROUTES])
def test_headers_on_every_route(shared_world: World, route: Route, https: bool) -> None:
    check_headers(send(shared_world, route, https), https)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    covered = {(route.endpoint, route.method) for route in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_PAGES:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{method} {rule.rule} ({rule.endpoint}) n'est pas testé"


def sign_in(client: Any, **request: Any) -> Any:
    return client.post("/connexion", data={"email": "anim@test.fr", "password": PASSWORD, "remember": "y"},
                       **request)


def test_cookies_are_secure_behind_an_https_proxy_only(database: str) -> None:
    app = make_app(database, TRUSTED_PROXIES=1)
    with app.app_context():
        make_user()
    https = sign_in(app.test_client(), headers={"X-Forwarded-Proto": "https"})
    cookies = cookie_attributes(https)
    assert {"secure", "httponly"} <= cookies["session"] and {"secure", "httponly"} <= cookies["remember_token"]
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    http = sign_in(app.test_client())  # the laptop's hotspot: plain HTTP
    cookies = cookie_attributes(http)
    assert "secure" not in cookies["session"] and "secure" not in cookies["remember_token"]
    assert "Strict-Transport-Security" not in http.headers


def test_without_trusted_proxies_x_forwarded_proto_is_not_believed(database: str) -> None:
    app = make_app(database, HSTS_MAX_AGE=0)
    with app.app_context():
        make_user()
    response = sign_in(app.test_client(), headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in cookie_attributes(response)["session"]
    assert "Strict-Transport-Security" not in response.headers
    # HSTS_MAX_AGE=0 turns HSTS off, even over HTTPS; the cookies stay Secure.
    https = sign_in(app.test_client(), base_url="https://localhost")
    assert "Strict-Transport-Security" not in https.headers and "secure" in cookie_attributes(https)["session"]


def test_no_page_renders_in_a_frame(shared_world: World) -> None:
    """/connexion and /j rendered inside a foreign iframe (issue 13): both headers forbid it now."""
    client = shared_world.app.test_client()
    for url in ("/connexion", "/j", "/"):
        response = client.get(url, headers={"Sec-Fetch-Dest": "iframe", "Referer": "https://evil.example/"})
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_no_template_has_inline_script_style_or_handler() -> None:
    """What the policy would block in a browser, found in the sources (the browser tests find the rest)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    inline = re.compile(r"""<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>"""  # JSON data runs not
                        r"""|\sstyle=["']|\son[a-z]+=["']""")
    found = [f"{path.relative_to(root)}: {match.group(0)}"
             for path in sorted((root / "templates").rglob("*.html"))
             for match in inline.finditer(path.read_text())]
    found += [f"{path.relative_to(root)}: {match.group(0)}"
              for path in sorted((root / "static" / "js").rglob("*.js"))
              for match in re.finditer(r"""setAttribute\(\s*["'](style|on[a-z]+)["']|\sstyle=\\?["']""",
                                       path.read_text())]
    assert not found, found
