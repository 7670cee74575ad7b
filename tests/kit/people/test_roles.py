"""Roles and ownership, for every page and every action: role × URL × method → expected status.

The world: SIAE A (Hauts-de-France) with the animator « owner » and another animator; SIAE B
(Bretagne) with a third; a coordinator of each region; a counselor of each SIAE; an admin. The owner's group has run the
course, has a live and a planned session, a participant's badge and the owner's own badge.

Refusals never change anything, so they all run against one world; every allowed action runs
in a fresh world, and must answer with its redirect (or page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.badges.issuance import issue_animator_badge, issue_participant_badge, revoke
from kit.courses.booking import enrol
from kit.courses.offers import publish_offer
from kit.extensions import db
from kit.models import (
    AnimatorRecord,
    BadgeAssertion,
    Diagnostic,
    Employee,
    RecordKind,
    Role,
    Siae,
    TrainingSession,
    User,
)
from tests.conftest import dispose, make_app
from tests.databases import Databases
from tests.factories import login, make_group, make_user
from tests.histories import (
    SLUGS,
    enable_badges,
    make_animator_group,
    make_coordinator,
    make_siae,
    observe,
    record,
    run_course,
    run_session,
)
from tests.kit.courses.attend_support import sheet_offer
from tests.kit.courses.mail_world import convocation_ids
from tests.kit.courses.support import draft as course_draft
from tests.kit.courses.support import offer_form
from tests.kit.diagnostic.support import make_counselor, make_diagnostic, make_employee

ROLES = ("anonyme", "proprietaire", "autre_animateur", "animateur_loin", "coordination", "coordination_loin",
         "conseiller", "conseiller_loin", "admin")
EMAILS = {"proprietaire": "owner@test.fr", "autre_animateur": "autre@test.fr", "animateur_loin": "loin@test.fr",
          "coordination": "coord@test.fr", "coordination_loin": "coord-loin@test.fr", "conseiller": "cip@test.fr",
          "conseiller_loin": "cip-loin@test.fr", "admin": "admin@test.fr"}
LOGIN = "connexion"  # expected: sent to the sign-in page


def build_world(app: Flask, tmp_path: Path) -> dict[str, Any]:
    """Make the world; return the ids the URLs need."""
    enable_badges(app, tmp_path)
    with app.app_context():
        siae_a, siae_b = make_siae("Régie A"), make_siae("Chantier B", region="Bretagne", kind="EI")
        owner = make_user(EMAILS["proprietaire"], siae=siae_a)
        other = make_user(EMAILS["autre_animateur"], siae=siae_a)
        far = make_user(EMAILS["animateur_loin"], siae=siae_b)
        coordinator = make_coordinator(EMAILS["coordination"], "Hauts-de-France")
        make_coordinator(EMAILS["coordination_loin"], "Bretagne")
        make_user(EMAILS["admin"], Role.ADMIN.value)
        for animator in (other, far):
            make_group(animator, ("Zoé",), name=f"Groupe de {animator.name}")
        group = make_animator_group(owner, size=6)
        sessions = run_course(group)
        live = run_session(group, SLUGS[1], end=False)
        planned = run_session(group, SLUGS[2], end=False)
        planned.status, planned.join_code, planned.started_at = "planned", None, None
        db.session.commit()
        training = record(owner, RecordKind.TRAINING, coordinator)
        record(owner, RecordKind.OBSERVATION, coordinator, sessions[0])
        people = group.participants
        for person in people[:2]:
            observe(person)
        participant_badge = issue_participant_badge(people[0], owner)
        animator_badge = issue_animator_badge(owner, coordinator)
        diagnostics = build_diagnostics(siae_a, siae_b)
        diagnostics |= convocation_ids(siae_a, owner)  # SIAE A gives a course; its counselor enrolled Sami
        diagnostics |= build_courses(siae_a, owner, diagnostics["employee"])
        diagnostics |= sheet_offer(group, sessions[0])  # the sign-in sheet from the offer (issue 15)
        return diagnostics | {"group": group.id, "session": sessions[0].id, "live": live.id, "planned": planned.id,
                "participant": people[0].id, "participant2": people[1].id, "participant3": people[2].id,
                "animator": owner.id, "other": other.id, "record": training.id, "siae": siae_a.id,
                "pbadge": participant_badge.uid, "abadge": animator_badge.uid}


def build_diagnostics(siae_a: Siae, siae_b: Siae) -> dict[str, int]:
    """A counselor of each SIAE; in SIAE A, a finished diagnostic, one in progress, and a record to erase."""
    make_counselor(EMAILS["conseiller"], siae_a)
    make_counselor(EMAILS["conseiller_loin"], siae_b)
    employee, employee2, employee3 = (make_employee(siae_a, name) for name in ("Karim", "Awa", "Bintou"))
    done = make_diagnostic(employee)
    ongoing = make_diagnostic(employee2, when=None)
    make_diagnostic(make_employee(siae_b, "Lucie"))
    return {"employee": employee.id, "employee3": employee3.id, "done": done.id, "ongoing": ongoing.id}


def build_courses(siae_a: Siae, owner: User, employee_id: int) -> dict[str, int]:
    """SIAE A gives courses too: an offer of the owner, where the counselor of SIAE A enrolled Karim."""
    siae_a.animatrice = True
    db.session.commit()
    offer = publish_offer(course_draft(owner), owner, date.today())
    counselor = db.session.scalar(sa.select(User).where(User.email == EMAILS["conseiller"]))
    enrolment = enrol(offer.id, employee_id, counselor)
    bintou = make_employee(siae_a, "Yanis")
    return {"offer": offer.id, "enrolment": enrolment.id, "enrolable": bintou.id}


@dataclass(frozen=True)
class Case:
    """One page or action, and what each role gets."""

    endpoint: str
    method: str
    url: str
    expected: dict[str, int | str]
    data: dict[str, Any] = field(default_factory=dict)
    prepare: Callable[[dict[str, Any]], None] | None = None
    name: str = ""


def animator_space(ok: int, others: int = 404, coordinator: int = 403, counselor: int = 403
                   ) -> dict[str, int | str]:
    """The owner and admins may; other animators get 404; coordinators and counselors 403."""
    return {"anonyme": LOGIN, "proprietaire": ok, "autre_animateur": others, "animateur_loin": others,
            "coordination": coordinator, "coordination_loin": coordinator, "conseiller": counselor,
            "conseiller_loin": counselor, "admin": ok}


def coordination(ok: int, far: int = 404) -> dict[str, int | str]:
    """Coordinators of the owner's region and admins may; the other region gets `far`; animators 403."""
    return {"anonyme": LOGIN, "proprietaire": 403, "autre_animateur": 403, "animateur_loin": 403,
            "coordination": ok, "coordination_loin": far, "conseiller": 403, "conseiller_loin": 403, "admin": ok}


