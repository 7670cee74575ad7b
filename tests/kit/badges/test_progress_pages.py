"""The animator's progress page, the participants' badges, and erasing a participant's personal data."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import BadgeAssertion, Participant, ParticipantDevice, SkillObservation
from tests.factories import join_as, login, make_user
from tests.histories import SLUGS, enable_badges, make_animator_group, make_siae, run_course, run_session


def text(response: object) -> str:
    """A page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def plain(response: object) -> str:
    """A page's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.fixture
def ids(app: Flask, tmp_path: Path) -> dict[str, int]:
    """An animator's group of three, taken through 3 half-days; badges can be issued."""
    enable_badges(app, tmp_path)
    with app.app_context():
        animator = make_user(siae=make_siae())
        group = make_animator_group(animator, size=3)
        run_course(group, slugs=SLUGS[:3])
        return {"group": group.id, "person": group.participants[0].id}


def test_progress_shows_the_figures_and_the_checklist(client: FlaskClient, ids: dict[str, int]) -> None:
    login(client)
    page = plain(client.get("/progression/"))
    assert "3 séances animées" in page and "10 h 30" in page and "3 participant·es formé·es" in page
    assert "0 groupe mené" in page
    assert "A animé chacun des 4 modules au moins une fois" in page and "(3 / 4)" in page
    assert "Groupe complet" in page


ALL_ALONE = {"competence-wifi": "seul", "competence-recherche": "seul", "competence-application": "seul"}


def test_a_participant_badge_from_skills_observed(app: Flask, client: FlaskClient, ids: dict[str, int]) -> None:
    login(client)
    url = f"/progression/participants/{ids['person']}"
    page = text(client.get(url))
    assert "Le badge pourra être délivré" in page and "aucune question n'a encore été posée" in page
    assert "pas encore observée" in page
    assert client.post(f"{url}/competences", data={"competence-wifi": "expert"}).status_code == 400
    client.post(f"{url}/competences", data={"competence-wifi": "seul", "competence-recherche": "avec_aide"})
    page = text(client.get(url))
    assert "(1 / 3)" in page and "avec de l'aide" in page and "hors séance" in page
    client.post(f"{url}/competences", data=ALL_ALONE)
    page = text(client.get(url))
    assert "Délivrer le badge et le certificat" in page
    response = client.post(f"{url}/badge", data={"email": "pas-un-email"})
    assert response.status_code == 400 and "Cette adresse e-mail n'est pas valide." in text(response)
    response = client.post(f"{url}/badge", data={"email": "a@example.org", "phone": "0612345678"})
    assert response.status_code == 400 and "pas les deux" in text(response)
    assert client.post(f"{url}/badge", data={"name": "Personne Un"}).status_code == 302
    page = text(client.get(url))
    assert "Valable" in page and "Certificat à imprimer" in page
    assert "Délivré" in text(client.get(f"/progression/groupes/{ids['group']}"))
    client.post(f"{url}/competences", data={})  # every level emptied: the observations outside a slide go
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillObservation)) == 0


def test_erasing_personal_data(app: Flask, client: FlaskClient, ids: dict[str, int]) -> None:
    with app.app_context():
        person = db.session.get(Participant, ids["person"])
        live = run_session(person.group, SLUGS[3], end=False)
        code = live.join_code
    join_as(app, code, "Personne 1")  # their phone has a cookie bound to them
    login(client)
    url = f"/progression/participants/{ids['person']}"
    client.post(f"{url}/competences", data=ALL_ALONE)
    client.post(f"{url}/badge", data={"name": "Personne Un", "email": "un@example.org"})
    with app.app_context():
        uid = db.session.scalar(sa.select(BadgeAssertion.uid))
    assert client.post(f"{url}/effacer", data={}).status_code == 302  # not confirmed: nothing happens
    with app.app_context():
        assert db.session.get(Participant, ids["person"]).erased_at is None
    assert client.post(f"{url}/effacer", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        person = db.session.get(Participant, ids["person"])
        badge = db.session.scalar(sa.select(BadgeAssertion))
        assert person.erased_at and person.nickname == f"Anonyme {person.id}"
        assert badge.revoked and badge.recipient_name is None and badge.recipient_hash is None
        assert badge.salt is None and badge.credential is None and badge.evidence is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantDevice)) == 0
        # What was observed stays without a name, as the answers do (the evaluation counts it).
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillObservation)) == 3
    client.get(url)  # shows, and so forgets, the messages of the actions above
    page = text(client.get(url))
    assert "ont été effacées" in page and "Personne Un" not in page and "Délivrer le badge" not in page
    assert client.get(f"/badges/assertions/{uid}").status_code == 410
    verify = text(client.get(f"/badges/verifier/{uid}"))
    assert "personne dont les données ont été effacées" in verify and "Personne Un" not in verify
    response = client.post(f"{url}/badge", data={})
    assert response.status_code == 400 and "ont été effacées" in text(response)
