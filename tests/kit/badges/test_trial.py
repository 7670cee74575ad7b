"""Issue 17, item 10: issuing a badge says first when it cannot work, and a demo instance issues trial badges.

The notice comes before any form (progress and coordination pages); `flask setup --demo` marks the instance
(instance/demo) so that, without PUBLIC_BASE_URL, its badges are issued on http://localhost:PORT and say on each
page that they cannot be verified off this computer; an instance not marked so issues none.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.badges.issuance import readiness
from kit.extensions import db
from kit.models import BadgeAssertion, RecordKind
from kit.ops.instance import is_demo
from tests.factories import login, make_user
from tests.histories import enable_badges, make_animator_group, make_coordinator, make_siae, observe, record, run_course

ISSUE_FORM = re.compile(r'action="/progression/participants/\d+/badge"')
ANIMATOR_FORM = re.compile(r'action="/coordination/animateurs/\d+/badge"')


def text(response: object) -> str:
    """A page, entities decoded."""
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def ids(app: Flask, tmp_path: Path) -> dict[str, int]:
    """A participant who earned their badge, and an animator who earned theirs (recorded by the coordinator)."""
    app.config["BADGE_SIGNING_KEY_FILE"] = str(tmp_path / "badge_key.pem")
    with app.app_context():
        animator = make_user(siae=make_siae())
        group = make_animator_group(animator, size=6)
        sessions = run_course(group)
        observe(group.participants[0])
        coordinator = make_coordinator("coord@test.fr", "Hauts-de-France")
        record(animator, RecordKind.TRAINING, coordinator)
        record(animator, RecordKind.OBSERVATION, coordinator, sessions[1])
        return {"person": group.participants[0].id, "group": group.id, "animator": animator.id}


def test_without_a_public_address_the_pages_say_so_before_any_form(app: Flask, client: FlaskClient,
                                                                   ids: dict[str, int]) -> None:
    login(client)
    for url in (f"/progression/participants/{ids['person']}", f"/progression/groupes/{ids['group']}"):
        page = text(client.get(url))
        assert 'id="badges-impossibles"' in page, url
        assert "PUBLIC_BASE_URL" in page and "flask --app kit setup --demo" in page, url
        assert not ISSUE_FORM.search(page), url  # no form offered as if it would work
    coordination = app.test_client()
    login(coordination, "coord@test.fr")
    page = text(coordination.get(f"/coordination/animateurs/{ids['animator']}"))
    assert "Tous les critères sont remplis" in page and 'id="badges-impossibles"' in page
    assert not ANIMATOR_FORM.search(page)
    enable_badges(app, tmp_path=Path(app.config["BADGE_SIGNING_KEY_FILE"]).parent)
    page = text(coordination.get(f"/coordination/animateurs/{ids['animator']}"))
    assert ANIMATOR_FORM.search(page) and "badges-impossibles" not in page and "badges-essai" not in page


def test_an_issuer_email_missing_is_said_first_too(app: Flask, client: FlaskClient, ids: dict[str, int]) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://kit.exemple.fr"
    login(client)
    page = text(client.get(f"/progression/participants/{ids['person']}"))
    assert "BADGE_ISSUER_EMAIL" in page and not ISSUE_FORM.search(page)


def test_a_demo_instance_issues_trial_badges_that_say_so(app: Flask, client: FlaskClient,
                                                         ids: dict[str, int]) -> None:
    app.config["BADGES_TRIAL"] = True
    login(client)
    url = f"/progression/participants/{ids['person']}"
    page = text(client.get(url))
    assert 'id="badges-essai"' in page and "non vérifiables hors de cet ordinateur" in page
    assert "http://localhost:5000" in page and ISSUE_FORM.search(page)
    assert client.post(f"{url}/badge", data={"name": "Awa Essai"}).status_code == 302
    with app.app_context():
        badge = db.session.scalar(sa.select(BadgeAssertion))
        credential = json.loads(badge.credential)
    assert credential["id"].startswith("http://localhost:5000/badges/credentials/")
    assert credential["issuer"]["name"].endswith("(essai, non vérifiable)")
    assert credential["issuer"]["email"] == "badges-essai@example.org" or "email" not in credential["issuer"]
    assert "Badge d'essai" in text(client.get(url))  # beside the badge issued
    verify = text(client.get(f"/badges/verifier/{badge.uid}"))
    assert "Badge d'essai : non vérifiable hors de cet ordinateur." in verify
    assert "authentique" not in verify  # a trial badge proves nothing
    certificate = text(client.get(f"/badges/certificats/{badge.uid}"))
    assert "Badge d'essai : non vérifiable hors de cet ordinateur." in certificate


def test_a_public_address_wins_over_the_demo_mark(app: Flask, client: FlaskClient, ids: dict[str, int],
                                                  tmp_path: Path) -> None:
    """A demo instance given its real address issues real badges, with no trial warning."""
    enable_badges(app, tmp_path)
    app.config["BADGES_TRIAL"] = True
    login(client)
    url = f"/progression/participants/{ids['person']}"
    assert "badges-essai" not in text(client.get(url))
    assert client.post(f"{url}/badge", data={}).status_code == 302
    with app.app_context():
        badge = db.session.scalar(sa.select(BadgeAssertion))
        assert json.loads(badge.credential)["id"].startswith("https://kit.example.org/")
    assert "Badge d'essai" not in text(client.get(f"/badges/verifier/{badge.uid}"))


def test_production_never_issues_on_localhost(app: Flask, client: FlaskClient, ids: dict[str, int]) -> None:
    """Not a demo instance: a forged click is refused, and nothing is issued on the laptop's address."""
    assert app.config["BADGES_TRIAL"] is False
    login(client)
    response = client.post(f"/progression/participants/{ids['person']}/badge", data={})
    assert response.status_code == 400 and "PUBLIC_BASE_URL" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeAssertion)) == 0
        assert readiness().problem and not readiness().trial


def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **environ: str) -> Flask:
    """An app built as a start builds it, on an instance folder of its own."""
    from kit import create_app

    for name in ("BADGES_TRIAL", "PUBLIC_BASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kit.sqlite3'}", "SECRET_KEY": "x"})


def test_the_demo_mark_is_read_at_each_start_and_the_environment_has_the_last_word(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bare(tmp_path, monkeypatch).config["BADGES_TRIAL"] is False  # a production instance: off
    (tmp_path / "instance" / "demo").write_text("démo")
    started = bare(tmp_path, monkeypatch, PORT="8123")
    assert started.config["BADGES_TRIAL"] is True and started.config["BADGES_TRIAL_URL"] == "http://localhost:8123"
    assert bare(tmp_path, monkeypatch, BADGES_TRIAL="false").config["BADGES_TRIAL"] is False


def test_setup_demo_marks_the_instance_and_the_demo_badges_are_trial_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = bare(tmp_path, monkeypatch)
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert is_demo(tmp_path / "instance") and "Badges d'essai (démonstration)" in result.output
    assert "http://localhost:5000" in result.output
    with app.app_context():
        badges = db.session.scalars(sa.select(BadgeAssertion)).all()
        assert badges, "le premier groupe de la démonstration reçoit ses badges d'essai"
        assert all(json.loads(b.credential)["id"].startswith("http://localhost:5000/") for b in badges)
    again = bare(tmp_path, monkeypatch)  # the next start, as `python run.py` after the README's command
    assert again.config["BADGES_TRIAL"] is True
