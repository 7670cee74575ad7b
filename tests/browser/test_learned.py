"""In Chromium, on phones (393 × 727): at the end of module 4, each phone opens « Ce que j'ai appris »,
its own participant's, with the badge once issued; axe finds nothing. Screenshots: test-artifacts/appris-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kit.badges.issuance import issue_participant_badge
from kit.extensions import db
from tests.browser.helpers import AXE, PHONE, describe
from tests.conftest import free_port, make_app
from tests.databases import Databases
from tests.factories import PASSWORD, make_user
from tests.histories import SLUGS, enable_badges, make_animator_group, make_siae, observe, run_course, run_session
from tests.servers import AppServer
from tests.web import WebClient


@dataclass
class Course:
    """A real server where module 4 is live for a group of three, who did modules 1 to 3."""

    server: AppServer
    code: str
    session: int
    names: list[str]


@pytest.fixture
def course(tmp_path: Path, databases: Databases) -> Iterator[Course]:
    database = databases.seeded()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_app(database)
    enable_badges(app, tmp_path, base)
    with app.app_context():
        animator = make_user("anim@test.fr", siae=make_siae())
        group = make_animator_group(animator, size=3)
        done = run_course(group, slugs=SLUGS[:3])
        live = run_session(group, SLUGS[3], end=False)
        first, second, third = group.participants
        observe(first, ("wifi",), session=done[0])
        observe(first, ("recherche",), session=done[2])
        observe(first, ("application",), level="avec_aide", session=live)
        observe(first, ("navigateur",), level="pas_encore", session=done[1])
        observe(second, session=live)  # the three tasks alone, in module 4's final practice
        issue_participant_badge(second, animator, name="Bruno")
        names, code, session_id = [p.nickname for p in (first, second, third)], live.join_code, live.id
        db.session.remove()
        db.engine.dispose()
    server = AppServer(database, port, tmp_path / "server.log", env={
        "PUBLIC_BASE_URL": base, "BADGES_ALLOW_LOOPBACK": "true", "BADGE_ISSUER_EMAIL": "badges@example.org",
        "BADGE_SIGNING_KEY_FILE": str(tmp_path / "badge_key.pem")}).start()
    try:
        yield Course(server, code, session_id, names)
    finally:
        server.stop()


def phone_of(browser: Browser, course: Course, name: str) -> tuple[BrowserContext, Page]:
    """A phone that joined module 4 as `name` (touching their name in the group's list)."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    page = context.new_page()
    page.goto(f"{course.server.url}/j/{course.code}")
    page.get_by_role("button", name=name).click()
    expect(page.locator("[data-connection]")).to_have_text("En ligne")
    return context, page


def test_each_phone_shows_what_its_participant_learned(browser: Browser, course: Course, artifacts: Path) -> None:
    phones = [phone_of(browser, course, name) for name in course.names[:2]]
    animator = WebClient(course.server.url)
    animator.login("anim@test.fr", PASSWORD)
    page = f"/animateur/seances/{course.session}"
    assert animator.submit(page, f"{page}/terminer", {}).status_code == 302
    first, second = (p for _, p in phones)
    expect(first.get_by_role("heading", name="La formation est terminée. Bravo !")).to_be_visible()
    for phone in (first, second):
        phone.wait_for_url("**/j/appris", timeout=10000)  # opened on its own, a moment later
        expect(phone.get_by_role("heading", name="Ce que j'ai appris")).to_be_visible()
    expect(first.get_by_text("Vous avez réussi seul·e à se connecter à un réseau Wi-Fi.")).to_be_visible()
    expect(first.get_by_text("Avec un peu d'aide, vous avez réussi à trouver et installer une application."))\
        .to_be_visible()
    expect(first.get_by_text("À continuer : ouvrir le navigateur et aller à une adresse donnée.")).to_be_visible()
    expect(first.get_by_text("vous remettra le badge", exact=False)).to_be_visible()
    expect(first.get_by_role("link", name="Module 1 : ", exact=False)).to_be_visible()
    assert course.names[1] not in first.content()
    expect(second.get_by_role("link", name="Voir mon badge")).to_be_visible()
    assert course.names[0] not in second.content()
    first.screenshot(path=str(artifacts / "appris-393-en-cours.png"), full_page=True)
    second.screenshot(path=str(artifacts / "appris-393-badge.png"), full_page=True)
    for phone in (first, second):
        phone.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
        violations = phone.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert not violations, describe(violations)
    second.get_by_role("link", name="Voir mon badge").click()
    expect(second.get_by_text("A su se connecter à un réseau Wi-Fi seul·e", exact=False)).to_be_visible()
    second.screenshot(path=str(artifacts / "appris-393-verification.png"), full_page=True)
    for context, _ in phones:
        context.close()
