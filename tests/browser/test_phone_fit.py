"""What a participant sees on a small phone (issue 17, "The phone", 1–3), at 320×640 and 393×727:
the first screen after the reveal, the neutral selected state, and nothing hidden (under « Envoyer »,
below the keypad, or said twice before a question opens).

Screenshots of the first screen (no scrolling) go to test-artifacts/telephone-ecran-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from slides import Deck
from tests.browser.conftest import Live
from tests.browser.test_phone import WIDTHS, answer, join, open_page, phones, shown, slide_of

__all__ = ["phones"]  # the fixture, shared with test_phone.py

# The computed look of an answer button: what the eye uses to tell "chosen" (and "wrong") apart.
LOOK = """b => {
  const s = getComputedStyle(b), after = getComputedStyle(b, '::after');
  return {background: s.backgroundColor, color: s.color, border: s.borderTopWidth, outline: s.boxShadow,
          check: after.content, checkShown: after.display !== 'none' && after.content.includes('✓')};
}"""


def first_screen(page: Page, artifacts: Path, name: str) -> None:
    """The first screen as the participant sees it, without scrolling."""
    page.evaluate("() => window.scrollTo(0, 0)")
    path = artifacts / f"telephone-ecran-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 3000


def box(locator: Locator) -> dict[str, float]:
    """The element's box in the viewport's coordinates."""
    found = locator.bounding_box()
    assert found is not None
    return found


def bottom(locator: Locator) -> float:
    """Where the element ends, from the top of the viewport."""
    found = box(locator)
    return found["y"] + found["height"]


def viewport_height(page: Page) -> int:
    """The phone's screen height."""
    size = page.viewport_size
    assert size is not None
    return size["height"]


