"""The courses between SIAE in Chromium at 1280×720: publish (with errors first), the list, two counselors
enrolling at once; screenshots in test-artifacts/ to look at."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, expect

from kit.courses.demo import COUNSELORS
from tests.browser.courses_support import ANIMATOR, courses_server
from tests.browser.helpers import PROJECTOR, signed_in
from tests.databases import Databases


def test_publish_list_and_two_counselors_at_once(browser: Browser, databases: Databases, artifacts: Path) -> None:
    with courses_server(databases) as server:
        animator = signed_in(browser, server.url, *ANIMATOR, PROJECTOR)
        page = animator.new_page()
        page.goto(server.url + "/formations/nouvelle")
        yesterday = date.today() - timedelta(days=1)
        page.get_by_label("Date de la demi-journée 1").fill(yesterday.isoformat())
        page.get_by_label("Nombre de places").fill("30")
        page.get_by_role("button", name="Publier la formation").click()
        expect(page.locator("#day_1-erreur")).to_have_text("Cette date est passée.")
        expect(page.locator("#capacity-erreur")).to_have_text("Le nombre de places va de 1 à 12.")
        page.screenshot(path=str(artifacts / "formation-nouvelle-erreurs.png"), full_page=True)
        page.get_by_label("Date de la demi-journée 1").fill((date.today() + timedelta(days=21)).isoformat())
        page.get_by_label("Nombre de places").fill("3")
        page.get_by_label("Nom du lieu").fill("Maison de quartier")
        page.get_by_label("Adresse").fill("5 place du Marché, 59000 Lille")
        page.get_by_role("button", name="Publier la formation").click()
        expect(page.locator(".places")).to_have_text("Places : 0 / 3")
        new_offer = page.url
        page.goto(server.url + "/formations/")
        page.screenshot(path=str(artifacts / "formations-liste.png"), full_page=True)
        expect(page.get_by_text("Places : 4 / 4")).to_be_visible()
        expect(page.get_by_text("Places : 0 / 3")).to_be_visible()

        pages = []
        for email, password, *_rest in COUNSELORS:
            counselor = signed_in(browser, server.url, email, password, PROJECTOR).new_page()
            counselor.goto(new_offer)
            pages.append(counselor)
        for counselor in pages:  # both forms filled, then both sent without waiting for each other
            counselor.get_by_label("Salarié·e à inscrire").select_option(index=0)
        for counselor in pages:
            counselor.get_by_role("button", name="Inscrire").click(no_wait_after=True)
        for counselor in pages:
            expect(counselor.locator(".flash-success")).to_contain_text("est inscrit·e.")
            counselor.reload()
            expect(counselor.locator(".places")).to_have_text("Places : 2 / 3")
        page.goto(new_offer)
        expect(page.locator("#inscrits tbody tr")).to_have_count(2)
        page.screenshot(path=str(artifacts / "formation-animatrice.png"), full_page=True)
        pages[0].screenshot(path=str(artifacts / "formation-conseiller.png"), full_page=True)
