"""Issue 17, item 9, the small things of a real room, in Chromium on the demo: the admin's navigation keeps each
link on one line, the admin's home names every session's animator and fits a phone
without sideways scroll, the module editor's text uses the height of a 1280×720 screen, and outside a live session the
« rejoindre la séance » slide says why it shows no QR code."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from kit.people.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_PASSWORD
from tests.browser.helpers import AXE, PHONE, PROJECTOR, describe, signed_in
from tests.browser.test_live_animator import start_session
from tests.servers import AppServer

SIZES: dict[str, ViewportSize] = {"1280": PROJECTOR, "393": PHONE, "320": {"width": 320, "height": 640}}


@pytest.mark.parametrize("label", list(SIZES))
def test_the_admin_navigation_keeps_each_link_on_one_line(browser: Browser, app_server: AppServer,
                                                         artifacts: Path, label: str) -> None:
    context = signed_in(browser, app_server.url, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, SIZES[label])
    try:
        page = context.new_page()
        page.goto(app_server.url + "/animateur/")
        expect(page.get_by_role("heading", name="Toutes les séances")).to_be_visible()  # not « Mes séances »
        page.screenshot(path=str(artifacts / f"admin-navigation-{label}.png"))
        split = page.evaluate("""() => [...document.querySelectorAll('.app-header nav a, .app-header nav button')]
            .filter(a => a.getClientRects().length > 1 || a.getBoundingClientRect().height > 2 * parseFloat(
                getComputedStyle(a).lineHeight || '24') + 20).map(a => a.textContent.trim())""")
        assert split == [], f"liens coupés sur deux lignes : {split}"
        header = page.locator(".app-header")
        assert header.evaluate("h => h.scrollWidth <= h.clientWidth"), "la navigation déborde"
    finally:
        context.close()


@pytest.mark.parametrize("label", list(SIZES))
def test_the_admin_home_names_each_animator_and_fits_the_screen(browser: Browser, app_server: AppServer,
                                                                artifacts: Path, label: str) -> None:
    """All the demo's sessions, each with its animator; one card per session on a phone, no sideways scroll."""
    context = signed_in(browser, app_server.url, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, SIZES[label])
    try:
        page = context.new_page()
        page.goto(app_server.url + "/animateur/")
        expect(page).to_have_title("Toutes les séances — Kit Animateur")
        rows = page.locator(".session-table tbody tr")
        expect(rows.first).to_be_visible()
        others = rows.filter(has_text="Julien (démo)")  # another animator's session, named as such
        expect(others.first).to_be_visible()
        expect(rows.filter(has_text="Samia (démo)").first).to_be_visible()
        expect(others.first.locator("td[data-label=\"Animateur\"]")).to_have_text("Julien (démo)")
        page.screenshot(path=str(artifacts / f"admin-accueil-{label}.png"), full_page=label != "1280")
        width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width <= inner, f"la page déborde à {label} px : {width} px de large"
        page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert not violations, describe(violations)
    finally:
        context.close()


def test_the_editor_shows_at_least_25_lines_at_1280x720(browser: Browser, app_server: AppServer,
                                                        artifacts: Path) -> None:
    context = signed_in(browser, app_server.url, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, PROJECTOR)
    try:
        page = context.new_page()
        page.goto(app_server.url + "/editeur/modules/01-smartphone-wifi")
        text = page.locator("textarea#text")
        expect(text).to_be_visible()
        page.screenshot(path=str(artifacts / "editeur-hauteur-1280.png"))
        lines = text.evaluate("t => t.clientHeight / parseFloat(getComputedStyle(t).lineHeight)")
        assert lines >= 25, f"l'éditeur montre {lines:.1f} lignes à 1280×720"
        box = text.bounding_box()
        assert box and box["y"] + box["height"] <= 720 + 400, box  # the text area, not the page, scrolls
    finally:
        context.close()


def test_outside_a_live_session_the_join_slide_says_why_there_is_no_qr_code(browser: Browser,
                                                                           app_server: AppServer,
                                                                           artifacts: Path) -> None:
    context = signed_in(browser, app_server.url, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, PROJECTOR)
    try:
        page = context.new_page()
        page.goto(app_server.url + "/modules/01-smartphone-wifi/projection")
        slide = page.locator("section.slide", has_text="À vous : rejoindre la séance")
        number = slide.get_attribute("data-n")
        page.goto(f"{app_server.url}/modules/01-smartphone-wifi/projection/{number}")
        expect(slide).to_be_visible()
        expect(slide.locator(".no-live-qr")).to_contain_text("pas de QR code")
        expect(slide.locator(".no-live-qr")).to_contain_text("séance en direct")
        page.screenshot(path=str(artifacts / "rejoindre-hors-seance-1280.png"))
    finally:
        context.close()


@pytest.mark.parametrize("label", ["1280", "393"])
def test_in_live_projection_the_toolbar_leaves_the_footer_title_visible(browser: Browser, app_server: AppServer,
                                                                       artifacts: Path, label: str) -> None:
    context = signed_in(browser, app_server.url, DEMO_EMAIL, DEMO_PASSWORD, SIZES[label])
    try:
        page = context.new_page()
        start_session(page, app_server.url)
        page.keyboard.press("ArrowRight")  # slide 1: a slide of the module, with its footer
        footer = page.locator("section.slide:not([hidden]) .slide-footer > span").first
        expect(footer).to_be_visible()
        page.locator(".toolbar button").first.focus()  # the toolbar shows on focus or hover
        expect(page.locator(".toolbar")).to_have_css("opacity", "1")
        page.screenshot(path=str(artifacts / f"projection-barre-{label}.png"))
        title, bar = footer.bounding_box(), page.locator(".toolbar").bounding_box()
        assert title and bar
        overlap = not (title["x"] + title["width"] <= bar["x"] or bar["x"] + bar["width"] <= title["x"]
                       or title["y"] + title["height"] <= bar["y"] or bar["y"] + bar["height"] <= title["y"])
        assert not overlap, f"la barre {bar} cache le titre du pied de page {title}"
    finally:
        context.close()
