"""Issue 17, item 4: nicknames of 20 characters (the limit) keep the séance page's attendance cards and the
presenter's participant list whole, at 1280×720, 393×727 and 320×640: the radios keep their size, the
« (téléphone, … min) » note and the states stay inside their card, the page never scrolls sideways, and the
full name can be read (wrapped, or in a title)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.browser.helpers import PHONE, PROJECTOR, signed_in
from tests.browser.test_live_animator import join_phone, start_session
from tests.livedriver import LiveAnimator
from tests.servers import AppServer

LONG = ("Marie-Christine-Béné", "Maximiliennebérénice")  # 20 characters each; the second has no break point
SMALL: ViewportSize = {"width": 320, "height": 640}
SIZES: dict[str, ViewportSize] = {"1280": PROJECTOR, "393": PHONE, "320": SMALL}


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found, f"{locator} n'est pas affiché"
    return dict(found)


def inside(inner: dict[str, float], outer: dict[str, float], what: str) -> None:
    tolerance = 0.5
    assert inner["x"] >= outer["x"] - tolerance and inner["y"] >= outer["y"] - tolerance, (what, inner, outer)
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + tolerance, (what, inner, outer)
    assert inner["y"] + inner["height"] <= outer["y"] + outer["height"] + tolerance, (what, inner, outer)


def no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(e => e.tagName + '.' + e.className + ' : ' + (e.textContent || '').trim().slice(0, 40))""")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), wide


def check_seance_cards(page: Page) -> None:
    for name in LONG:
        card = page.locator(".attendance-person", has=page.locator(".person-name", has_text=name))
        outer = box(card)
        for radio in card.locator("input[type=radio]").all():
            size = box(radio)
            assert size["width"] >= 19 and size["height"] >= 19, (name, size)  # the radio keeps its size
        for part in (card.locator(".source").first, card.locator(".person-name"), card.locator(".state-choices")):
            inside(box(part), outer, f"{name} : {part}")
        for label in card.locator(".state-choice").all():
            inside(box(label), outer, f"{name} : {label}")
        name_el = card.locator(".person-name")
        full = name_el.get_attribute("title") or name_el.inner_text()
        assert full.strip() == name


def check_presenter_list(page: Page) -> None:
    for name in LONG:
        button = page.locator(".person-button", has_text=name)
        outer = box(button)
        for part in (button.locator(".person-name"), button.locator(".person-state")):
            inside(box(part), outer, f"{name} : {part}")
        name_el = button.locator(".person-name")
        assert (name_el.get_attribute("title") or name_el.inner_text()).strip() == name


def test_long_names_keep_the_cards_whole(browser: Browser, app_server: AppServer, artifacts: Path) -> None:
    base = app_server.url
    context = signed_in(browser, base, DEMO_EMAIL, DEMO_PASSWORD, PROJECTOR)
    page = context.new_page()
    phones: list[Any] = []
    try:
        session_id = start_session(page, base)
        code = page.locator(".join-code").inner_text().replace(" ", "")[-6:]
        phones = [join_phone(base, code, name) for name in LONG]
        for label, size in SIZES.items():
            page.set_viewport_size(size)
            page.goto(f"{base}/animateur/seances/{session_id}/presentateur")
            expect(page.locator(".person-button", has_text=LONG[1])).to_have_count(1)
            page.locator(".person-button", has_text=LONG[0]).scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"noms-longs-presentateur-{label}.png"))
            check_presenter_list(page)
            no_sideways_scroll(page)
            page.goto(f"{base}/animateur/seances/{session_id}#presences")
            page.locator(".attendance-person").first.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"noms-longs-seance-{label}.png"))
            check_seance_cards(page)
            no_sideways_scroll(page)
    finally:
        for phone in phones:
            phone.disconnect()
        context.close()


@pytest.mark.parametrize("label", ["320", "393"])
def test_the_nickname_field_says_its_limit_while_typing(browser: Browser, app_server: AppServer, artifacts: Path,
                                                         label: str) -> None:
    """Typed past 20 characters, the name stops there and the phone says so (it used to be cut silently)."""
    animator = LiveAnimator(app_server.url)
    code = animator.start()
    context = browser.new_context(viewport=SIZES[label], locale="fr-FR", has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{app_server.url}/j/{code}")
        field = page.get_by_label("Votre prénom ou surnom")
        expect(page.locator("#nickname-aide")).to_contain_text("20 caractères au plus")
        field.press_sequentially("Marie")
        expect(page.locator("#nickname-compte")).to_have_text("5 / 20 caractères")
        field.press_sequentially("-Christine-Bénédicte")
        assert field.input_value() == "Marie-Christine-Béné"
        counter = page.locator("#nickname-compte")
        expect(counter).to_have_text("20 / 20 : c'est le maximum.")
        expect(counter).to_have_attribute("aria-live", "polite")
        inside(box(counter), {"x": 0, "y": 0, "width": SIZES[label]["width"], "height": 10_000}, "le compteur")
        no_sideways_scroll(page)
        page.screenshot(path=str(artifacts / f"surnom-limite-{label}.png"))
    finally:
        context.close()
        animator.close()