def counselor_space(ok: int, far: int = 404) -> dict[str, int | str]:
    """The SIAE's counselor and admins may; the other SIAE's counselor gets `far`; animators and coordinators 403."""
    return {"anonyme": LOGIN, "proprietaire": 403, "autre_animateur": 403, "animateur_loin": 403,
            "coordination": 403, "coordination_loin": 403, "conseiller": ok, "conseiller_loin": far, "admin": ok}


def offers_region(ok: int = 200) -> dict[str, int | str]:
    """An offer of SIAE A (Hauts-de-France): every account of that region sees it; Bretagne gets 404."""
    return {"anonyme": LOGIN, "proprietaire": ok, "autre_animateur": ok, "animateur_loin": 404, "coordination": ok,
            "coordination_loin": 404, "conseiller": ok, "conseiller_loin": 404, "admin": ok}


def admin_only(ok: int) -> dict[str, int | str]:
    """Only the admins."""
    return {role: 403 for role in ROLES} | {"anonyme": LOGIN, "admin": ok}


def convocations() -> dict[str, int | str]:
    """The SIAE animatrice's animators and counselor (SIAE A, which enrolled too) and admins; 404 elsewhere."""
    return {"anonyme": LOGIN, "proprietaire": 200, "autre_animateur": 200, "animateur_loin": 404,
            "coordination": 404, "coordination_loin": 404, "conseiller": 200, "conseiller_loin": 404, "admin": 200}


def whoever_sees_the_badge() -> dict[str, int | str]:
    """A certificate: its recipient's animator (or themselves), their coordinator, admins."""
    return {"anonyme": LOGIN, "proprietaire": 200, "autre_animateur": 404, "animateur_loin": 404,
            "coordination": 200, "coordination_loin": 404, "conseiller": 404, "conseiller_loin": 404, "admin": 200}


def _revoke_owner_badge(ids: dict[str, Any]) -> None:
    revoke(db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.uid == ids["abadge"])), "test")


