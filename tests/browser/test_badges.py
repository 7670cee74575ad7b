"""In Chromium: an animator sees their progress, a coordinator validates and issues the badge,
the badge's verification page renders, the certificate prints on one A4 page; axe finds nothing."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from werkzeug.serving import make_server

from kit.badges.issuance import issue_participant_badge
from kit.extensions import db
from kit.models import Role
from tests.browser.helpers import AXE, PHONE, describe, pdf_pages, pdf_text, to_png
from tests.browser.helpers import signed_in as sign_in
from tests.conftest import free_port, make_app
from tests.databases import Databases
from tests.factories import PASSWORD, make_user
from tests.histories import (
    SLUGS,
    enable_badges,
    make_animator_group,
    make_coordinator,
    make_siae,
    observe,
    run_course,
    run_session,
)

DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@dataclass
class Site:
    """A server with an animator whose course is done, but nothing recorded by the coordination yet."""

    url: str
    ids: dict[str, Any]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Site]:
    """The app on 127.0.0.1 in a thread, its public base URL its own address."""
    folder = tmp_path_factory.mktemp("badges-browser")
    app = make_app(databases.seeded())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    enable_badges(app, folder, url)
    with app.app_context():
        siae = make_siae("Régie de quartier de Lille")
        animator = make_user("samia@test.fr", siae=siae)
        animator.name = "Samia Benali"
        make_coordinator("coord@test.fr")
        make_user("admin@test.fr", Role.ADMIN.value)
        group = make_animator_group(animator, size=6, name="Groupe de novembre")
        sessions = run_course(group)
        live = run_session(group, SLUGS[0], group.participants[:4], end=False)  # live: not counted yet
        person = group.participants[0]
        observe(person, session=sessions[3])
        badge = issue_participant_badge(person, animator, name="Awa Diallo", email="awa@example.org")
        ids = {"animator": animator.id, "group": group.id, "participant": person.id, "other": group.participants[1].id,
               "session": sessions[0].id, "live": live.id, "badge": badge.uid, "siae": siae.id}
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(url, ids)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def signed_in(browser: Browser, site: Site, email: str, viewport: ViewportSize = DESKTOP) -> BrowserContext:
    """A browser context signed in with this account."""
    return sign_in(browser, site.url, email, PASSWORD, viewport)


@pytest.fixture(scope="module")
def animator(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """Samia's browser."""
    context = signed_in(browser, site, "samia@test.fr")
    yield context
    context.close()


