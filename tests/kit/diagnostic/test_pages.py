"""The counselor's pages: records, the interview step by step, the result, erasure, retention, the figures."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import Diagnostic, DiagnosticAnswer, Employee, Role, TaskObservation, User
from kit.people.demo import DEMO_COUNSELOR_EMAIL, DEMO_COUNSELOR_PASSWORD, create_demo
from tests.factories import login, make_user
from tests.histories import make_coordinator, make_siae
from tests.kit.diagnostic.support import make_counselor, make_diagnostic, make_employee

ANSWERS = {"smartphone": "oui", "systeme": "android", "forfait": "oui", "wifi_maison": "non",
           "compte_google": "mot_de_passe_oublie", "usages": ["appels", "messagerie"], "prefere": "photos_videos",
           "deverrouiller": "seul", "wifi": "avec_aide", "navigateur": "avec_aide", "recherche": "pas_encore",
           "application": "pas_encore", "francais": "oui", "disponibilite": "oui"}


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        siae_a, siae_b = make_siae("Régie A"), make_siae("Chantier B", region="Bretagne")
        make_counselor("cip@test.fr", siae_a)
        make_counselor("cip-b@test.fr", siae_b)
        make_coordinator()
        karim = make_employee(siae_a)
        other = make_employee(siae_b, "Lucie", "M")
        return {"siae": siae_a.id, "siae_b": siae_b.id, "karim": karim.id, "other": other.id}


def plain(response: object) -> str:
    """A page's text with its HTML entities decoded (French apostrophes are escaped)."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def run_interview(client: FlaskClient, employee_id: int, answers: dict[str, object] = ANSWERS) -> str:
    """Answer every step shown, one POST each; the summary's URL."""
    location = client.post(f"/diagnostic/salaries/{employee_id}/entretien").headers["Location"]
    location = client.get(location).headers["Location"]
    while "/etapes/" in location:
        step = location.rsplit("/", 1)[1]
        assert client.get(location).status_code == 200
        response = client.post(location, data={"valeur": answers[step], "action": "valider"})
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
    return location


def test_a_record_needs_the_consent_line(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    data = {"first_name": "<script>Zoé</script>", "family_initial": "d", "pathway_month": "2026-10", "notes": ""}
    refused = client.post("/diagnostic/salaries/nouveau", data=data)
    assert refused.status_code == 200 and "sans son accord, rien n'est enregistré" in plain(refused)
    assert "&lt;script&gt;Zoé&lt;/script&gt;" in refused.get_data(as_text=True)  # nothing typed is lost
    created = client.post("/diagnostic/salaries/nouveau", data={**data, "consent": "y"})
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;Zoé&lt;/script&gt; D." in page and "<script>Zoé" not in page
    with app.app_context():
        employee = db.session.scalar(sa.select(Employee).where(Employee.family_initial == "D"))
        assert employee.siae_id == world["siae"] and employee.pathway_month == date(2026, 10, 1)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("family_initial", "Dupont", "Une seule lettre"), ("pathway_month", "10/2026", "AAAA-MM"),
    ("pathway_month", "2999-01", "dans le futur"), ("first_name", "", "Indiquez le prénom")])
def test_a_bad_record_gets_a_french_message(client: FlaskClient, world: dict[str, int], field: str, value: str,
                                            message: str) -> None:
    login(client, "cip@test.fr")
    data = {"first_name": "Awa", "family_initial": "K", "pathway_month": "2026-10", "consent": "y", field: value}
    response = client.post("/diagnostic/salaries/nouveau", data=data)
    assert response.status_code == 200 and message in plain(response)


def test_a_whole_interview(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    summary = run_interview(client, world["karim"])
    page = client.get(summary).get_data(as_text=True)
    assert "Débutant·e" in page and "Orienter vers la formation de 14 h" in page
    assert "Appeler, WhatsApp, Messenger ou autre" in page and "Module 3 — Rechercher une information" in page
    with app.app_context():
        diagnostic = db.session.scalar(sa.select(Diagnostic))
        assert (diagnostic.level, diagnostic.recommendation, diagnostic.current_step) == ("debutant", "formation", None)
        observed = dict(db.session.execute(sa.select(TaskObservation.task_id, TaskObservation.result)).all())
        assert observed == {k: ANSWERS[k] for k in ("deverrouiller", "wifi", "navigateur", "recherche", "application")}
    dashboard = plain(client.get("/diagnostic/"))
    assert "Karim B." in dashboard and "En attente d'une formation" in dashboard


def test_an_interrupted_interview_resumes_where_it_was(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    start = client.post(f"/diagnostic/salaries/{world['karim']}/entretien").headers["Location"]
    first = client.get(start).headers["Location"]
    assert client.post(first, data={"valeur": "oui"}).status_code == 302
    client.post(first.replace("smartphone", "systeme"), data={"valeur": "iphone_compte"})
    # The tab was closed: the employee's page offers to resume, and resuming lands on the third step.
    assert "Reprendre l'entretien en cours" in plain(client.get(f"/diagnostic/salaries/{world['karim']}"))
    again = client.post(f"/diagnostic/salaries/{world['karim']}/entretien").headers["Location"]
    assert again == start
    assert client.get(again).headers["Location"].endswith("/etapes/forfait")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Diagnostic)) == 1
        assert dict(db.session.execute(sa.select(DiagnosticAnswer.question_id, DiagnosticAnswer.value)).all()) == {
            "smartphone": "oui", "systeme": "iphone_compte"}