def _give_wifi(ids: dict[str, Any]) -> None:
    session = db.session.get(TrainingSession, ids["live"])
    session.wifi_ssid, session.wifi_password = "Salle 2", "motdepasse"
    db.session.commit()


CASES = [
    # The animator's space.
    Case("animator.dashboard", "GET", "/animateur/", animator_space(200, others=200, coordinator=302, counselor=302)),
    Case("animator.new_group", "GET", "/animateur/groupes/nouveau", animator_space(200, others=200)),
    Case("animator.new_group", "POST", "/animateur/groupes/nouveau", animator_space(302, others=302),
         {"name": "Groupe du jeudi"}),
    Case("animator.group", "GET", "/animateur/groupes/{group}", animator_space(200)),
    Case("animator.group", "POST", "/animateur/groupes/{group}", animator_space(302), {"nickname": "Yasmine"}),
    Case("sessions.new_session", "GET", "/animateur/seances/nouvelle", animator_space(200, others=200)),
    Case("sessions.new_session", "POST", "/animateur/seances/nouvelle", animator_space(302, others=200),
         {"group": "{group}", "module": SLUGS[0], "day": "2026-12-01"}),  # another's group: not a valid choice
    Case("sessions.session", "GET", "/animateur/seances/{session}", animator_space(200)),
    Case("sessions.start", "POST", "/animateur/seances/{planned}/demarrer", animator_space(302)),
    Case("sessions.end", "POST", "/animateur/seances/{live}/terminer", animator_space(302)),
    Case("sessions.projector", "GET", "/animateur/seances/{live}/projection", animator_space(200)),
    Case("sessions.presenter", "GET", "/animateur/seances/{live}/presentateur", animator_space(200)),
    Case("sessions.qr_code", "GET", "/animateur/seances/{live}/qr.svg", animator_space(200)),
    Case("sessions.set_wifi", "POST", "/animateur/seances/{live}/wifi", animator_space(302),
         {"wifi_ssid": "Salle 3", "wifi_password": ""}),
    Case("sessions.wifi_qr", "GET", "/animateur/seances/{live}/wifi.svg", animator_space(200), prepare=_give_wifi),
    Case("sessions.sheet", "GET", "/animateur/seances/{session}/fiche", animator_space(200)),
    Case("sessions.script", "GET", "/animateur/seances/{session}/trame", animator_space(200)),
    Case("sessions.correct_attendance", "POST", "/animateur/seances/{session}/presences", animator_space(302),
         {"present": ["{participant}"], "minutes": "200"}),
    # The sign-in sheets (feuilles d'émargement): the session's animator and admins.
    Case("signin.sheet", "GET", "/animateur/seances/{session}/emargement", animator_space(200)),
    Case("signin.offer_sheet", "GET", "/animateur/offres/{sheet_offer}/demi-journees/1/emargement",
         animator_space(200)),
    # A session's results page and CSV (issue 17): the session's animator and admins.
    Case("results.page", "GET", "/animateur/seances/{session}/resultats", animator_space(200)),
    Case("results.export", "GET", "/animateur/seances/{session}/resultats.csv", animator_space(200)),
    # Progress, and the participants' badges.
    Case("progress.index", "GET", "/progression/", animator_space(200, others=200)),
    Case("progress.group", "GET", "/progression/groupes/{group}", animator_space(200)),
    Case("progress.participant", "GET", "/progression/participants/{participant}", animator_space(200)),
    Case("progress.observe", "POST", "/progression/participants/{participant3}/competences", animator_space(302),
         {"competence-wifi": "seul"}),
    Case("progress.issue", "POST", "/progression/participants/{participant2}/badge", animator_space(302),
         {"name": "Bruno B."}),
    Case("progress.revoke_badge", "POST", "/progression/participants/{participant}/badges/{pbadge}/retirer",
         animator_space(302), {"reason": "Erreur"}),
    Case("progress.erase", "POST", "/progression/participants/{participant3}/effacer", animator_space(302),
         {"confirm": "y"}),
    # Coordination.
    Case("coordinator.index", "GET", "/coordination/", coordination(200, far=200)),
    Case("coordinator.animator", "GET", "/coordination/animateurs/{animator}", coordination(200)),
    Case("coordinator.record_training", "POST", "/coordination/animateurs/{animator}/formation", coordination(302),
         {"training_day": "2026-10-01"}),
    Case("coordinator.record_observation", "POST", "/coordination/animateurs/{animator}/observation",
         coordination(302), {"session": "{session}"}),
    Case("coordinator.delete_record", "POST", "/coordination/animateurs/{animator}/releves/{record}/supprimer",
         coordination(302)),
    Case("coordinator.issue", "POST", "/coordination/animateurs/{animator}/badge", coordination(302),
         prepare=_revoke_owner_badge),
    Case("coordinator.revoke_badge", "POST", "/coordination/animateurs/{animator}/badges/{abadge}/retirer",
         coordination(302), {"reason": "Erreur"}),
    Case("reports.monthly", "GET", "/coordination/rapport/", coordination(200, far=200)),
    Case("reports.monthly", "GET", "/coordination/rapport/?structure={siae}", coordination(200), name="structure"),
    Case("reports.monthly_csv", "GET", "/coordination/rapport/csv?structure={siae}", coordination(200)),
    # The programme's evaluation: coordinators (their region's SIAE) and admins; animators and counselors 403.
    Case("evaluation.page", "GET", "/coordination/evaluation/", coordination(200, far=200)),
    Case("evaluation.page", "GET", "/coordination/evaluation/?structure={siae}", coordination(200), name="structure"),
    Case("evaluation.aggregates_csv", "GET", "/coordination/evaluation/chiffres.csv", coordination(200, far=200)),
    Case("evaluation.items_csv", "GET", "/coordination/evaluation/questions.csv?structure={siae}", coordination(200)),
    # Structures and accounts.
    Case("admin.index", "GET", "/admin/", admin_only(200)),
    Case("admin.new_siae", "GET", "/admin/structures/nouvelle", admin_only(200)),
    Case("admin.new_siae", "POST", "/admin/structures/nouvelle", admin_only(302),
         {"name": "Nouvelle", "region": "Bretagne", "kind": "GEIQ"}),
    Case("admin.edit_siae", "GET", "/admin/structures/{siae}", admin_only(200)),
    Case("admin.edit_siae", "POST", "/admin/structures/{siae}", admin_only(302),
         {"name": "Régie A bis", "region": "Hauts-de-France", "kind": "ACI"}),
    Case("admin.new_user", "GET", "/admin/comptes/nouveau", admin_only(200)),
    Case("admin.new_user", "POST", "/admin/comptes/nouveau", admin_only(302),
         {"email": "nouveau@test.fr", "name": "Nouveau", "role": "animator", "siae": "{siae}", "region": "",
          "active": "y", "password": "un-mot-de-passe"}),
    Case("admin.edit_user", "GET", "/admin/comptes/{other}", admin_only(200)),
    Case("admin.edit_user", "POST", "/admin/comptes/{other}", admin_only(302),
         {"email": "autre@test.fr", "name": "Autre", "role": "coordinator", "siae": "{siae}",
          "region": "Hauts-de-France", "active": "y", "password": ""}),
    # The diagnostic: a counselor's own SIAE's employees (names), and admins.
    Case("diagnostic.index", "GET", "/diagnostic/", counselor_space(200, far=200)),
    Case("diagnostic.new_employee", "GET", "/diagnostic/salaries/nouveau", counselor_space(200, far=200)),
    Case("diagnostic.new_employee", "POST", "/diagnostic/salaries/nouveau", counselor_space(302, far=302),
         {"first_name": "Yasmine", "family_initial": "T", "pathway_month": "2026-10", "consent": "y"}),
    Case("diagnostic.employee", "GET", "/diagnostic/salaries/{employee}", counselor_space(200)),
    Case("diagnostic.edit_employee", "GET", "/diagnostic/salaries/{employee}/modifier", counselor_space(200)),
    Case("diagnostic.edit_employee", "POST", "/diagnostic/salaries/{employee}/modifier", counselor_space(302),
         {"first_name": "Karim", "family_initial": "C", "pathway_month": "2026-09", "notes": ""}),
    Case("diagnostic.erase_employee", "POST", "/diagnostic/salaries/{employee3}/effacer", counselor_space(302),
         {"confirm": "y"}),
    Case("interview.start", "POST", "/diagnostic/salaries/{employee}/entretien", counselor_space(302)),
    Case("interview.resume", "GET", "/diagnostic/entretiens/{ongoing}", counselor_space(302)),
    Case("interview.step", "GET", "/diagnostic/entretiens/{ongoing}/etapes/smartphone", counselor_space(200)),
    Case("interview.step", "POST", "/diagnostic/entretiens/{ongoing}/etapes/smartphone", counselor_space(302),
         {"valeur": "oui"}),
    Case("interview.summary", "GET", "/diagnostic/entretiens/{done}/synthese", counselor_space(200)),
    Case("interview.override", "POST", "/diagnostic/entretiens/{done}/orientation", counselor_space(302),
         {"recommendation": "non_necessaire", "override_reason": "Déjà formé ailleurs"}),
    # Convocations: the SIAE animatrice's accounts (A), the employee's SIAE's counselor (A too), admins.
    Case("convocation.enrolment", "GET", "/formations/convocations/{conv_enrolment}", convocations()),
    Case("convocation.offer", "GET", "/formations/offres/{conv_offer}/convocations", convocations()),
    Case("convocation.calendar", "GET", "/formations/offres/{conv_offer}/calendrier.ics", convocations()),
    # The outbox.
    Case("outbox.index", "GET", "/admin/courriels/", admin_only(200)),
    Case("outbox.test", "POST", "/admin/courriels/essai", admin_only(302), {"address": "essai@test.fr"}),
    # Courses between SIAE: SIAE A gives them (its animators publish), its counselor enrols (docs/courses.md).
    Case("courses.index", "GET", "/formations/", {role: 200 for role in ROLES} | {"anonyme": LOGIN}),
    Case("courses.new_offer", "GET", "/formations/nouvelle", {role: 403 for role in ROLES} | {
        "anonyme": LOGIN, "proprietaire": 200, "autre_animateur": 200, "admin": 200}),
    Case("courses.new_offer", "POST", "/formations/nouvelle", {role: 403 for role in ROLES} | {
        "anonyme": LOGIN, "proprietaire": 302, "autre_animateur": 302, "admin": 302}, offer_form("{animator}")),
    Case("courses.offer", "GET", "/formations/{offer}", offers_region()),
    Case("enrolments.enrol_employee", "POST", "/formations/{offer}/inscrire", offers_region(403) | {
        "conseiller": 302, "admin": 302}, {"employee": "{enrolable}"}),
    Case("enrolments.cancel_enrolment", "POST", "/formations/inscriptions/{enrolment}/annuler", offers_region(302) | {
        "coordination": 404}, {"reason": "malade", "note": "grippe"}),
    Case("enrolments.cancel_offer_page", "POST", "/formations/{offer}/annuler", offers_region(403) | {
        "proprietaire": 302, "autre_animateur": 302, "admin": 302}, {"confirm": "y", "note": "Salle fermée"}),
    # Certificates.
    Case("badges.certificate", "GET", "/badges/certificats/{abadge}", whoever_sees_the_badge()),
    Case("badges.certificate", "GET", "/badges/certificats/{pbadge}", whoever_sees_the_badge(), name="participant"),
]
PUBLIC_ENDPOINTS = {"badges.issuer_profile", "badges.badge_class", "badges.criteria", "badges.class_png",
                    "badges.class_svg", "badges.assertion_json", "badges.baked_png", "badges.baked_svg",
                    "badges.credential_json", "badges.credential_png", "badges.key", "badges.verify"}
