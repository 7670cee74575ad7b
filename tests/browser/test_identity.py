"""The identity rule with two real phones: a connected name waits for the animator's one-tap approval.

Chromium against a real gevent server (run.py): the animator's presenter in one context, each phone in
its own context (its own `kit_device` cookie).
"""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.helpers import PHONE
from tests.browser.test_live_animator import join_code, open_presenter, start_session
from tests.servers import AppServer


def phone_page(browser: Browser, errors: list[str]) -> Page:
    page = browser.new_context(viewport=PHONE).new_page()  # type: ignore[arg-type]
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def test_a_second_phone_on_a_connected_name_needs_the_animators_approval(
        browser: Browser, context: BrowserContext, app_server: AppServer) -> None:
    base = app_server.url
    projector = context.new_page()
    session_id = start_session(projector, base)
    code = join_code(projector)
    presenter = open_presenter(context, base, session_id)
    errors: list[str] = []

    # Léa's own phone.
    lea = phone_page(browser, errors)
    lea.goto(f"{base}/j/{code}")
    lea.get_by_label("Votre prénom ou surnom").fill("Léa")
    lea.get_by_role("button", name="C'est parti !").click()
    expect(lea.locator("[data-connection]")).to_have_text("En ligne")

    # Another phone taps « Léa » while Léa's phone is connected: it waits.
    other = phone_page(browser, errors)
    other.goto(f"{base}/j/{code}")
    other.get_by_role("button", name="Léa").click()
    expect(other.get_by_role("heading", name="Demande envoyée à l'animateur")).to_be_visible()
    question = presenter.get_by_text("Léa revient sur un autre téléphone : accepter ?")
    expect(question).to_be_visible()

    # One tap on the presenter: the waiting phone opens the live page as Léa, and the roster says so.
    presenter.get_by_role("button", name="Accepter le nouveau téléphone de Léa").click()
    expect(question).to_be_hidden()
    expect(other.locator(".me")).to_contain_text("Léa")
    expect(other.locator("[data-connection]")).to_have_text("En ligne")
    expect(presenter.locator("[data-roster]")).to_contain_text("2 téléphones")

    # A third phone is refused: it is told, and it is not Léa.
    third = phone_page(browser, errors)
    third.goto(f"{base}/j/{code}")
    third.get_by_role("button", name="Léa").click()
    expect(third.get_by_role("heading", name="Demande envoyée à l'animateur")).to_be_visible()
    presenter.get_by_role("button", name="Refuser le nouveau téléphone de Léa").click()
    expect(third.get_by_role("heading", name="Demande refusée")).to_be_visible()
    third.get_by_role("link", name="Choisir votre prénom").click()
    expect(third.get_by_role("heading", name="Qui êtes-vous ?")).to_be_visible()

    # The séance page tells the animator too.
    page = context.new_page()
    page.goto(f"{base}/animateur/seances/{session_id}")
    expect(page.locator("#presences")).to_contain_text("« 2 téléphones »")
    expect(page.locator("#presences")).to_contain_text("(un téléphone refusé)")
    assert errors == []
