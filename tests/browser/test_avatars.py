"""The avatars are SVG pictures, the same on every phone: no emoji, whatever fonts the phone has.

Each picture is checked as pixels: an <svg><use> whose sprite did not load, or a symbol that does not exist,
draws nothing, so its screenshot would be one flat colour.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from kit.people.nicknames import AVATARS
from tests.browser.test_live_animator import join_code, open_presenter, start_session
from tests.servers import AppServer

SMALL_PHONE: ViewportSize = {"width": 320, "height": 640}
PHONE: ViewportSize = {"width": 393, "height": 727}


def colours(picture: Locator) -> int:
    """How many different colours the element shows on screen."""
    image = Image.open(io.BytesIO(picture.screenshot())).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


def drawn(pictures: Locator, count: int, least: int) -> None:
    """`count` pictures, each at least `least` px wide and high, each a drawing (many colours, not a blank box)."""
    expect(pictures).to_have_count(count)
    for i in range(count):
        picture = pictures.nth(i)
        box = picture.bounding_box()
        assert box and box["width"] >= least and box["height"] >= least, f"image {i} : {box}"
        assert colours(picture) >= 12, f"image {i} : rien de dessiné"


def no_emoji(page: Page) -> None:
    """Neither the page's HTML nor its text holds any of the 16 avatar emoji."""
    content = page.content() + page.locator("body").inner_text()
    assert not [emoji for emoji in AVATARS if emoji in content]


def test_avatars_are_drawn_on_the_phones_and_the_presenter(browser: Browser, context: BrowserContext,
                                                           app_server: AppServer, artifacts: Path) -> None:
    base = app_server.url
    projector = context.new_page()
    session_id = start_session(projector, base)
    code = join_code(projector)
    for viewport in (PHONE, SMALL_PHONE):
        phone = browser.new_context(viewport=viewport)
        page = phone.new_page()
        page.goto(f"{base}/j/{code}")
        name = f"{viewport['width']}x{viewport['height']}"
        choices = page.locator("label.avatar-choice")
        drawn(page.locator(".avatar-choice .face svg"), 16, 44)
        for i in range(16):  # taps of 48 px at least, on the whole tile
            box = choices.nth(i).bounding_box()
            assert box and box["width"] >= 48 and box["height"] >= 48
        drawn(page.locator(".people-buttons svg.avatar"), page.locator(".people-buttons li").count(), 28)
        no_emoji(page)
        # The keyboard reaches the pictures and the arrows pick one; its name is read (the radio's label).
        page.get_by_label("Votre prénom ou surnom").fill(f"Test {viewport['width']}")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("radio", name="Chien")).to_be_checked()
        page.get_by_role("radio", name="Pieuvre" if viewport is PHONE else "Vache").check()
        page.locator(".avatars").screenshot(path=str(artifacts / f"avatars-join-{name}.png"))
        page.screenshot(path=str(artifacts / f"avatars-join-page-{name}.png"), full_page=True)
        page.get_by_role("button", name="C'est parti !").click()
        expect(page.locator("[data-connection]")).to_have_text("En ligne", timeout=15000)
        drawn(page.locator(".me svg.avatar"), 1, 36)
        assert page.locator(".me svg.avatar use").count() == 0  # the one drawing inline: no sprite to fetch
        no_emoji(page)
        page.screenshot(path=str(artifacts / f"avatars-live-{name}.png"))
        phone.close()

    presenter = open_presenter(context, base, session_id)
    list_ = presenter.locator(".person-button")
    expect(list_.filter(has_text="Test 320")).to_have_count(1)
    drawn(presenter.locator(".person-button svg.person-avatar"), list_.count(), 28)
    no_emoji(presenter)
    presenter.screenshot(path=str(artifacts / "avatars-presenter-1280x720.png"), full_page=True)

    # The session's page (attendance) and the group's badges: pictures from the sprite there too.
    projector.goto(f"{base}/animateur/seances/{session_id}")
    drawn(projector.locator(".attendance-person legend svg.avatar"), 2, 24)
    no_emoji(projector)
    projector.screenshot(path=str(artifacts / "avatars-session-1280x720.png"), full_page=True)
    projector.goto(f"{base}/animateur/")
    projector.get_by_role("link", name="Groupe de démonstration").first.click()
    drawn(projector.locator(".people svg.avatar"), projector.locator(".people li").count(), 24)
    no_emoji(projector)
    projector.get_by_role("link", name="Badges des participants").click()
    drawn(projector.locator("td svg.avatar"), projector.locator("tbody tr").count(), 24)
    no_emoji(projector)
    projector.screenshot(path=str(artifacts / "avatars-badges-1280x720.png"), full_page=True)
    projector.close()