GUARDED = ("animator.", "sessions.", "signin.", "results.",  # results: issue 17
           "progress.", "coordinator.", "reports.", "admin.", "badges.",
           "diagnostic.", "interview.", "convocation.", "outbox.", "evaluation.", "courses.", "enrolments.")


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """Put the world's ids into a URL or form value."""
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value.format(**ids) if isinstance(value, str) else value


@dataclass
class World:
    """An app and the ids of its objects."""

    app: Flask
    ids: dict[str, Any]

    def request(self, case: Case, role: str) -> Any:
        """Send the case's request as this role."""
        client = self.app.test_client()
        if role != "anonyme":
            login(client, EMAILS[role])
        url = fill(case.url, self.ids)
        if case.method == "GET":
            return client.get(url)
        return client.post(url, data={k: fill(v, self.ids) for k, v in case.data.items()})


def new_world(tmp_path: Path, databases: Databases) -> World:
    """A fresh copy of the seeded database with the world in it."""
    app = make_app(databases.seeded())
    return World(app, build_world(app, tmp_path))


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[World]:
    """One world for every refusal (refusals change nothing)."""
    world = new_world(tmp_path_factory.mktemp("roles"), databases)
    yield world
    release(world, databases)


def release(world: World, databases: Databases) -> None:
    """Close a world's connections and drop its database."""
    url = str(world.app.config["SQLALCHEMY_DATABASE_URI"])
    dispose(world.app)
    databases.release(url)


