"""The projector and presenter views in a real browser: keys, sync, the hidden quiz key, screenshots."""

from __future__ import annotations

import html
import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from slides import Deck, Quiz

ROOT = Path(__file__).resolve().parent.parent.parent
SLUG = "01-smartphone-wifi"
# What the animator's documents print next to a right answer; never on the projector.
KEY_MARKERS = ("bonne réponse ✓", "✓ bonne réponse", "Bonne réponse :")





def projector_url(base: str, n: int) -> str:
    """The projector of the tested module at slide `n`."""
    return f"{base}/modules/{SLUG}/projection/{n}"


def presenter_url(base: str, n: int) -> str:
    """The presenter view of the tested module at slide `n`."""
    return f"{base}/modules/{SLUG}/presentateur/{n}"


def first_slide(deck: Deck, kind: str, *, poll: bool | None = None) -> int:
    """The number of the first slide of a kind; for quizzes, optionally a poll or not."""
    for slide in deck.slides:
        if slide.kind != kind:
            continue
        if poll is not None and (slide.quiz is None or slide.quiz.is_poll != poll):
            continue
        return slide.number
    raise AssertionError(f"{SLUG} n'a pas de diapo de type {kind!r}")


def expect_slide(page: Page, n: int) -> None:
    """Exactly one slide of the stage is visible, slide `n`, and the URL says so."""
    visible = page.locator(".stage > .slide:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_have_attribute("data-n", str(n))
    # Flask redirects /projection/1 to /projection (the rule's default); moving rewrites the URL.
    expect(page).to_have_url(re.compile(r"/projection(/1)?$" if n == 1 else rf"/projection/{n}$"))
    expect(page.locator(".toolbar [data-counter]")).to_have_text(str(n))


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment or page: tags become spaces, entities are decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def key_leaks(source: str, quizzes: tuple[Quiz, ...]) -> list[str]:
    """What of the quizzes' answer keys appears in a page's source (empty when none does)."""
    text = plain_text(source)
    leaks = [marker for marker in KEY_MARKERS if marker in source or marker in text]
    for quiz in quizzes:
        explanation = plain_text(quiz.explanation_html)
        if explanation and explanation in text:
            leaks.append(f"explication de la question {quiz.number} : {explanation[:60]}…")
    return leaks


def test_keyboard_moves_between_slides(page: Page, live_server: str, deck: Deck) -> None:
    """Arrows, PageUp/PageDown, space, Home and End move the projector; B blacks out the screen."""
    last = len(deck.slides)
    page.goto(projector_url(live_server, 1))
    expect_slide(page, 1)
    for key, n in [("ArrowRight", 2), ("PageDown", 3), ("Space", 4), ("ArrowLeft", 3), ("PageUp", 2),
                   ("End", last), ("ArrowRight", last), ("Home", 1), ("ArrowLeft", 1)]:
        page.keyboard.press(key)
        expect_slide(page, n)

    blackout = page.locator(".blackout")
    expect(blackout).to_be_hidden()
    page.keyboard.press("b")
    expect(blackout).to_be_visible()
    page.keyboard.press("b")
    expect(blackout).to_be_hidden()
    page.keyboard.press(".")
    expect(blackout).to_be_visible()
    # Moving on lifts the black screen.
    page.keyboard.press("ArrowRight")
    expect(blackout).to_be_hidden()
    expect_slide(page, 2)


def test_presenter_follows_projector_and_back(tabs: BrowserContext, live_server: str, deck: Deck) -> None:
    """Two tabs of one browser: keys on the projector move the presenter, its buttons move the projector."""
    projector = tabs.new_page()
    presenter = tabs.new_page()
    try:
        projector.goto(projector_url(live_server, 1))
        presenter.goto(presenter_url(live_server, 1))
        counter = presenter.locator("[data-counter]")
        notes = presenter.locator("[data-notes]:not([hidden])")
        expect(counter).to_have_text("1")
        expect(presenter.locator("[data-current-title]")).to_have_text(deck.slides[0].title)

        for key, n in [("ArrowRight", 2), ("Space", 3), ("ArrowLeft", 2), ("End", len(deck.slides)), ("Home", 1)]:
            projector.keyboard.press(key)
            expect_slide(projector, n)
            expect(counter).to_have_text(str(n))
            expect(notes).to_have_count(1)
            expect(notes).to_have_attribute("data-notes", str(n))
            expect(presenter).to_have_url(re.compile(r"/presentateur(/1)?$" if n == 1 else rf"/presentateur/{n}$"))

        presenter.get_by_role("button", name="Suivante").click()
        expect(counter).to_have_text("2")
        expect_slide(projector, 2)
        presenter.get_by_role("button", name="Suivante").click()
        expect_slide(projector, 3)
        presenter.get_by_role("button", name="Précédente").click()
        expect_slide(projector, 2)
        expect(notes).to_have_attribute("data-notes", "2")

        presenter.get_by_role("button", name="Écran noir").click()
        expect(projector.locator(".blackout")).to_be_visible()
        presenter.get_by_role("button", name="Écran noir").click()
        expect(projector.locator(".blackout")).to_be_hidden()
    finally:
        presenter.close()
        projector.close()


def test_projector_never_shows_the_answer_key(page: Page, live_server: str, deck: Deck) -> None:
    """A quiz on the projector shows its question and answers, and no key is anywhere in the page."""
    number = first_slide(deck, "quiz", poll=False)
    quiz = deck.slides[number - 1].quiz
    assert quiz is not None and plain_text(quiz.explanation_html), "la question testée doit avoir une explication"

    response = page.goto(projector_url(live_server, number))
    assert response is not None and response.ok
    expect_slide(page, number)
    expect(page.locator(f'.slide[data-n="{number}"] .choice')).to_have_count(len(quiz.choices))

    for source in (response.text(), page.content()):
        assert key_leaks(source, (quiz,)) == []
        assert key_leaks(source, deck.quizzes) == []


def test_the_key_check_catches_a_leak(page: Page, live_server: str, deck: Deck) -> None:
    """The check above is not blind: it finds the key in the presenter view, which does show it."""
    number = first_slide(deck, "quiz", poll=False)
    quiz = deck.slides[number - 1].quiz
    assert quiz is not None
    response = page.goto(presenter_url(live_server, number))
    assert response is not None and response.ok
    leaks = key_leaks(response.text(), (quiz,))
    assert "Bonne réponse :" in leaks
    assert any(leak.startswith(f"explication de la question {quiz.number}") for leak in leaks)
    # And on a synthetic page that only holds the explanation, entities and all.
    assert key_leaks(f"<div hidden>{html.escape(plain_text(quiz.explanation_html))}</div>", (quiz,))


def test_screenshots(page: Page, live_server: str, deck: Deck, artifacts: Path) -> None:
    """Screenshots of a content, an image, a quiz and an activity slide, and of the presenter, to look at."""
    shots = {
        "contenu": next(s.number for s in deck.slides if s.kind == "contenu" and not s.style),
        "contenu-image": next(s.number for s in deck.slides if s.kind == "contenu" and "<img" in s.html),
        "quiz": first_slide(deck, "quiz", poll=False),
        "sondage": first_slide(deck, "quiz", poll=True),
        "activite": first_slide(deck, "activite"),
    }
    for name, number in shots.items():
        page.goto(projector_url(live_server, number))
        expect_slide(page, number)
        path = artifacts / f"projecteur-{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 5000

    page.goto(presenter_url(live_server, shots["quiz"]))
    expect(page.locator("[data-preview=current] .slide")).to_have_attribute("data-n", str(shots["quiz"]))
    path = artifacts / "presentateur.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 5000


def test_presenter_times_the_module_and_the_slide(tabs: BrowserContext, live_server: str, deck: Deck) -> None:
    """Planned against elapsed time, for the module and for the slide, on a controlled clock; and the next slide."""
    page = tabs.new_page()
    try:
        page.clock.install()
        page.goto(presenter_url(live_server, 2))
        total, slide_time = page.locator("[data-elapsed-total]"), page.locator("[data-elapsed-slide]")
        pace = page.locator("[data-pace]")
        expect(page.locator(".timer-plan").first).to_have_text("sur 3 h 30")
        expect(page.locator("[data-slide-minutes]")).to_have_text(str(deck.slides[1].minutes))
        expect(pace).to_have_text("Chrono arrêté")
        expect(page.locator("[data-preview=next] .slide")).to_have_attribute("data-n", "3")
        expect(page.locator("[data-next-title]")).to_have_text(deck.slides[2].title)

        page.get_by_role("button", name="Démarrer le chrono").click()
        page.clock.fast_forward("02:05")
        expect(total).to_have_text(re.compile(r"^0:02:0\d$"))
        before, until_end = deck.slides[0].minutes, deck.slides[0].minutes + deck.slides[1].minutes
        expect(pace).to_have_text(f"En avance de {before - 2} min" if before > 2 else "Dans les temps")
        page.clock.fast_forward(f"{until_end + 1 - 2:02d}:00")
        expect(pace).to_have_text(re.compile(r"^En retard de [12] min$"))

        # A new slide restarts the slide's clock, not the module's.
        page.keyboard.press("ArrowRight")
        expect(page.locator("[data-counter]")).to_have_text("3")
        expect(slide_time).to_have_text(re.compile(r"^0:0\d$"))
        expect(page.locator("[data-slide-minutes]")).to_have_text(str(deck.slides[2].minutes))
        expect(total).to_have_text(re.compile(rf"^0:{until_end + 1:02d}:0\d$"))

        # Paused, the module's clock stands still; reset puts it back to zero.
        page.get_by_role("button", name="Pause").click()
        held = total.text_content()
        page.clock.fast_forward("05:00")
        expect(total).to_have_text(held or "")
        page.get_by_role("button", name="Remettre à zéro").click()
        expect(total).to_have_text("0:00:00")
        expect(pace).to_have_text("Chrono arrêté")
    finally:
        page.close()


def test_f_key_toggles_fullscreen(page: Page, live_server: str) -> None:
    """F, or the toolbar's button, puts the projector in fullscreen and back."""
    page.goto(projector_url(live_server, 1))
    expect_slide(page, 1)
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === null")
