"""The evaluation page and its CSV exports: what a coordinator and an admin see, filters, bad input."""

from __future__ import annotations

import csv
import html
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from kit.models import Role
from tests.factories import login, make_user
from tests.histories import make_coordinator

URL = "/coordination/evaluation/"


def text(response: object) -> str:
    body = response.data.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def rows(response: object) -> list[list[str]]:
    data = response.data.decode("utf-8")  # type: ignore[attr-defined]
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data[1:]), delimiter=";"))


def test_the_coordinator_sees_the_gain_and_the_items(client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "coord@test.fr")
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "10 participants" in page
    assert "+67 pts" in page and "IC 95 % [33 ; 101]" in page  # 6/9 ± 2.306 × s / 3
    assert "9 paires avant/après" in page
    assert "personne ne se trompe" in page and "la plupart se trompent" in page
    assert "Atelier C" not in page  # Bretagne's
    assert "moins de 5 personnes" in page  # Chantier B (4), and Régie A with it
    body = response.data.decode()
    assert body.count('role="img"') >= 4 and body.count("<table") >= 8
    assert "style=" not in body


def test_filters(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "coord@test.fr")
    page = text(client.get(f"{URL}?structure={world['a']}&mois=2026-11"))
    assert "6 participants" in page and "5 paires" in page
    page = text(client.get(f"{URL}?structure={world['b']}"))
    assert "Moins de 5 personnes pour ces filtres" in page and "paires" not in page
    assert "0 participants" not in text(client.get(f"{URL}?mois=2026-12"))
    assert client.get(f"{URL}?structure={world['c']}").status_code == 404  # not this region's
    assert client.get(f"{URL}?structure=abc").status_code == 400
    assert client.get(f"{URL}?structure={10 ** 30}").status_code == 400
    assert client.get(f"{URL}?animateur=-1").status_code == 400
    assert client.get(f"{URL}?mois=2026-13").status_code == 400
    assert "Ce mois n'est pas valide" in text(client.get(f"{URL}?mois=novembre"))
    assert client.get(f"{URL}?animateur=999999").status_code == 404
    assert client.get(f"{URL}?animateur={world['anim_a']}").status_code == 200
    # A coordinator's « region » parameter is ignored: they see their region only.
    assert "Atelier C" not in text(client.get(f"{URL}?region=Bretagne"))


def test_the_admin_filters_by_region(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
    login(client, "admin@test.fr")
    assert "15 participants" in text(client.get(URL))
    page = text(client.get(f"{URL}?region=Bretagne"))
    breakdowns = page.split("Par structure")[-1]  # the filter's list names every SIAE: look below it
    assert "5 participants" in page and "Atelier C" in breakdowns and "Régie A" not in breakdowns


def test_csv_exports(client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "coord@test.fr")
    response = client.get(f"{URL}chiffres.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "kit-animateur-evaluation-chiffres.csv" in response.headers["Content-Disposition"]
    table = rows(response)
    assert table[0][:3] == ["niveau", "libelle", "personnes"]
    assert table[1][:7] == ["ensemble", "Ensemble", "10", "8", "80,0", "9", "66,7"]
    structure = {row[1]: row for row in table if row[0] == "structure"}
    assert structure["Chantier B"][2] == "moins de 5 personnes" and structure["Régie A"][2] == "moins de 5 personnes"
    items = {row[0]: row for row in rows(client.get(f"{URL}questions.csv"))}
    assert items["question_id"][-1] == "signal"
    assert items["t-wifi"][2:8] == ["10", "3", "30,0", "9", "9", "100,0"]
    assert items["t-facile"][-1] == "personne ne se trompe"
    assert items["t-dur"][-1] == "la plupart se trompent" and items["t-dur"][9] == "A 0 · B ✓ 1 · C 5"
    small = rows(client.get(f"{URL}chiffres.csv?structure={world['b']}"))
    assert small[1][2] == "moins de 5 personnes" and len(rows(client.get(f"{URL}questions.csv?structure="
                                                                     f"{world['b']}"))) == 1


def test_animators_and_counselors_are_refused(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        make_coordinator("other@test.fr", region="Bretagne")
        make_user("cip@test.fr", Role.COUNSELOR.value)
    login(client, "a@test.fr")
    assert client.get(URL).status_code == 403 and client.get(f"{URL}chiffres.csv").status_code == 403
    counselor = app.test_client()
    login(counselor, "cip@test.fr")
    assert counselor.get(URL).status_code == 403
    far = app.test_client()
    login(far, "other@test.fr")
    page = text(far.get(URL))
    assert "5 participants" in page and "Régie A" not in page