def case_id(case: Case) -> str:
    """A readable test id."""
    return f"{case.method} {case.endpoint}{'-' + case.name if case.name else ''}"


def check(response: Any, expected: int | str) -> None:
    """The response is the expected status (or a redirect to the sign-in page)."""
    if expected == LOGIN:
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:1500]
        if expected == 302:
            assert "/connexion" not in response.headers["Location"]


DENIALS = [(case, role) for case in CASES for role in ROLES if case.expected[role] in (LOGIN, 403, 404)]
ALLOWED = [(case, role) for case in CASES for role in ROLES if case.expected[role] not in (LOGIN, 403, 404)]


@pytest.mark.parametrize(("case", "role"), DENIALS, ids=[f"{case_id(c)}-{r}" for c, r in DENIALS])
def test_refused(shared_world: World, case: Case, role: str) -> None:
    check(shared_world.request(case, role), case.expected[role])


@pytest.mark.parametrize(("case", "role"), ALLOWED, ids=[f"{case_id(c)}-{r}" for c, r in ALLOWED])
def test_allowed(tmp_path: Path, databases: Databases, shared_world: World, case: Case, role: str) -> None:
    world = shared_world if case.method == "GET" else new_world(tmp_path, databases)
    if case.prepare:
        with world.app.app_context():
            case.prepare(world.ids)
    try:
        check(world.request(case, role), case.expected[role])
    finally:
        if world is not shared_world:
            release(world, databases)


