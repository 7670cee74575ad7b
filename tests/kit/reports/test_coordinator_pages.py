"""The coordinator's pages: who is followed, what is recorded, issuing and revoking the badge."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import AnimatorRecord, BadgeAssertion, RecordKind
from kit.people.access import followed_animators, visible_siaes
from tests.factories import login, make_user
from tests.histories import enable_badges, make_animator_group, make_coordinator, make_siae, record, run_course


def text(response: object) -> str:
    """A page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    """An animator in the Hauts-de-France whose course is done, another in Bretagne, coordinators."""
    with app.app_context():
        north, west = make_siae("Régie du Nord"), make_siae("Chantier de l'Ouest", region="Bretagne", kind="EI")
        animator = make_user("anim@test.fr", siae=north)
        far = make_user("loin@test.fr", siae=west)
        sessions = run_course(make_animator_group(animator, size=6))
        far_session = run_course(make_animator_group(far, size=1))[0]
        make_coordinator("coord@test.fr", "Hauts-de-France")
        make_coordinator("siae@test.fr", None, siae=west)
        make_coordinator("nulle-part@test.fr", None)
        return {"animator": animator.id, "far": far.id, "session": sessions[1].id, "far_session": far_session.id}


def test_a_coordinator_follows_their_region_or_siae(app: Flask, ids: dict[str, int]) -> None:
    with app.app_context():
        from kit.models import User

        by_email = {u.email: u for u in db.session.scalars(sa.select(User))}
        assert [u.email for u in followed_animators(by_email["coord@test.fr"])] == ["anim@test.fr"]
        assert [u.email for u in followed_animators(by_email["siae@test.fr"])] == ["loin@test.fr"]
        assert followed_animators(by_email["nulle-part@test.fr"]) == []
        assert followed_animators(by_email["anim@test.fr"]) == [] and visible_siaes(by_email["anim@test.fr"]) == []
        assert [s.name for s in visible_siaes(by_email["coord@test.fr"])] == ["Régie du Nord"]


def test_index_lists_only_the_followed_animators(client: FlaskClient, ids: dict[str, int]) -> None:
    login(client, "coord@test.fr")
    page = text(client.get("/coordination/"))
    assert "Anim" in page and "Loin" not in page and "3 / 5 critères" in page


def test_records_then_issue_then_revoke(app: Flask, client: FlaskClient, ids: dict[str, int],
                                       tmp_path: Path) -> None:
    login(client, "coord@test.fr")
    url = f"/coordination/animateurs/{ids['animator']}"
    # Not everything is met: the button is not there, and a forged click is refused in French.
    response = client.post(f"{url}/badge")
    assert response.status_code == 400 and "tous ses critères ne sont pas encore remplis" in text(response)
    assert client.post(f"{url}/formation", data={"training_day": ""}).status_code == 400
    assert client.post(f"{url}/observation", data={"session": ids["far_session"]}).status_code == 400
    client.post(f"{url}/formation", data={"training_day": "2026-10-05", "training_note": "Promo d'octobre"})
    client.post(f"{url}/observation", data={"session": ids["session"]})
    page = text(client.get(url))
    assert "Promo d'octobre" in page and "Séance observée et validée" in page
    # No public address yet: the page says so instead of offering the button, and a forged click is refused.
    assert "PUBLIC_BASE_URL" in page and "Délivrer le badge" not in page
    response = client.post(f"{url}/badge")
    assert response.status_code == 400 and "PUBLIC_BASE_URL" in text(response)
    enable_badges(app, tmp_path)
    assert "Délivrer le badge" in text(client.get(url))
    assert client.post(f"{url}/badge").status_code == 302
    with app.app_context():
        badge = db.session.scalar(sa.select(BadgeAssertion))
    assert client.post(f"{url}/badges/{badge.uid}/retirer", data={"reason": ""}).status_code == 302
    with app.app_context():
        assert not db.session.get(BadgeAssertion, badge.id).revoked  # a reason is required
    client.post(f"{url}/badges/{badge.uid}/retirer", data={"reason": "Erreur de saisie"})
    with app.app_context():
        assert db.session.get(BadgeAssertion, badge.id).revocation_reason == "Erreur de saisie"
    assert "Retiré" in text(client.get(url))


def test_a_record_entered_by_mistake_can_be_removed(app: Flask, client: FlaskClient, ids: dict[str, int]) -> None:
    with app.app_context():
        from kit.models import User

        coordinator = db.session.scalar(sa.select(User).where(User.email == "coord@test.fr"))
        animator = db.session.get(User, ids["animator"])
        row = record(animator, RecordKind.TRAINING, coordinator).id
        far_row = record(db.session.get(User, ids["far"]), RecordKind.TRAINING, coordinator).id
    login(client, "coord@test.fr")
    url = f"/coordination/animateurs/{ids['animator']}"
    assert client.post(f"{url}/releves/{far_row}/supprimer").status_code == 404  # not this animator's
    assert client.post(f"{url}/releves/{row}/supprimer").status_code == 302
    with app.app_context():
        assert db.session.get(AnimatorRecord, row) is None and db.session.get(AnimatorRecord, far_row)


def test_the_demo_coordinator_follows_the_demo_animator(app: Flask, client: FlaskClient) -> None:
    from kit.people.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD, create_demo

    with app.app_context():
        create_demo()
        create_demo()  # twice: nothing duplicated
    response = client.post("/connexion", data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD})
    assert response.status_code == 302
    assert client.get("/animateur/").headers["Location"].endswith("/coordination/")
    assert "Samia (démo)" in text(client.get("/coordination/"))
    assert "Régie de quartier (démo)" in text(client.get("/coordination/rapport/"))
