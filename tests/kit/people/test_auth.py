"""Signing in: hashed passwords, French errors, CSRF and a rate limit."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import User
from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user


def test_password_is_stored_hashed(app: Flask) -> None:
    with app.app_context():
        user = make_user()
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD) and not user.check_password("autre")


def test_animator_pages_need_a_signed_in_account(client: FlaskClient) -> None:
    response = client.get("/animateur/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_sign_in_and_out(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user()
    login(client)
    assert "Bonjour" in client.get("/animateur/").get_data(as_text=True)
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/animateur/").status_code == 302


def test_wrong_password_gets_a_french_error(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user()
    response = client.post("/connexion", data={"email": "anim@test.fr", "password": "faux"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in html.unescape(response.get_data(as_text=True))


def test_empty_or_invalid_form(client: FlaskClient) -> None:
    page = html.unescape(client.post("/connexion", data={"email": "pas-une-adresse", "password": ""})
                         .get_data(as_text=True))
    assert "Cette adresse e-mail n'est pas valide." in page
    assert "Indiquez votre mot de passe." in page


def test_inactive_account_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user().active = False
        db.session.commit()
    response = client.post("/connexion", data={"email": "anim@test.fr", "password": PASSWORD})
    assert response.status_code == 200


def test_next_only_redirects_within_the_site(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user()
    response = client.post("/connexion?next=https://evil.example/", data={"email": "anim@test.fr",
                                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/animateur/"


def test_csrf_is_required_on_forms(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user()
    client = app.test_client()
    response = client.post("/connexion", data={"email": "anim@test.fr", "password": PASSWORD})
    assert response.status_code == 400
    assert "Demande incorrecte" in response.get_data(as_text=True)
    assert "jeton" in html.unescape(response.get_data(as_text=True)).lower()
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_login_is_rate_limited(database: str) -> None:
    app = make_app(database, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/connexion", data={"email": "x@test.fr", "password": "x"}).status_code
             for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[-1] == 429
    page = html.unescape(client.post("/connexion", data={"email": "x@test.fr", "password": "x"})
                         .get_data(as_text=True))
    assert "Trop d'essais de connexion" in page