def test_skip_back_and_a_bad_answer(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    start = client.get(client.post(f"/diagnostic/salaries/{world['karim']}/entretien").headers["Location"])
    step = start.headers["Location"]
    bad = client.post(step, data={"valeur": "peut-être"})
    assert bad.status_code == 422 and "Choisissez une des réponses proposées" in bad.get_data(as_text=True)
    assert client.post(step, data={"action": "passer"}).headers["Location"].endswith("/etapes/systeme")
    back = client.post(step.replace("smartphone", "systeme"), data={"action": "retour"})
    assert back.headers["Location"].endswith("/etapes/smartphone")
    # A step that the answers hide is not reachable by its URL: back to where the interview is.
    client.post(step, data={"valeur": "non"})
    assert client.get(step.replace("smartphone", "deverrouiller")).headers["Location"].endswith(
        f"/entretiens/{step.split('/')[-3]}")


def test_no_smartphone_skips_the_tasks_and_asks_for_a_prior_step(client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    summary = run_interview(client, world["karim"], {"smartphone": "non", "wifi_maison": "non", "francais": "oui",
                                                     "disponibilite": "oui"})
    page = plain(client.get(summary))
    assert "D'abord une étape préalable" in page and "Emmaüs Connect" in page


def test_the_counselor_overrides_with_a_reason(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    summary = run_interview(client, world["karim"])
    url = summary.replace("/synthese", "/orientation")
    refused = client.post(url, data={"recommendation": "non_necessaire", "override_reason": " "})
    assert refused.status_code == 422 and "Indiquez pourquoi" in plain(refused)
    assert client.post(url, data={"recommendation": "non_necessaire",
                                  "override_reason": "Déjà suivi ailleurs"}).status_code == 302
    page = client.get(summary).get_data(as_text=True)
    assert "Déjà suivi ailleurs" in page and "La trame proposait" in page
    with app.app_context():
        diagnostic = db.session.scalar(sa.select(Diagnostic))
        assert diagnostic.final_recommendation == "non_necessaire" and diagnostic.recommendation == "formation"


def test_another_siaes_employee_is_not_reachable(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        theirs = make_diagnostic(db.session.get(Employee, world["other"])).id
    login(client, "cip@test.fr")
    other = world["other"]
    for url in (f"/diagnostic/salaries/{other}", f"/diagnostic/salaries/{other}/modifier",
                f"/diagnostic/entretiens/{theirs}", f"/diagnostic/entretiens/{theirs}/synthese",
                f"/diagnostic/entretiens/{theirs}/etapes/smartphone"):
        assert client.get(url).status_code == 404, url
    for url in (f"/diagnostic/salaries/{other}/entretien", f"/diagnostic/salaries/{other}/effacer",
                f"/diagnostic/entretiens/{theirs}/orientation"):
        assert client.post(url, data={"confirm": "y", "recommendation": "formation"}).status_code == 404, url
    assert "Lucie" not in client.get("/diagnostic/").get_data(as_text=True)


def test_erasure_keeps_only_anonymous_counts(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        make_diagnostic(db.session.get(Employee, world["karim"]))
    login(client, "cip@test.fr")
    url = f"/diagnostic/salaries/{world['karim']}/effacer"
    assert client.post(url).status_code == 302  # not confirmed: nothing happens
    assert client.get(f"/diagnostic/salaries/{world['karim']}").status_code == 200
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    assert client.get(f"/diagnostic/salaries/{world['karim']}").status_code == 404
    assert "Karim" not in client.get("/diagnostic/").get_data(as_text=True)
    with app.app_context():
        employee = db.session.get(Employee, world["karim"])
        assert (employee.first_name, employee.family_initial, employee.notes) == ("", "", None)
        from kit.diagnostic.figures import counts

        assert counts([world["siae"]], 2026, 11).diagnosed == 1


def test_the_retention_command_anonymises_old_records(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        old = db.session.get(Employee, world["karim"])
        old.last_activity_at = datetime.now(UTC) - timedelta(days=25 * 31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["diagnostic", "anonymise"])
    assert result.exit_code == 0 and "1 fiche(s)" in result.output
    with app.app_context():
        assert db.session.get(Employee, world["karim"]).erased_at is not None
        assert db.session.get(Employee, world["other"]).erased_at is None
    assert "0 fiche(s)" in app.test_cli_runner().invoke(args=["diagnostic", "anonymise", "--months", "1"]).output


def test_a_rediagnosis_shows_before_and_after(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        karim = db.session.get(Employee, world["karim"])
        make_diagnostic(karim)
        make_diagnostic(karim, datetime(2026, 12, 2, 10, tzinfo=UTC), ("seul", "seul", "seul", "avec_aide", "seul"),
                        level="presque_autonome", recommendation="formation")
    login(client, "cip@test.fr")
    page = client.get(f"/diagnostic/salaries/{world['karim']}").get_data(as_text=True)
    assert "Avant et après" in page and "Refaire un diagnostic" in page
    assert page.count("En progrès") == 4 + 1 and page.count("Pareil") == 1  # the level, then 4 tasks of 5


def test_the_monthly_csv_counts_diagnosed_and_oriented(app: Flask, client: FlaskClient,
                                                       world: dict[str, int]) -> None:
    with app.app_context():
        karim = db.session.get(Employee, world["karim"])
        make_diagnostic(karim, datetime(2026, 11, 3, 9, tzinfo=UTC))
        make_diagnostic(karim, datetime(2026, 11, 20, 9, tzinfo=UTC))  # twice in the month: one person
        make_diagnostic(make_employee(db.session.get(Employee, world["karim"]).siae, "Awa"),
                        datetime(2026, 11, 30, 23, tzinfo=UTC), level="autonome", recommendation="non_necessaire")
        make_diagnostic(make_employee(karim.siae, "Bintou"), datetime(2026, 12, 1, 8, tzinfo=UTC))
        make_diagnostic(db.session.get(Employee, world["other"]), datetime(2026, 11, 5, 9, tzinfo=UTC))
    login(client, "coord@test.fr")
    response = client.get(f"/coordination/rapport/csv?structure={world['siae']}&mois=2026-11")
    row = next(csv.DictReader(io.StringIO(response.get_data(as_text=True)[1:]), delimiter=";"))
    assert (row["salaries_diagnostiques"], row["salaries_orientes"]) == ("2", "1")
    screen = client.get(f"/coordination/rapport/?structure={world['siae']}&mois=2026-11").get_data(as_text=True)
    assert "Salariés diagnostiqués" in screen
    coordination = plain(client.get("/coordination/"))
    assert "Diagnostics d'autonomie numérique" in coordination
    assert "Karim" not in coordination and "Awa" not in coordination


def test_the_dashboard_shows_levels_as_a_chart_and_a_table(app: Flask, client: FlaskClient,
                                                           world: dict[str, int]) -> None:
    with app.app_context():
        make_diagnostic(db.session.get(Employee, world["karim"]), datetime.now(UTC))
    login(client, "cip@test.fr")
    page = client.get("/diagnostic/").get_data(as_text=True)
    assert '<svg class="bars" role="img"' in page and "Débutant·e : 1." in page
    assert '<th scope="row">Débutant·e</th><td class="num">1</td>' in page
    assert ' style="' not in page and "<script>" not in page and " onclick" not in page


def test_the_time_of_a_step_is_capped(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    login(client, "cip@test.fr")
    step = client.get(client.post(f"/diagnostic/salaries/{world['karim']}/entretien").headers["Location"])
    with app.app_context():
        diagnostic = db.session.scalar(sa.select(Diagnostic))
        diagnostic.last_step_at = datetime.now(UTC) - timedelta(hours=3)  # a long pause
        db.session.commit()
    assert "Temps : 3 min 00 s" in client.get(step.headers["Location"]).get_data(as_text=True)
    client.post(step.headers["Location"], data={"valeur": "oui"})
    with app.app_context():
        assert db.session.scalar(sa.select(Diagnostic.active_seconds)) == 180


def test_the_admin_creates_a_counselor_of_one_siae(app: Flask, client: FlaskClient, world: dict[str, int]) -> None:
    with app.app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
    login(client, "admin@test.fr")
    data = {"email": "nouvelle-cip@test.fr", "name": "Nouvelle CIP", "role": "conseiller", "siae": "0",
            "region": "", "active": "y", "password": "un-mot-de-passe"}
    refused = client.post("/admin/comptes/nouveau", data=data)
    assert refused.status_code == 200 and "choisissez-la" in plain(refused)
    assert client.post("/admin/comptes/nouveau", data={**data, "siae": str(world["siae"])}).status_code == 302
    cip = app.test_client()
    assert cip.post("/connexion", data={"email": "nouvelle-cip@test.fr", "password": "un-mot-de-passe"}
                    ).status_code == 302
    assert cip.get("/animateur/").headers["Location"].endswith("/diagnostic/")
    assert "Karim B." in plain(cip.get("/diagnostic/"))


def test_the_demo_has_a_counselor_and_an_employee(app: Flask) -> None:
    with app.app_context():
        create_demo()
        create_demo()  # twice: nothing doubled (the other SIAE's employees are the courses' demo: tests/kit/courses)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee).where(
            Employee.siae_id == db.session.scalar(sa.select(User.siae_id).where(User.email == DEMO_COUNSELOR_EMAIL))
        )) == 1
    client = app.test_client()
    response = client.post("/connexion", data={"email": DEMO_COUNSELOR_EMAIL, "password": DEMO_COUNSELOR_PASSWORD})
    assert response.status_code == 302
    assert "Karim B." in plain(client.get("/diagnostic/"))
