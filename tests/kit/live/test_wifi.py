"""The room's Wi-Fi on the join slide: checked, served as a `WIFI:` QR code to the animator only, and forgotten.

That the QR code decodes to the right string is checked in a browser: tests/browser/test_wifi.py.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.live.wifi import check_wifi, escape, wifi_payload
from kit.models import TrainingSession
from tests.factories import join_as, login, make_group, make_session, make_user


@pytest.mark.parametrize(("raw", "escaped"), [
    ("Salle 2", "Salle 2"), ("a;b", "a\\;b"), ("a,b", "a\\,b"), ('dit "oui"', 'dit \\"oui\\"'),
    ("c:\\x", "c\\:\\\\x"), ("Café;Wi-Fi", "Café\\;Wi-Fi"),
])
def test_special_characters_are_escaped(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_payloads() -> None:
    assert wifi_payload("Salle", "motdepasse") == "WIFI:T:WPA;S:Salle;P:motdepasse;;"
    assert wifi_payload("Salle", None) == "WIFI:T:nopass;S:Salle;;"


@pytest.mark.parametrize(("ssid", "password", "field"), [
    ("", "motdepasse", "wifi_ssid"), ("x" * 33, "", "wifi_ssid"), ("é" * 17, "", "wifi_ssid"),
    ("Salle", "court", "wifi_password"), ("Salle", "x" * 64, "wifi_password"), ("Salle\n", "", "wifi_ssid"),
])
def test_bad_fields_get_a_french_message(ssid: str, password: str, field: str) -> None:
    errors = check_wifi(ssid, password)
    assert field in errors and errors[field][0].isupper()


def test_good_fields_pass() -> None:
    assert check_wifi("", "") == {} and check_wifi("Salle 2", "") == {} and check_wifi("Salle", "12345678") == {}


@pytest.fixture
def planned(app: Flask) -> tuple[FlaskClient, int]:
    """A planned session and its animator's client."""
    with app.app_context():
        session_id = make_session(make_group(make_user()), start=False).id
    client = app.test_client()
    login(client)
    return client, session_id


def stored(app: Flask, session_id: int) -> tuple[str, str | None, str | None]:
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        return session.status, session.wifi_ssid, session.wifi_password


def test_started_with_the_rooms_wifi(planned: tuple[FlaskClient, int], app: Flask) -> None:
    client, session_id = planned
    assert client.post(f"/animateur/seances/{session_id}/demarrer",
                       data={"wifi_ssid": "Salle;2", "wifi_password": "mot:de,passe"}).status_code == 302
    assert stored(app, session_id) == ("live", "Salle;2", "mot:de,passe")
    projector = client.get(f"/animateur/seances/{session_id}/projection").get_data(as_text=True)
    assert f"/animateur/seances/{session_id}/wifi.svg" in projector and "Salle;2" in projector
    assert "mot:de,passe" not in projector  # in the QR code only
    svg = client.get(f"/animateur/seances/{session_id}/wifi.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and svg.headers["Cache-Control"] == "no-store"


def test_phones_never_get_it(planned: tuple[FlaskClient, int], app: Flask) -> None:
    client, session_id = planned
    client.post(f"/animateur/seances/{session_id}/demarrer", data={"wifi_ssid": "Salle", "wifi_password": "secret123"})
    with app.app_context():
        code = db.session.get(TrainingSession, session_id).join_code
    phone = join_as(app, code, "Awa")
    assert "secret123" not in phone.get(f"/j/{code}").get_data(as_text=True)
    assert phone.get(f"/animateur/seances/{session_id}/wifi.svg").status_code in (302, 401, 403, 404)


def test_a_bad_wifi_keeps_the_session_planned(planned: tuple[FlaskClient, int], app: Flask) -> None:
    client, session_id = planned
    response = client.post(f"/animateur/seances/{session_id}/demarrer",
                           data={"wifi_ssid": "Salle", "wifi_password": "court"}, follow_redirects=True)
    assert "Un mot de passe Wi-Fi fait de 8 à 63 caractères" in response.get_data(as_text=True)
    assert stored(app, session_id) == ("planned", None, None)


def test_changed_while_live_and_forgotten_at_the_end(planned: tuple[FlaskClient, int], app: Flask) -> None:
    client, session_id = planned
    client.post(f"/animateur/seances/{session_id}/demarrer")
    assert client.get(f"/animateur/seances/{session_id}/wifi.svg").status_code == 404
    client.post(f"/animateur/seances/{session_id}/wifi", data={"wifi_ssid": "Ouvert", "wifi_password": ""})
    assert stored(app, session_id) == ("live", "Ouvert", None)
    assert client.get(f"/animateur/seances/{session_id}/wifi.svg").status_code == 200
    client.post(f"/animateur/seances/{session_id}/terminer")
    assert stored(app, session_id) == ("ended", None, None)
    assert client.get(f"/animateur/seances/{session_id}/wifi.svg").status_code == 404