@pytest.fixture(scope="module")
def coordinator(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """The coordinator's browser."""
    context = signed_in(browser, site, "coord@test.fr")
    yield context
    context.close()


def no_axe_violation(page: Page) -> None:
    """axe-core finds no violation on the page as it is now."""
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert not results["violations"], f"axe sur {page.url}\n" + describe(results["violations"])


def test_the_animator_sees_their_progress(animator: BrowserContext, site: Site, artifacts: Path) -> None:
    page = animator.new_page()
    page.goto(site.url + "/animateur/")
    page.get_by_role("link", name="Ma progression et mon badge").click()
    expect(page.get_by_role("heading", name="Ma progression", exact=True)).to_be_visible()
    figures = page.locator(".figures")
    expect(figures).to_contain_text("4 séances animées")
    expect(figures).to_contain_text("14 h")
    expect(figures).to_contain_text("6 participant·es formé·es")
    expect(figures).to_contain_text("1 groupe mené sur les 4 demi-journées")
    checklist = page.locator(".checklist > li")
    expect(checklist).to_have_count(5)
    expect(page.locator(".checklist > li.is-met")).to_have_count(3)
    expect(checklist.nth(0)).to_contain_text("(0 / 1)")
    no_axe_violation(page)
    page.screenshot(path=str(artifacts / "progression-animateur.png"), full_page=True)
    page.close()


def test_a_coordinator_validates_and_issues_the_badge(coordinator: BrowserContext, animator: BrowserContext,
                                                     site: Site, artifacts: Path) -> None:
    page = coordinator.new_page()
    page.goto(site.url + "/animateur/")  # a coordinator signing in lands in the coordination space
    expect(page).to_have_url(re.compile(r"/coordination/$"))
    no_axe_violation(page)
    page.get_by_role("link", name="Samia Benali").click()
    expect(page.get_by_text("Le bouton pour délivrer le badge apparaît")).to_be_visible()
    page.get_by_label("Date de la formation").fill("2026-10-05")
    page.get_by_role("button", name="Enregistrer la formation suivie").click()
    expect(page.get_by_role("status").first).to_contain_text("Formation d'animateur·rice enregistrée")
    page.get_by_role("combobox", name="Séance observée").select_option(index=1)
    page.get_by_label("Remarque (facultatif)").nth(1).fill("Séance vivante, groupe attentif.")
    page.get_by_role("button", name="Valider la séance observée").click()
    expect(page.get_by_text("Tous les critères sont remplis.")).to_be_visible()
    no_axe_violation(page)
    page.screenshot(path=str(artifacts / "coordination-valider.png"), full_page=True)
    page.get_by_role("button", name="Délivrer le badge").click()
    expect(page.get_by_role("status").first).to_contain_text("Badge délivré à Samia Benali")
    expect(page.get_by_text("Délivré le")).to_be_visible()
    no_axe_violation(page)
    page.screenshot(path=str(artifacts / "coordination-badge-delivre.png"), full_page=True)
    page.close()
    mine = animator.new_page()
    mine.goto(site.url + "/progression/")
    expect(mine.get_by_text("Bravo, vous avez ce badge")).to_be_visible()
    expect(mine.locator(".checklist > li.is-met")).to_have_count(5)
    mine.close()


def test_the_badge_page_renders(browser: Browser, site: Site, artifacts: Path) -> None:
    for name, viewport in (("bureau", DESKTOP), ("telephone", PHONE)):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        response = page.goto(f"{site.url}/badges/verifier/{site.ids['badge']}")
        assert response is not None and response.ok
        expect(page.get_by_role("heading", name="Premiers pas sur smartphone")).to_be_visible()
        # Issued on this computer's own address (127.0.0.1): the page says it is a trial badge, never « authentique »
        # (a badge on a public address says « authentique et valable »: tests/kit/badges/test_issuance.py).
        expect(page.locator("#badge-essai")).to_be_visible()
        expect(page.get_by_text("authentique")).to_have_count(0)
        expect(page.get_by_text("Awa Diallo")).to_be_visible()
        linkedin = page.get_by_role("link", name=re.compile("Ajouter à mon profil LinkedIn"))
        expect(linkedin).to_have_attribute("href", re.compile(r"^https://www\.linkedin\.com/profile/add\?"))
        assert page.evaluate("() => document.querySelector('.badge-row svg').getBoundingClientRect().width") > 50
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "défile en largeur"
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger le badge (image PNG)").click()
        assert download.value.suggested_filename == "badge-premiers-pas-smartphone.png"
        no_axe_violation(page)
        page.screenshot(path=str(artifacts / f"badge-verification-{name}.png"), full_page=True)
        context.close()


def test_the_certificate_prints_on_one_a4_page(animator: BrowserContext, site: Site, artifacts: Path) -> None:
    page = animator.new_page()
    page.goto(f"{site.url}/progression/participants/{site.ids['participant']}")
    page.get_by_role("link", name="Certificat à imprimer").click()
    expect(page.get_by_role("button", name="Imprimer le certificat")).to_be_visible()
    page.wait_for_load_state("networkidle")
    no_axe_violation(page)
    page.screenshot(path=str(artifacts / "certificat-ecran.png"), full_page=True)
    pdf = artifacts / "certificat.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = pdf_pages(pdf)
    pngs = to_png(pdf)
    assert pages == 1, f"le certificat fait {pages} pages A4 (voir {pngs})"
    text = pdf_text(pdf)
    assert "Awa Diallo" in text and "Premiers pas sur smartphone" in text
    assert f"/badges/verifier/{site.ids['badge']}" in text.replace(" ", "")
    assert "Imprimer le certificat" not in text
    page.close()


OTHER_PAGES = ["/progression/participants/{participant}", "/progression/groupes/{group}",
               "/animateur/seances/{session}", "/coordination/rapport/?structure={siae}&mois=2026-11",
               "/badges/classes/animateur-numerique-pair/criteres", "/badges/classes/premiers-pas-smartphone/criteres"]


@pytest.mark.parametrize("path", OTHER_PAGES)
def test_the_other_pages_have_no_axe_violation(animator: BrowserContext, coordinator: BrowserContext, site: Site,
                                               path: str, artifacts: Path) -> None:
    context = coordinator if path.startswith("/coordination") else animator
    page = context.new_page()
    response = page.goto(site.url + path.format(**site.ids))
    assert response is not None and response.ok
    no_axe_violation(page)
    name = "-".join(path.split("?")[0].strip("/").split("/")[:2])
    page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("path", ["/admin/", "/admin/comptes/nouveau", "/admin/structures/{siae}",
                                  "/admin/comptes/{animator}"])
def test_admin_pages_have_no_axe_violation(browser: Browser, site: Site, path: str) -> None:
    context = signed_in(browser, site, "admin@test.fr")
    page = context.new_page()
    response = page.goto(site.url + path.format(**site.ids))
    assert response is not None and response.ok
    no_axe_violation(page)
    context.close()
