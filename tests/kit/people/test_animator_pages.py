"""The animator's space: groups, sessions, starting and ending, live pages, and ownership."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import SessionStatus, TrainingGroup, TrainingSession
from tests.factories import login, make_group, make_session, make_user


@pytest.fixture
def animator(app: Flask, client: FlaskClient) -> FlaskClient:
    """A signed-in animator with a group of three and a planned session."""
    with app.app_context():
        make_session(make_group(make_user()), start=False)
    login(client)
    return client


def text(response: object) -> str:
    """A response's page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_dashboard_lists_sessions_and_groups(animator: FlaskClient) -> None:
    page = text(animator.get("/animateur/"))
    assert "Mon smartphone et le Wi-Fi" in page and "Prévue" in page and "Groupe test" in page


def test_create_a_group_then_a_participant(animator: FlaskClient, app: Flask) -> None:
    response = animator.post("/animateur/groupes/nouveau", data={"name": "Groupe du mardi"})
    assert response.status_code == 302
    url = response.headers["Location"]
    assert "Groupe du mardi" in text(animator.get(url))
    assert animator.post(url, data={"nickname": "Fatou"}).status_code == 302
    assert "Ce prénom est déjà dans le groupe." in text(animator.post(url, data={"nickname": "fatou"}))
    assert "Donnez un nom au groupe." in text(animator.post("/animateur/groupes/nouveau", data={"name": ""}))


