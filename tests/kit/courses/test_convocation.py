"""The convocation pages: what they say, in French, and who sees them (first name and initial only)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import Role
from tests.factories import login, make_user
from tests.histories import make_siae
from tests.kit.courses.mail_world import World, make_world


def setup(app: Flask) -> tuple[World, dict[str, int]]:
    with app.app_context():
        world = make_world()
        karim = world.enrolments[0]
        karim.employee.notes = "Notes confidentielles du diagnostic"
        other = make_siae("Chantier Voisin")
        make_user("cip-voisin@test.fr", Role.COUNSELOR.value, siae=other)
        db.session.commit()
        return world, {"karim": karim.id, "waiting": world.enrolments[2].id, "offer": world.offer.id}


def page(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_a_convocation_says_when_where_what_to_bring_and_whom_to_call(app: Flask, client: FlaskClient) -> None:
    _, ids = setup(app)
    login(client, "animatrice@test.fr")  # the SIAE animatrice, which did not enrol Karim
    status, html = page(client, f"/formations/convocations/{ids['karim']}")
    assert status == 200
    for text in ("Convocation · Karim B.", "Mardi 9 mars 2027", "Vendredi 12 mars 2027", "de 9 h 30 à 12 h 30",
                 "Salle des fêtes, 3 rue de la Paix, 59000 Lille", "votre téléphone, chargé",
                 "compte Google ou Apple", "03 20 00 00 00", "Nadia Conseil", "06 12 34 56 78"):
        assert text in html, text
    assert "Notes confidentielles" not in html and "Awa" not in html
    assert "/css/convocation-a5." in html  # the stylesheet, under its content-hashed name


def test_the_offer_page_prints_every_convocation(app: Flask, client: FlaskClient) -> None:
    _, ids = setup(app)
    login(client, "animatrice@test.fr")
    status, html = page(client, f"/formations/offres/{ids['offer']}/convocations")
    assert status == 200
    assert html.count('class="convocation"') == 2 and "Awa B." in html and "Karim B." in html
    assert "Bintou" not in html  # waiting list: no convocation
    assert "/css/convocation-a5." not in html


def test_who_sees_them(app: Flask) -> None:
    _, ids = setup(app)
    urls = [f"/formations/convocations/{ids['karim']}", f"/formations/offres/{ids['offer']}/convocations",
            f"/formations/offres/{ids['offer']}/calendrier.ics"]
    counselor = app.test_client()
    login(counselor, "cip-nord@test.fr")
    assert [counselor.get(url).status_code for url in urls] == [200, 200, 200]
    assert counselor.get(f"/formations/convocations/{ids['waiting']}").status_code == 404
    neighbour = app.test_client()
    login(neighbour, "cip-voisin@test.fr")  # same region, another SIAE: the offer, but none of Karim's papers
    assert [neighbour.get(url).status_code for url in urls] == [404, 200, 200]
    _, html = page(neighbour, urls[1])
    assert "Karim" not in html and "Personne n'a encore de place" in html
    assert app.test_client().get(urls[0]).status_code == 302  # signed out: to the sign-in page
    assert counselor.get("/formations/convocations/99999").status_code == 404


def test_the_calendar_download(app: Flask, client: FlaskClient) -> None:
    _, ids = setup(app)
    login(client, "cip-nord@test.fr")
    response = client.get(f"/formations/offres/{ids['offer']}/calendrier.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 4