def test_before_open_selected_state_and_first_screen_after_reveal(
        phones: dict[str, BrowserContext], live: Live, deck: Deck, artifacts: Path) -> None:
    """One message before the question opens; a neutral chosen state; after the reveal, the first
    screen says right or wrong, the right answer's words and the start of the explanation."""
    quiz = deck.quizzes[10]  # 11: "Vous voulez agrandir une photo", with an image; C is right
    assert quiz.number == 11 and quiz.correct == (2,)
    pages = {width: open_page(phones[width])[0] for width in WIDTHS}
    for width, page in pages.items():
        join(page, live.url, live.code, f"Nina {width}")

    live.animator.goto(slide_of(deck, quiz.number))
    for width, page in pages.items():
        expect(shown(page).get_by_text("La question va s'afficher ici.")).to_be_visible()
        # One thing only: not also the question's title (it comes with the question itself).
        assert shown(page).inner_text().count("La question va s'afficher ici.") == 1
        expect(shown(page).get_by_text(quiz.question)).to_have_count(0)
        first_screen(page, artifacts, f"attente-question-{width}")

    live.animator.question("open", quiz.number)
    looks = {}
    for width, page in pages.items():
        expect(page.locator("[data-answers] button")).to_have_count(4)
        for letter in "DBCA":  # every colour chosen in turn: the chosen state looks the same
            answer(page, letter)
            button = page.get_by_role("button", name=re.compile(f"^Réponse {letter} : "))
            expect(button).to_have_attribute("aria-pressed", "true")
            expect(page.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
            looks[width, letter] = button.evaluate(LOOK)
        first_screen(page, artifacts, f"choisie-A-{width}")
    for (width, letter), look in looks.items():
        assert look["checkShown"], (width, letter, look)
        assert look == looks["393", "A"], (width, letter, look)
        assert look["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), look  # no colour fill
    unpicked = pages["393"].get_by_role("button", name=re.compile("^Réponse B : ")).evaluate(LOOK)
    assert not unpicked["checkShown"] and unpicked["border"] != looks["393", "A"]["border"]

    answer(pages["393"], "C")  # right; the 320 px phone keeps A (wrong)
    live.animator.tally(quiz.number, [1, 0, 1, 0])
    live.animator.question("close", quiz.number)
    live.animator.question("reveal", quiz.number)
    words = "Écarter deux doigts"
    explanation = "On écarte deux doigts pour agrandir."
    for width, page in pages.items():
        wrong = width == "320"
        expect(shown(page).get_by_text("Pas tout à fait" if wrong else "Bonne réponse !")).to_be_visible()
        page.evaluate("() => window.scrollTo(0, 0)")
        height = viewport_height(page)
        result = page.locator("[data-result]")
        expect(result).to_contain_text(f"C : {words}")
        assert bottom(result.get_by_text(words)) <= height, width
        line = shown(page).locator("[data-explanation]").get_by_text(explanation)
        expect(line).to_be_visible()
        assert box(line)["y"] + 28 <= height, (width, box(line))  # its first line, at least
        first_screen(page, artifacts, f"revelee-{'fausse' if wrong else 'bonne'}-{width}")

    # The wrong answer stays marked, without a big solid red block; the right one stands out more.
    page = pages["320"]
    mine = page.get_by_role("button", name=re.compile("^Réponse A .*Votre réponse"))
    right = page.get_by_role("button", name=re.compile("^Réponse C .*Bonne réponse"))
    expect(mine).to_be_visible()
    look = mine.evaluate(LOOK)
    assert look["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), look
    assert not look["checkShown"], look
    assert float(look["border"][:-2]) < float(right.evaluate(LOOK)["border"][:-2])


def test_nothing_under_the_send_button(phones: dict[str, BrowserContext], live: Live, deck: Deck,
                                       artifacts: Path) -> None:
    """A 4-answer multiple choice and a 5-answer poll: every answer is reachable, none stays under
    « Envoyer », at the top of the page or scrolled to its bottom."""
    pages = {width: open_page(phones[width])[0] for width in WIDTHS}
    for width, page in pages.items():
        join(page, live.url, live.code, f"Omar {width}")
    multiple, poll = deck.quizzes[9], deck.quizzes[8]
    assert multiple.kind == "multiple" and len(multiple.choices) == 4
    assert poll.kind == "sondage" and len(poll.choices) == 5

    live.animator.goto(slide_of(deck, multiple.number))
    live.animator.question("open", multiple.number)
    for width, page in pages.items():
        answers = page.locator("[data-answers] button")
        expect(answers).to_have_count(4)
        answer(page, "A")
        send = page.get_by_role("button", name="Envoyer")
        expect(send).to_be_visible()
        first_screen(page, artifacts, f"plusieurs-{width}")
        for where in ("0", "document.documentElement.scrollHeight"):
            page.evaluate(f"() => window.scrollTo(0, {where})")
            button = box(send)
            for index in range(4):
                found = box(answers.nth(index))
                if found["y"] < viewport_height(page) and found["y"] + found["height"] > 0:
                    under = found["y"] + found["height"] > button["y"] and found["y"] < button["y"] + button["height"]
                    assert not under, (width, where, "ABCD"[index], found, button)
            last = box(answers.nth(3))
            if where != "0":
                assert last["y"] + last["height"] <= button["y"], (width, last, button)
        # The first screen already shows the four answers, above the button.
        page.evaluate("() => window.scrollTo(0, 0)")
        assert bottom(answers.nth(3)) <= box(send)["y"], width

    live.animator.goto(slide_of(deck, poll.number))
    live.animator.question("open", poll.number)
    for width, page in pages.items():
        answers = page.locator("[data-answers] button")
        expect(answers).to_have_count(5)
        first_screen(page, artifacts, f"sondage-{width}")
        for index in range(5):  # D and E too, readable without scrolling
            assert bottom(answers.nth(index)) <= viewport_height(page), (width, "ABCDE"[index])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_keypad_bottom_row_after_a_wrong_code(phones: dict[str, BrowserContext], live: Live, artifacts: Path,
                                              width: str) -> None:
    """After a wrong code, ⌫ 0 OK stay on the first screen."""
    page = open_page(phones[width])[0]
    page.goto(live.url + "/j")
    wrong = f"{(int(live.code) + 1) % 1_000_000:06d}"
    for digit in wrong:
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code ne correspond à aucune séance en cours")
    page.evaluate("() => window.scrollTo(0, 0)")
    for key in (page.get_by_role("button", name="Effacer le dernier chiffre"),
                page.get_by_role("button", name="0", exact=True), page.get_by_role("button", name="OK")):
        assert bottom(key) <= viewport_height(page), (width, box(key))
        assert box(key)["height"] >= 48
    first_screen(page, artifacts, f"code-erreur-{width}")