def test_plan_a_session_pinned_to_the_published_revision(animator: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = db.session.scalar(sa.select(TrainingGroup.id))
    response = animator.post("/animateur/seances/nouvelle", data={
        "group": group_id, "module": "03-rechercher-information", "day": date.today().isoformat()})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalars(sa.select(TrainingSession).order_by(TrainingSession.id.desc())).first()
        assert session.module_slug == "03-rechercher-information" and session.revision.published


@pytest.mark.parametrize("data", [{"group": "999", "module": "01-smartphone-wifi", "day": "2026-12-01"},
                                  {"group": "1", "module": "inconnu", "day": "2026-12-01"},
                                  {"group": "1", "module": "01-smartphone-wifi", "day": "demain"}])
def test_bad_session_form_gets_french_errors(animator: FlaskClient, data: dict) -> None:
    response = animator.post("/animateur/seances/nouvelle", data=data)
    assert response.status_code == 200
    assert re.search(r"N'est pas un choix valide|date", text(response))


def test_start_shows_the_code_then_end_expires_it(animator: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session_id = db.session.scalar(sa.select(TrainingSession.id))
    assert animator.get(f"/animateur/seances/{session_id}/projection").status_code == 302  # not started
    response = animator.post(f"/animateur/seances/{session_id}/demarrer")
    assert response.headers["Location"].endswith(f"/animateur/seances/{session_id}/projection")
    page = text(animator.get(f"/animateur/seances/{session_id}"))
    code = re.search(r'class="code">(\d{3}) (\d{3})<', page)
    assert code
    projector = text(animator.get(f"/animateur/seances/{session_id}/projection"))
    assert 'data-mode="projector"' in projector
    presenter = animator.get(f"/animateur/seances/{session_id}/presentateur")
    assert presenter.status_code == 200
    animator.post(f"/animateur/seances/{session_id}/terminer")
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        assert session.status == SessionStatus.ENDED and session.join_code is None
    assert animator.get(f"/animateur/seances/{session_id}/qr.svg").status_code == 404


def test_qr_code_is_server_side_svg_of_the_join_address(animator: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = db.session.scalars(sa.select(TrainingSession)).first()
        session_id = session.id
    animator.post(f"/animateur/seances/{session_id}/demarrer")
    response = animator.get(f"/animateur/seances/{session_id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and "<script" not in svg and "<path" in svg


def test_join_address_uses_the_lan_not_localhost(animator: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session_id = db.session.scalar(sa.select(TrainingSession.id))
    animator.post(f"/animateur/seances/{session_id}/demarrer")
    app.config["JOIN_BASE_URL"] = "http://192.0.2.10:5000"
    page = text(animator.get(f"/animateur/seances/{session_id}"))
    assert "http://192.0.2.10:5000/j/" in page
    app.config["JOIN_BASE_URL"] = None
    from kit.live.addresses import join_base_url
    from kit.ops.network import lan_addresses

    with app.test_request_context(base_url="http://salle.local:5000"):
        assert join_base_url() == "http://salle.local:5000"
    with app.test_request_context(base_url="http://localhost:5000"):
        assert "localhost" not in join_base_url() or not lan_addresses()


def test_another_animator_sees_and_changes_nothing(app: Flask, animator: FlaskClient) -> None:
    with app.app_context():
        session = db.session.scalars(sa.select(TrainingSession)).first()
        session_id, group_id = session.id, session.group_id
        make_user("autre@test.fr")
    intruder = app.test_client()
    login(intruder, "autre@test.fr")
    assert "Groupe test" not in text(intruder.get("/animateur/"))
    for url in (f"/animateur/groupes/{group_id}", f"/animateur/seances/{session_id}",
                f"/animateur/seances/{session_id}/projection", f"/animateur/seances/{session_id}/presentateur",
                f"/animateur/seances/{session_id}/qr.svg"):
        assert intruder.get(url).status_code == 404, url
    for url in (f"/animateur/seances/{session_id}/demarrer", f"/animateur/seances/{session_id}/terminer",
                f"/animateur/groupes/{group_id}"):
        assert intruder.post(url, data={"nickname": "Intrus"}).status_code == 404, url
    response = intruder.post("/animateur/seances/nouvelle", data={"group": group_id, "module": "01-smartphone-wifi",
                                                                  "day": "2026-12-01"})
    assert response.status_code in (200, 302, 404)  # no group of theirs: sent to create one
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).status == SessionStatus.PLANNED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 1


def test_sheet_and_trame_of_a_session_use_its_own_revision(animator: FlaskClient, app: Flask) -> None:
    from kit.models import ModuleRevision

    with app.app_context():
        session = db.session.scalars(sa.select(TrainingSession)).first()
        session_id, pinned = session.id, session.revision
        # The content team publishes a new version after the session was planned.
        newer = ModuleRevision(slug=pinned.slug, number=pinned.number + 1, source=pinned.source.replace(
            "titre: Mon smartphone et le Wi-Fi", "titre: Nouveau titre publié"), source_hash="x" * 64,
            published=True)
        pinned.published = False
        db.session.add(newer)
        db.session.commit()
    assert "Nouveau titre publié" in text(animator.get("/modules/01-smartphone-wifi/fiche"))
    for page in ("fiche", "trame"):
        html = text(animator.get(f"/animateur/seances/{session_id}/{page}"))
        assert "Mon smartphone et le Wi-Fi" in html and "Nouveau titre publié" not in html


def _sessions_on(page: str) -> list[str]:
    return re.findall(r'<td data-label="Groupe">([^<]+)</td>', page)


def test_the_dashboard_shows_sessions_a_page_at_a_time_live_first_in_a_fixed_number_of_statements(
        app: Flask, client: FlaskClient) -> None:
    """70 sessions: 30 per page, the live one first, then the newest; the statements do not grow with the lists."""
    with app.app_context():
        animator = make_user()
        groups = [make_group(animator, name=f"Groupe {number:02d}") for number in range(70)]
        for group in groups:
            make_session(group, start=False)
        for number, session in enumerate(db.session.scalars(sa.select(TrainingSession).order_by(TrainingSession.id))):
            session.day = date(2026, 1, 1 + number % 28) if number < 56 else date(2026, 2, number - 55)
        make_session(groups[0])  # started: live, although older than February's
        db.session.commit()
    login(client)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        first = text(client.get("/animateur/"))
        on_first = len(statements)
        last = text(client.get("/animateur/?page=3"))
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", count)
    names = _sessions_on(first)
    assert len(names) == 30 and names[0] == "Groupe 00" and names[1] == "Groupe 69", names[:3]
    assert "Séances 1 à 30 sur 71" in first and "Séances plus anciennes" in first
    assert "Séances plus récentes" not in first
    assert on_first <= 12, statements  # not one per session or group
    assert len(_sessions_on(last)) == 11 and "Séances 61 à 71 sur 71" in last and "Séances plus anciennes" not in last
    assert "Groupe 69</a> · 3 participants" in first  # the groups' sizes, counted in one statement
    for wrong in ("?page=abc", "?page=-4", "?page=999"):  # a page that does not exist: the nearest one
        response = client.get("/animateur/" + wrong)
        assert response.status_code == 200 and len(_sessions_on(text(response))) in (30, 11)
