"""Issue 17, item 10, in Chromium at 1280×720: on a fresh demo instance (no PUBLIC_BASE_URL), a demo animator
issues a participant's badge from start to end; every page on the way says it is a trial badge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kit.evidence.demo import ANIMATORS
from kit.people.demo import DEMO_PASSWORD, create_demo
from tests.browser.helpers import AXE, PROJECTOR, describe, signed_in
from tests.conftest import dispose, free_port, make_app
from tests.databases import Databases
from tests.servers import AppServer

TRIAL = "non vérifiable hors de cet ordinateur"


@pytest.fixture
def demo_server(tmp_path: Path, databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppServer]:
    """run.py on a demo instance, as `flask setup --demo` leaves it: trial badges, no public address."""
    port, key = free_port(), tmp_path / "badge_key.pem"
    monkeypatch.setenv("PORT", str(port))  # the demo's own badges are built on the server's address too
    url = databases.seeded()
    app = make_app(url, BADGES_TRIAL=True, BADGE_SIGNING_KEY_FILE=str(key))
    with app.app_context():
        create_demo()
    dispose(app)
    server = AppServer(url, port, tmp_path / "server.log",
                       env={"BADGES_TRIAL": "true", "BADGE_SIGNING_KEY_FILE": str(key)}).start(timeout=90)
    yield server
    server.stop()
    databases.release(url)


def test_a_demo_animator_issues_a_trial_badge(browser: Browser, demo_server: AppServer, artifacts: Path) -> None:
    email = ANIMATORS[1][0]  # Léa, whose October group finished the course and has no badge yet
    context = signed_in(browser, demo_server.url, email, DEMO_PASSWORD, PROJECTOR)
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/progression/")
        page.get_by_role("link", name="Parcours d'octobre (démo)").click()
        expect(page.locator("#badges-essai")).to_contain_text("non vérifiables hors de cet ordinateur")
        page.screenshot(path=str(artifacts / "badge-essai-groupe-1280.png"))
        ready = page.locator("tbody tr", has_text="Prêt à délivrer").first
        ready.get_by_role("link").click()
        notice = page.locator("#badges-essai")
        expect(notice).to_contain_text(f"http://localhost:{demo_server.port}")
        form = page.locator("form[action$='/badge']")
        assert notice.bounding_box()["y"] < form.bounding_box()["y"], "l'avertissement vient avant le formulaire"
        notice.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "badge-essai-formulaire-1280.png"))
        page.get_by_label("Nom à imprimer sur le certificat").fill("Inès Essai")
        page.get_by_role("button", name="Délivrer le badge").click()
        expect(page.locator(".flash-success")).to_contain_text("Badge délivré à Inès Essai")
        expect(page.locator(".status-trial")).to_have_text("Badge d'essai")
        page.get_by_role("link", name="Page de vérification").click()
        expect(page.locator("#badge-essai")).to_contain_text(f"Badge d'essai : {TRIAL}.")
        page.screenshot(path=str(artifacts / "badge-essai-verification-1280.png"))
        width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width <= inner
        page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert not violations, describe(violations)
    finally:
        context.close()
