"""Through the app: accounts made by an admin, four half-days run with phones joining and attendance
corrected, a coordinator's validations, then both badges and a certificate that verifies from its QR code."""

from __future__ import annotations

import html
import re
from pathlib import Path

import segno
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db, socketio
from kit.models import Attendance, BadgeAssertion, Participant, Siae, TrainingSession, User
from tests.factories import PASSWORD, join_as, login
from tests.histories import PUBLIC, SLUGS, attendance, enable_badges
from tests.kit.people.test_roles import EMAILS

NAMES = ("Awa", "Bruno", "Chloé", "Driss", "Emma", "Fanta")


def text(response: object) -> str:
    """A page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def admin_creates_the_accounts(app: Flask) -> None:
    """The admin makes the SIAE, the animator and the coordinator through the admin pages."""
    with app.app_context():
        admin = User(email=EMAILS["admin"], name="Admin", role="admin")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
    client = app.test_client()
    login(client, EMAILS["admin"])
    assert client.post("/admin/structures/nouvelle", data={"name": "Régie de Lille", "region": "Hauts-de-France",
                                                           "kind": "ACI"}).status_code == 302
    with app.app_context():
        siae_id = db.session.scalar(sa.select(Siae.id))
    for email, role, region in (("samia@test.fr", "animator", ""), ("coord@test.fr", "coordinator",
                                                                    "Hauts-de-France")):
        response = client.post("/admin/comptes/nouveau", data={
            "email": email, "name": email.split("@")[0].title(), "role": role,
            "siae": str(siae_id) if role == "animator" else "0", "region": region, "active": "y",
            "password": PASSWORD})
        assert response.status_code == 302, text(response)


def run_half_day(app: Flask, animator: FlaskClient, group_id: int, slug: str, phones: tuple[str, ...],
                 corrections: dict[str, bool]) -> int:
    """Plan, start, let phones join, end, confirm the attendance and the duration: as the animator does it."""
    response = animator.post("/animateur/seances/nouvelle", data={"group": group_id, "module": slug,
                                                                  "day": "2026-11-20"})
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    animator.post(f"/animateur/seances/{session_id}/demarrer")
    with app.app_context():
        code = db.session.get(TrainingSession, session_id).join_code
    for nickname in phones:
        phone = socketio.test_client(app, namespace="/participant", auth={"code": code},
                                     flask_test_client=join_as(app, code, nickname))
        assert phone.is_connected("/participant")
        phone.disconnect(namespace="/participant")
    with app.app_context():
        people = {p.nickname: p.id for p in db.session.scalars(sa.select(Participant).where(
            Participant.group_id == group_id))}
        present = {n for n, pid in people.items() if attendance(session_id).get(pid)}
    present = {n for n in people if corrections.get(n, n in present)}
    animator.post(f"/animateur/seances/{session_id}/terminer")
    # The phones stayed seconds: the animator gives the half-day's real length.
    response = animator.post(f"/animateur/seances/{session_id}/presences",
                             data={"present": [str(people[n]) for n in sorted(present)], "minutes": "210"})
    assert response.status_code == 302
    return session_id


def test_a_history_built_through_the_app_earns_both_badges(app: Flask, tmp_path: Path) -> None:
    enable_badges(app, tmp_path)
    admin_creates_the_accounts(app)
    animator = app.test_client()
    login(animator, "samia@test.fr")
    response = animator.post("/animateur/groupes/nouveau", data={"name": "Groupe de novembre"})
    group_id = int(response.headers["Location"].rsplit("/", 1)[1])
    animator.post(f"/animateur/groupes/{group_id}", data={"nickname": "Fanta"})  # no phone: added by hand
    # Day 1: five phones join. Days 2-4: Emma is away on day 3; Fanta, without a phone, is marked present.
    sessions = [run_half_day(app, animator, group_id, SLUGS[0], NAMES[:5], {"Fanta": True})]
    for index, slug in enumerate(SLUGS[1:], start=2):
        sessions.append(run_half_day(app, animator, group_id, slug, NAMES[:5],
                                     {"Fanta": True, "Emma": index != 3}))
    with app.app_context():
        rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == sessions[2])).all()
        emma = next(r for r in rows if r.participant.nickname == "Emma")
        fanta = next(r for r in rows if r.participant.nickname == "Fanta")
        assert not emma.present and emma.corrected_by_id and fanta.present and fanta.corrected_by_id

    progress = text(animator.get("/progression/"))
    assert "4" in progress and "14 h" in progress and "6" in progress
    assert "Votre coordinateur·rice délivre le badge quand tous les critères sont remplis" in progress

    coordinator = app.test_client()
    login(coordinator, "coord@test.fr")
    with app.app_context():
        animator_id = db.session.scalar(sa.select(User.id).where(User.email == "samia@test.fr"))
    page = f"/coordination/animateurs/{animator_id}"
    assert "Samia" in text(coordinator.get("/coordination/"))
    assert "Délivrer le badge</button>" not in text(coordinator.get(page))
    assert coordinator.post(f"{page}/formation", data={"training_day": "2026-10-05"}).status_code == 302
    assert coordinator.post(f"{page}/observation", data={"session": sessions[1],
                                                         "observation_note": "Très bien"}).status_code == 302
    assert "Tous les critères sont remplis" in text(coordinator.get(page))
    assert "Tous les critères sont remplis" in text(animator.get("/progression/"))
    assert coordinator.post(f"{page}/badge").status_code == 302
    detail = text(coordinator.get(page))
    assert "Délivré le" in detail
    with app.app_context():
        badge = db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.animator_id == animator_id))
        assert badge and badge.issued_by.email == "coord@test.fr"
    assert "Bravo, vous avez ce badge" in text(animator.get("/progression/"))

    # The participants: Emma missed a day but has 3 of 4; the 3 tasks are seen done alone, then the badge issued.
    with app.app_context():
        emma_id = db.session.scalar(sa.select(Participant.id).where(Participant.nickname == "Emma"))
    participant = f"/progression/participants/{emma_id}"
    assert "Prêt à délivrer" not in text(animator.get(f"/progression/groupes/{group_id}"))
    animator.post(f"{participant}/competences", data={"competence-wifi": "seul", "competence-recherche": "seul",
                                                      "competence-application": "seul"})
    assert "Prêt à délivrer" in text(animator.get(f"/progression/groupes/{group_id}"))
    response = animator.post(f"{participant}/badge", data={"name": "Emma Martin", "phone": "06 12 34 56 78"})
    assert response.status_code == 302, text(response)
    with app.app_context():
        emma_badge = db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.participant_id == emma_id))
        uid = emma_badge.uid
        assert emma_badge.recipient_type == "telephone" and "612345678" not in (emma_badge.credential or "")

    # The certificate's QR code is the verification page's address, which says the badge is valid.
    certificate = animator.get(f"/badges/certificats/{uid}").get_data(as_text=True)
    verify_url = f"{PUBLIC}/badges/verifier/{uid}"
    qr = segno.make(verify_url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    assert qr in certificate and "Emma Martin" in certificate
    verified = text(app.test_client().get(verify_url.removeprefix(PUBLIC)))
    assert "Ce badge est authentique et valable" in verified and "Emma Martin" in verified


def test_attendance_correction_is_owned_and_checked(app: Flask) -> None:
    admin_creates_the_accounts(app)
    animator = app.test_client()
    login(animator, "samia@test.fr")
    group_id = int(animator.post("/animateur/groupes/nouveau", data={"name": "G"}).headers["Location"]
                   .rsplit("/", 1)[1])
    animator.post(f"/animateur/groupes/{group_id}", data={"nickname": "Awa"})
    session_id = int(animator.post("/animateur/seances/nouvelle", data={
        "group": group_id, "module": SLUGS[0], "day": "2026-11-20"}).headers["Location"].rsplit("/", 1)[1])
    url = f"/animateur/seances/{session_id}/presences"
    assert animator.post(url, data={}).status_code == 400  # planned: nothing to correct yet
    assert "Présences" not in text(animator.get(f"/animateur/seances/{session_id}"))
    animator.post(f"/animateur/seances/{session_id}/demarrer")
    assert animator.post(url, data={"present": ["999999"]}).status_code == 400  # not in the group
    assert animator.post(url, data={"present": ["abc"]}).status_code == 400
    with app.app_context():
        awa = db.session.scalar(sa.select(Participant.id))
    assert animator.post(url, data={"present": [str(awa)]}).status_code == 302
    page = text(animator.get(f"/animateur/seances/{session_id}"))
    assert re.search(r'<span class="person-name">Awa</span>\s*<span class="source">\(corrigé\)', page)
    assert f'name="etat-{awa}" value="present" checked' in page
    assert animator.post(url, data={}).status_code == 302
    with app.app_context():
        assert attendance(session_id) == {awa: False}
