"""Phones joining a session: code, name, avatar, device cookie, limits."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.models import Participant, ParticipantDevice
from tests.conftest import make_app
from tests.factories import join_as, make_group, make_session, make_user


@pytest.fixture
def code(app: Flask) -> str:
    """The join code of a started session of Awa, Bruno and Chloé's group."""
    with app.app_context():
        return make_session(make_group(make_user())).join_code


def text(response: object) -> str:
    """A response's page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_keypad_page(app: Flask) -> None:
    page = text(app.test_client().get("/j"))
    assert "Tapez le code affiché à l'écran" in page and 'inputmode="numeric"' in page


@pytest.mark.parametrize("typed", ["{code}", "{a} {b}", " {a}-{b} "])
def test_typed_code_leads_to_the_session(app: Flask, code: str, typed: str) -> None:
    response = app.test_client().post("/j", data={"code": typed.format(code=code, a=code[:3], b=code[3:])})
    assert response.status_code == 302 and response.headers["Location"] == f"/j/{code}"


@pytest.mark.parametrize("typed", ["", "000000", "12345", "abcdef", "1" * 300])
def test_wrong_code_gets_a_french_error(app: Flask, code: str, typed: str) -> None:
    response = app.test_client().post("/j", data={"code": typed})
    assert response.status_code == 400
    assert "Ce code ne correspond à aucune séance en cours." in text(response)


def test_unknown_or_malformed_code_url_is_a_french_404(app: Flask, code: str) -> None:
    for url in ("/j/000000", "/j/abc", "/j/" + "9" * 50):
        response = app.test_client().get(url)
        assert response.status_code == 404
        assert "Cette séance est terminée, ou le code est incorrect." in text(response)


def test_name_page_lists_the_group(app: Flask, code: str) -> None:
    page = text(app.test_client().get(f"/j/{code}"))
    assert "Qui êtes-vous ?" in page
    assert page.index("Awa") < page.index("Bruno") < page.index("Chloé")


def test_new_participant_gets_a_device_cookie_and_the_live_page(app: Flask, code: str) -> None:
    phone = app.test_client()
    response = phone.post(f"/j/{code}/nouveau", data={"nickname": "  Dédé  ", "avatar": "🐭"})
    assert response.status_code == 302
    cookie = phone.get_cookie("kit_device")
    assert cookie and cookie.http_only and cookie.same_site == "Lax"
    page = text(phone.get(f"/j/{code}"))
    assert "data-live" in page and "Dédé" in page and "/vendor/socket.io.min." in page
    with app.app_context():
        dede = db.session.scalar(sa.select(Participant).where(Participant.nickname == "Dédé"))
        assert dede.avatar == "🐭"
        # Only the hash of the token is stored.
        assert db.session.scalar(sa.select(ParticipantDevice.token_hash)) != cookie.value


@pytest.mark.parametrize(("nickname", "avatar", "message"), [
    ("", "🐱", "Écrivez votre prénom ou un surnom."),
    ("   ", "🐱", "Écrivez votre prénom ou un surnom."),
    ("x" * 21, "🐱", "Écrivez 20 lettres au plus."),
    ("<script>", "🐱", "Utilisez seulement des lettres et des chiffres."),
    ("Lou", "💣", "N'est pas un choix valide."),
    ("Lou", "", "Choisissez une image."),
    ("awa", "🐱", "Ce prénom est déjà dans le groupe."),
    ("AWA ", "🐱", "Ce prénom est déjà dans le groupe."),
])
def test_bad_names_get_a_french_error_and_keep_the_form(app: Flask, code: str, nickname: str, avatar: str,
                                                       message: str) -> None:
    response = app.test_client().post(f"/j/{code}/nouveau", data={"nickname": nickname, "avatar": avatar})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 3


def test_returning_participant_taps_their_name_on_another_phone(app: Flask, code: str) -> None:
    first = join_as(app, code, "Bruno")
    second = join_as(app, code, "Bruno")
    assert "Bruno" in text(second.get(f"/j/{code}"))
    assert first.get_cookie("kit_device").value != second.get_cookie("kit_device").value


def test_a_participant_of_another_group_cannot_be_claimed(app: Flask, code: str) -> None:
    with app.app_context():
        other = make_group(make_user("b@test.fr"), ("Zoé",))
        zoe = other.participants[0].id
    assert app.test_client().post(f"/j/{code}/moi/{zoe}").status_code == 404


def test_a_full_group_refuses_newcomers(app: Flask, code: str) -> None:
    app.config["GROUP_MAX_PARTICIPANTS"] = 3
    response = app.test_client().post(f"/j/{code}/nouveau", data={"nickname": "Lou", "avatar": "🐱"})
    assert response.status_code == 400 and "Le groupe est complet." in text(response)


def test_join_codes_are_rate_limited_per_address(database: str) -> None:
    app = make_app(database, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/j", data={"code": f"{n:06d}"}).status_code for n in range(31)]
    assert codes[:30] == [400] * 30 and codes[30] == 429
    assert "Trop d'essais" in text(client.post("/j", data={"code": "123456"}))
    other = app.test_client()
    assert other.post("/j", data={"code": "1"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 400


def test_behind_nginx_each_phone_has_its_own_limit(database: str) -> None:
    """With TRUSTED_PROXIES=1 the phone's address comes from X-Forwarded-For, not nginx's 127.0.0.1."""
    app = make_app(database, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    client = app.test_client()

    def attempt(phone: str) -> int:
        return client.post("/j", data={"code": "000000"}, headers={"X-Forwarded-For": phone}).status_code

    assert [attempt("10.0.0.1") for _ in range(31)][-1] == 429
    assert attempt("10.0.0.2") == 400  # another phone behind the same nginx is not blocked
    # Without trusted proxies the header is ignored: a phone cannot escape its limit by forging it.
    plain = make_app(database, RATELIMIT_ENABLED=True)
    forged = [plain.test_client().post("/j", data={"code": "000000"}, headers={"X-Forwarded-For": f"10.1.0.{n}"})
              .status_code for n in range(31)]
    assert forged[-1] == 429