def test_refusals_changed_nothing(shared_world: World) -> None:
    with shared_world.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AnimatorRecord)) == 2
        assert all(not b.revoked for b in db.session.scalars(sa.select(BadgeAssertion)))
        assert db.session.scalar(sa.select(User).where(User.email == "autre@test.fr")).role == "animator"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee).where(
            Employee.erased_at.is_not(None))) == 0
        assert db.session.get(Diagnostic, shared_world.ids["done"]).override_recommendation is None
        assert db.session.get(Diagnostic, shared_world.ids["ongoing"]).current_step == "smartphone"


def test_every_page_and_action_is_in_the_matrix(app: Flask) -> None:
    covered = {(c.endpoint, c.method) for c in CASES}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(GUARDED) or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{method} {rule.rule} ({rule.endpoint}) n'est pas testé"


def test_public_badge_pages_need_no_account(shared_world: World) -> None:
    client = shared_world.app.test_client()
    ids = shared_world.ids
    for url in ("/badges/emetteur", "/badges/classes/animateur-numerique-pair",
                "/badges/classes/animateur-numerique-pair/criteres",
                "/badges/classes/premiers-pas-smartphone/image.png",
                "/badges/classes/premiers-pas-smartphone/image.svg", f"/badges/assertions/{ids['pbadge']}",
                f"/badges/assertions/{ids['pbadge']}/badge.png", f"/badges/assertions/{ids['pbadge']}/badge.svg",
                f"/badges/credentials/{ids['pbadge']}", f"/badges/credentials/{ids['pbadge']}/badge.png",
                f"/badges/verifier/{ids['pbadge']}"):
        assert client.get(url).status_code == 200, url
    covered = {"issuer_profile", "badge_class", "criteria", "class_png", "class_svg", "assertion_json", "baked_png",
               "baked_svg", "credential_json", "credential_png", "verify", "key"}
    assert {f"badges.{name}" for name in covered} == PUBLIC_ENDPOINTS


def test_courses_data_minimisation(shared_world: World) -> None:
    """The SIAE animatrice's animators see first name + initial and the counselor's contact, never a diagnostic."""
    offer = f"/formations/{shared_world.ids['offer']}"
    seen = {}
    for role in ("proprietaire", "coordination", "conseiller", "admin"):
        client = shared_world.app.test_client()
        login(client, EMAILS[role])
        seen[role] = client.get(offer).get_data(as_text=True)
    assert "Karim B." in seen["proprietaire"] and EMAILS["conseiller"] in seen["proprietaire"]
    assert "/diagnostic/" not in seen["proprietaire"] and "orienté" not in seen["proprietaire"]
    assert "Karim" not in seen["coordination"]  # the figures' people: places only
    assert "/diagnostic/salaries/" in seen["conseiller"] and "/diagnostic/salaries/" in seen["admin"]
