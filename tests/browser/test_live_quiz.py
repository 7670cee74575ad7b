"""A whole quiz as people live it: the animator's projector and presenter at 1280×720, three
participants on their own phones (393×727), on a real server (run.py, gevent) on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from slides import Deck, compile_file
from tests.browser.helpers import AXE, PHONE, describe
from tests.browser.test_live_animator import join_code, open_presenter, start_session
from tests.servers import AppServer

ROOT = Path(__file__).resolve().parent.parent.parent


def join_with_keypad(phone: Page, base: str, code: str, nickname: str) -> None:
    """Type the code on the big keypad, then pick a name and an avatar."""
    phone.goto(base + "/j")
    for digit in code:
        phone.get_by_role("button", name=digit, exact=True).click()
    phone.get_by_role("button", name="OK").click()
    phone.get_by_label("Votre prénom ou surnom").fill(nickname)
    phone.locator("label.avatar-choice").nth(len(nickname) % 8).click()
    phone.get_by_role("button", name="C'est parti !").click()
    expect(phone.locator("[data-connection]")).to_have_text("En ligne")


def tap(phone: Page, letter: str) -> None:
    """Tap an answer button."""
    phone.get_by_role("button", name=re.compile(rf"^Réponse {letter} : ")).click()


def axe(page: Page) -> list[dict]:
    """axe-core's violations on the page."""
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def test_three_phones_answer_a_quiz_and_each_sees_its_own_result(
        browser: Browser, context: BrowserContext, app_server: AppServer, artifacts: Path) -> None:
    animator = context  # the animator's laptop, signed in (tests/browser/conftest.py)
    deck: Deck = compile_file(ROOT / "modules" / "01-smartphone-wifi.md")
    slide = next(s for s in deck.slides if s.quiz and s.quiz.kind == "unique" and s.quiz.check is None)
    quiz = slide.quiz
    right = quiz.correct[0]
    wrong = (right + 1) % len(quiz.choices)
    letter = "ABCDEF"

    projector = animator.new_page()
    session_id = start_session(projector, app_server.url)
    code = join_code(projector)
    presenter = open_presenter(animator, app_server.url, session_id)

    phones = [browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True) for _ in range(3)]
    try:
        pages = [context.new_page() for context in phones]
        for page, name in zip(pages, ("Awa", "Bruno", "Chloé"), strict=True):
            join_with_keypad(page, app_server.url, code, name)
        expect(projector.locator(".join-count")).to_have_text("3 participants connectés")

        # The animator goes to the question's slide and opens it from the presenter.
        presenter.locator("select[data-action=goto]").select_option(str(slide.number))
        expect(projector.locator(".toolbar [data-counter]")).to_have_text(str(slide.number))
        presenter.locator("[data-quiz-panel]").get_by_role("button", name="Ouvrir", exact=True).click()
        shown = projector.locator(f'.stage > .slide[data-n="{slide.number}"]')
        expect(shown.locator(".live-progress")).to_contain_text("0 / 3 ont répondu")
        for page in pages:
            expect(page.get_by_role("button", name=re.compile(r"^Réponse A : "))).to_be_visible()

        tap(pages[0], letter[right])
        tap(pages[1], letter[wrong])
        for page in pages[:2]:
            expect(page.get_by_text("Réponse envoyée").first).to_be_visible()
        expect(shown.locator(".live-progress")).to_contain_text("2 / 3 ont répondu")
        assert shown.locator(".results").count() == 0  # no results before the reveal

        # Chloé's phone reloads in the middle of the question: her answer is kept.
        tap(pages[2], letter[right])
        expect(pages[2].get_by_text("Réponse envoyée").first).to_be_visible()
        pages[2].reload()
        expect(pages[2].locator("[data-answers] button[aria-pressed=true]")).to_have_count(1)
        expect(pages[2].locator("[data-answers] button[aria-pressed=true]")).to_contain_text(letter[right])
        expect(shown.locator(".live-progress")).to_contain_text("3 / 3 ont répondu")
        pages[0].screenshot(path=str(artifacts / "e2e-telephone-question.png"))
        projector.screenshot(path=str(artifacts / "e2e-projecteur-question.png"))

        presenter.locator("[data-quiz-panel]").get_by_role("button", name="Montrer la réponse").click()
        expect(shown.locator(".results .result")).to_have_count(len(quiz.choices))
        expect(shown.locator(".results .result.is-correct")).to_have_count(1)
        expect(pages[0].locator(".verdict")).to_contain_text("Bonne réponse !")
        expect(pages[1].locator(".verdict")).to_contain_text("Pas tout à fait")
        expect(pages[2].locator(".verdict")).to_contain_text("Bonne réponse !")
        for page in pages:
            expect(page.get_by_role("heading", name="Explication")).to_be_visible()
        projector.screenshot(path=str(artifacts / "e2e-projecteur-resultats.png"))
        pages[1].screenshot(path=str(artifacts / "e2e-telephone-resultat.png"))
        for page in (pages[1], projector):
            violations = axe(page)
            assert not violations, describe(violations)
    finally:
        for context in phones:
            context.close()
