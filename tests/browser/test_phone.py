"""The participants' phones against a real server (run.py, gevent): join with the keypad, pick a name,
follow the session, answer, come back after a reload or a lost connection, see the result.

The animator's side is driven over HTTP and Socket.IO (tests/livedriver.py). Screenshots go to
test-artifacts/telephone-*.png, at 393 px and 320 px wide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from kit.extensions import db
from kit.models import ModuleRevision, TrainingSession
from slides import Deck
from tests.browser.conftest import IGNORED_CONSOLE, Live
from tests.browser.helpers import AXE, PHONE, describe
from tests.conftest import make_app
from tests.databases import query
from tests.livedriver import LiveAnimator
from tests.servers import AppServer
from tests.web import WebClient

ROOT = Path(__file__).resolve().parent.parent.parent
SLUG = "01-smartphone-wifi"
NARROW: ViewportSize = {"width": 320, "height": 640}
WIDTHS = {"393": PHONE, "320": NARROW}
# The speech synthesis of headless Chromium has no voice: record what the page asks it to say.
SPEECH_SPY = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push({text: u.text, lang: u.lang}); };
}
"""


def slide_of(deck: Deck, quiz: int) -> int:
    """The slide that shows question `quiz`."""
    return next(s.number for s in deck.slides if s.quiz and s.quiz.number == quiz)


@pytest.fixture
def phones(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """One browser context (one phone, with its own cookies) per width."""
    made = {name: browser.new_context(viewport=size, locale="fr-FR", has_touch=True) for name, size in WIDTHS.items()}
    for context in made.values():
        context.add_init_script(SPEECH_SPY)
    yield made
    for context in made.values():
        context.close()


def open_page(context: BrowserContext) -> tuple[Page, list[str]]:
    """A new tab, and the list where its script errors are collected."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A server stopped by the test: the phone's retries fail, over long-polling or (once one has worked) WebSocket.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith(IGNORED_CONSOLE) else None)
    return page, errors


def join(page: Page, base: str, code: str, nickname: str, avatar: str = "Souris") -> None:
    """Open the session's page, type a new nickname, pick an avatar and go to the live page."""
    page.goto(f"{base}/j/{code}")
    page.get_by_label("Votre prénom ou surnom").fill(nickname)
    page.locator("label.avatar-choice", has_text=avatar).click()
    page.get_by_role("button", name="C'est parti !").click()
    expect(page.locator("[data-connection]")).to_have_text("En ligne")


def shown(page: Page) -> Locator:
    """The view on screen of the live page (not the hidden announcements for screen readers)."""
    return page.locator("[data-view]:not([hidden])")


def answer(page: Page, letter: str) -> None:
    """Tap the answer button of this letter."""
    page.get_by_role("button", name=re.compile(rf"^Réponse {letter} : ")).click()


def expect_pressed(page: Page, letters: str) -> None:
    """Exactly these answers are marked as chosen."""
    buttons = page.locator("[data-answers] button")
    for index in range(buttons.count()):
        letter = "ABCDEF"[index]
        expect(buttons.nth(index)).to_have_attribute("aria-pressed", "true" if letter in letters else "false")


def axe_violations(page: Page) -> list[dict]:
    """What axe-core finds wrong on the page as it is now."""
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]


def assert_accessible(page: Page, what: str) -> None:
    """axe-core reports no violation."""
    violations = axe_violations(page)
    assert not violations, f"axe : {len(violations)} règle(s) enfreinte(s) sur {what}\n" + describe(violations)


def shoot(page: Page, artifacts: Path, name: str) -> None:
    """A full-page screenshot, to look at."""
    path = artifacts / f"telephone-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 3000


@pytest.mark.parametrize("width", list(WIDTHS))
def test_keypad_then_new_participant(phones: dict[str, BrowserContext], live: Live, artifacts: Path,
                                     width: str) -> None:
    """Tap the code on the keypad, pick a name and an avatar, land on the live page."""
    page, errors = open_page(phones[width])
    page.goto(live.url + "/j")
    code_field = page.get_by_label("Tapez le code affiché à l'écran")
    expect(page.get_by_role("button", name="Entrer")).to_be_hidden()  # the keypad replaces it
    assert_accessible(page, f"/j ({width} px)")
    shoot(page, artifacts, f"code-{width}")

    # Too short: said on the phone, nothing sent.
    for digit in live.code[:5]:
        page.get_by_role("button", name=digit, exact=True).click()
    expect(code_field).to_have_value(f"{live.code[:3]} {live.code[3:5]}")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_have_text("Le code a 6 chiffres. Vous en avez tapé 5.")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Effacer le dernier chiffre").click()
    expect(code_field).to_have_value(live.code[:3] + " " + live.code[3:4])

    # A wrong code: the server says so, in French.
    wrong = f"{(int(live.code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        page.get_by_role("button", name="Effacer le dernier chiffre").click()
    expect(code_field).to_have_value("")
    for digit in wrong:
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code ne correspond à aucune séance en cours")
    shoot(page, artifacts, f"code-erreur-{width}")

    for _ in range(6):
        page.get_by_role("button", name="Effacer le dernier chiffre").click()
    for digit in live.code:
        page.get_by_role("button", name=digit, exact=True).click()
    expect(code_field).to_have_value(f"{live.code[:3]} {live.code[3:]}")
    page.get_by_role("button", name="OK").click()
    expect(page).to_have_url(f"{live.url}/j/{live.code}")
    expect(page.get_by_role("heading", name="Qui êtes-vous ?")).to_be_visible()
    assert_accessible(page, f"le choix du prénom, groupe vide ({width} px)")

    # No name: a clear error, the field is focused.
    page.get_by_role("button", name="C'est parti !").click()
    expect(page.get_by_role("alert")).to_have_text("Écrivez votre prénom ou un surnom.")
    expect(page.get_by_label("Votre prénom ou surnom")).to_be_focused()
    assert_accessible(page, f"le choix du prénom avec une erreur ({width} px)")
    shoot(page, artifacts, f"prenom-erreur-{width}")

    page.get_by_label("Votre prénom ou surnom").fill(f"Léa {width}")
    page.locator("label.avatar-choice", has_text="Souris").click()
    expect(page.get_by_label("Souris")).to_be_checked()
    shoot(page, artifacts, f"prenom-{width}")
    page.get_by_role("button", name="C'est parti !").click()

    expect(page).to_have_url(f"{live.url}/j/{live.code}")
    expect(page.locator(".me")).to_contain_text(f"Léa {width}")
    expect(page.locator("[data-connection]")).to_have_text("En ligne")
    expect(page.get_by_role("heading", name="Bienvenue !")).to_be_visible()
    expect(shown(page).get_by_text("Regardez l'écran.")).to_be_visible()
    assert_accessible(page, f"la page en direct, accueil ({width} px)")
    shoot(page, artifacts, f"accueil-{width}")
    assert errors == []


def test_returning_participant_taps_their_name(phones: dict[str, BrowserContext], live: Live,
                                              artifacts: Path) -> None:
    """Someone already in the group taps their name on a new phone and comes back as themselves."""
    for nickname in ("Awa", "Bruno", "Marie-Christine"):
        WebClient(live.url).join(live.code, nickname)
    page, errors = open_page(phones["320"])
    page.goto(f"{live.url}/j/{live.code}")
    expect(page.get_by_role("heading", name="Votre prénom est dans la liste ?")).to_be_visible()
    assert_accessible(page, "le choix du prénom avec la liste du groupe")
    shoot(page, artifacts, "liste-320")

    # A name already taken by someone else is refused, with a way out.
    page.get_by_label("Votre prénom ou surnom").fill("awa")
    page.get_by_role("button", name="C'est parti !").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce prénom est déjà dans le groupe")

    page.get_by_role("button", name="Bruno").click()
    expect(page.locator(".me")).to_contain_text("Bruno")
    expect(page.locator("[data-connection]")).to_have_text("En ligne")
    live.animator.wait_for(lambda state: state.get("present") == 1)
    assert errors == []


def test_question_answer_reload_and_reveal(phones: dict[str, BrowserContext], live: Live, deck: Deck,
                                           artifacts: Path) -> None:
    """Two phones answer a question with an image; one reloads; both see their own result."""
    quiz = 11  # "Vous voulez agrandir une photo", with an image; the right answer is C
    assert deck.quizzes[quiz - 1].correct == (2,) and deck.quizzes[quiz - 1].image is not None
    awa, awa_errors = open_page(phones["393"])
    bruno, bruno_errors = open_page(phones["320"])
    join(awa, live.url, live.code, "Awa")
    join(bruno, live.url, live.code, "Bruno", avatar="Panda")

    live.animator.goto(slide_of(deck, quiz))
    for page in (awa, bruno):
        expect(page.get_by_role("heading", name="La question va s'afficher ici.")).to_be_visible()
    assert "Bonne réponse" not in awa.content()

    live.animator.question("open", quiz)
    for page in (awa, bruno):
        expect(page.locator("[data-answers] button")).to_have_count(4)
        expect(page.get_by_role("button", name="Réponse C : Écarter deux doigts")).to_be_enabled()
        expect(page.get_by_role("img", name=re.compile("Quatre gestes"))).to_be_visible()
        expect(page.locator("[data-countdown]")).to_be_hidden()  # no timer, no countdown
    assert_accessible(awa, "une question ouverte (393 px)")
    assert_accessible(bruno, "une question ouverte (320 px)")
    shoot(awa, artifacts, "question-393")
    shoot(bruno, artifacts, "question-320")

    # Read aloud, in French: the question, then every answer with its letter.
    awa.get_by_role("button", name="Écouter").click()
    spoken = awa.evaluate("() => window.__spoken")
    assert spoken[0]["text"] == deck.quizzes[quiz - 1].question
    assert {"text": "Réponse C : Écarter deux doigts.", "lang": "fr-FR"} in spoken
    assert len(spoken) == 5

    answer(awa, "D")
    expect(awa.get_by_role("status").filter(has_text="Réponse envoyée ✓")).to_be_visible()
    expect(shown(awa).get_by_text("Vous pouvez changer d'avis")).to_be_visible()
    expect_pressed(awa, "D")
    live.animator.tally(quiz, [0, 0, 0, 1])
    answer(awa, "C")  # changes her mind
    expect_pressed(awa, "C")
    expect(awa.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
    answer(bruno, "A")
    expect(bruno.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
    live.animator.tally(quiz, [1, 0, 1, 0])
    shoot(awa, artifacts, "envoyee-393")
    shoot(bruno, artifacts, "envoyee-320")

    # A reload in the middle of the question: the answer is still there.
    awa.reload()
    expect(awa.locator("[data-connection]")).to_have_text("En ligne")
    expect_pressed(awa, "C")
    expect(awa.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")

    live.animator.question("close", quiz)
    for page, mine in ((awa, "C"), (bruno, "A")):
        expect(shown(page).get_by_text("Les réponses sont fermées.")).to_be_visible()
        expect(shown(page).get_by_text(f"Votre réponse : {mine}.")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("^Réponse A"))).to_be_disabled()
    shoot(bruno, artifacts, "fermee-320")

    live.animator.question("reveal", quiz)
    explanation = "On écarte deux doigts pour agrandir."
    expect(shown(awa).get_by_text("Bonne réponse !")).to_be_visible()
    expect(shown(awa).get_by_text(explanation)).to_be_visible()
    right = awa.get_by_role("button", name=re.compile("^Réponse C : Écarter deux doigts.*Bonne réponse"))
    expect(right).to_be_visible()
    # The "✓ Bonne réponse" tag goes below the answer's text: it never squeezes it to a letter per line.
    for page, letter in ((awa, "C"), (bruno, "A"), (bruno, "C")):
        button = page.get_by_role("button", name=re.compile(f"^Réponse {letter} "))
        text_width = button.locator(".answer-body").bounding_box()["width"]
        assert text_width > 0.6 * button.bounding_box()["width"], (letter, text_width)
    expect(shown(bruno).get_by_text("Pas tout à fait")).to_be_visible()
    expect(shown(bruno).locator("[data-result]")).to_contain_text("La bonne réponse : C : Écarter deux doigts")
    expect(shown(bruno).get_by_text(explanation)).to_be_visible()
    expect(bruno.get_by_role("button", name=re.compile("^Réponse A .*Votre réponse"))).to_be_visible()
    assert_accessible(awa, "le résultat d'une question (393 px)")
    assert_accessible(bruno, "le résultat d'une question (320 px)")
    shoot(awa, artifacts, "revelee-bonne-393")
    shoot(bruno, artifacts, "revelee-fausse-320")

    # Coming back after the reveal shows the same result.
    bruno.reload()
    expect(shown(bruno).get_by_text("Pas tout à fait")).to_be_visible()
    expect_pressed(bruno, "A")
    assert awa_errors == [] and bruno_errors == []


def test_multiple_choice_and_poll(phones: dict[str, BrowserContext], live: Live, deck: Deck,
                                  artifacts: Path) -> None:
    """Several answers need "Envoyer"; a poll has no right answer and thanks the participant."""
    page, errors = open_page(phones["320"])
    join(page, live.url, live.code, "Chloé")

    multiple = 10  # unlocking a phone: A, B and C are right
    assert deck.quizzes[multiple - 1].correct == (0, 1, 2)
    live.animator.goto(slide_of(deck, multiple))
    live.animator.question("open", multiple)
    expect(shown(page).get_by_text("Plusieurs réponses possibles")).to_be_visible()
    answer(page, "A")
    answer(page, "B")
    answer(page, "D")
    answer(page, "D")  # a second tap takes it back
    expect_pressed(page, "AB")
    expect(shown(page).get_by_text("Touchez « Envoyer » pour envoyer votre réponse.")).to_be_visible()
    live.animator.tally(multiple, [0, 0, 0, 0])  # nothing sent yet
    shoot(page, artifacts, "multiple-320")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
    live.animator.tally(multiple, [1, 1, 0, 0])
    assert_accessible(page, "une question à plusieurs réponses")

    live.animator.question("reveal", multiple)
    expect(shown(page).get_by_text("Pas tout à fait")).to_be_visible()
    result = shown(page).locator("[data-result]")
    expect(result).to_contain_text("Les bonnes réponses : A : Un code avec des chiffres B : Un schéma")
    expect(result.get_by_role("listitem")).to_have_text(
        [f"{choice.letter} : {choice.text}" for choice in deck.quizzes[multiple - 1].choices[:3]])
    shoot(page, artifacts, "multiple-revelee-320")

    poll = 9
    assert deck.quizzes[poll - 1].is_poll
    live.animator.goto(slide_of(deck, poll))
    live.animator.question("open", poll)
    expect(shown(page).get_by_text("Sondage : pas de bonne réponse")).to_be_visible()
    expect(page.locator("[data-answers] button")).to_have_count(len(deck.quizzes[poll - 1].choices))
    answer(page, "E")
    expect(page.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
    live.animator.question("reveal", poll)
    expect(shown(page).get_by_text("Merci ! Les résultats sont à l'écran.")).to_be_visible()
    expect(shown(page).get_by_text("Bonne réponse !", exact=True)).to_have_count(0)
    expect(shown(page).get_by_text("Pas tout à fait")).to_have_count(0)
    assert_accessible(page, "un sondage révélé")
    shoot(page, artifacts, "sondage-revele-320")
    assert errors == []


def test_answer_entered_by_the_animator_shows_when_the_phone_wakes_up(
        phones: dict[str, BrowserContext], live: Live, deck: Deck) -> None:
    """The animator enters an answer given aloud; the phone asks for the state when it is shown again."""
    page, errors = open_page(phones["393"])
    join(page, live.url, live.code, "Awa")
    live.animator.goto(slide_of(deck, 12))
    live.animator.question("open", 12)  # vrai-faux
    expect(shown(page).get_by_text("Vrai ou faux ? Touchez votre réponse.")).to_be_visible()
    expect_pressed(page, "")
    live.animator.call("answer_for", {"participant": live.animator.participant_id("Awa"), "quiz": 12, "choices": [1]})
    live.animator.tally(12, [0, 1])
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # the phone wakes up
    expect_pressed(page, "B")
    expect(page.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
    live.animator.question("reveal", 12)
    expect(shown(page).get_by_text("Bonne réponse !")).to_be_visible()
    assert errors == []


def test_activity_lost_connection_and_end(phones: dict[str, BrowserContext], live: Live, deck: Deck,
                                          artifacts: Path) -> None:
    """An activity's steps show on the phone; a server restart is survived; the end is said."""
    page, errors = open_page(phones["393"])
    join(page, live.url, live.code, "Awa")
    activity = next(s for s in deck.slides if s.kind == "activite")
    live.animator.goto(activity.number)
    expect(page.get_by_role("heading", name=activity.title)).to_be_visible()
    expect(shown(page).get_by_text("Faites ces étapes sur votre téléphone :")).to_be_visible()
    expect(page.locator("[data-activity] li").first).to_be_visible()
    expect(page.get_by_role("button", name="Écouter")).to_be_visible()
    assert_accessible(page, "une activité")
    shoot(page, artifacts, "activite-393")

    live.animator.close()
    live.server.stop()
    expect(page.locator("[data-banner]")).to_have_text("Connexion perdue… on réessaie")
    expect(page.locator("[data-connection]")).to_have_text("Hors ligne")
    shoot(page, artifacts, "connexion-perdue-393")
    live.server.start()
    expect(page.locator("[data-connection]")).to_have_text("En ligne", timeout=15000)
    expect(page.locator("[data-banner]")).not_to_have_text("Connexion perdue… on réessaie")
    expect(page.get_by_role("heading", name=activity.title)).to_be_visible()

    live.animator.connect()
    live.animator.goto(0)
    expect(page.get_by_role("heading", name="Bienvenue !")).to_be_visible()
    live.animator.end()
    expect(page.get_by_role("heading", name="La séance est terminée. Merci !")).to_be_visible()
    shoot(page, artifacts, "fin-393")
    assert errors == []


def test_refused_after_the_session_ended_offline(phones: dict[str, BrowserContext], live: Live,
                                                 artifacts: Path) -> None:
    """A phone that was away while the session ended hears it from the server, with a way back to /j."""
    page, _errors = open_page(phones["320"])
    join(page, live.url, live.code, "Awa")
    live.animator.close()
    live.server.stop()
    expect(page.locator("[data-banner]")).to_have_text("Connexion perdue… on réessaie")
    query(live.server.database_url, "UPDATE training_session SET status = 'ended', join_code = NULL")
    live.server.start()
    expect(page.get_by_role("heading", name="Impossible de rejoindre la séance")).to_be_visible(timeout=15000)
    # The server says "Cette séance est terminée ou le code est incorrect." (or the phone's own French words).
    expect(page.locator("[data-refused-message]")).to_contain_text("Cette séance est terminée")
    link = page.get_by_role("link", name="Taper le code de la séance")
    expect(link).to_have_attribute("href", "/j")
    assert_accessible(page, "une connexion refusée")
    shoot(page, artifacts, "refusee-320")
    link.click()
    expect(page.get_by_role("heading", name="Rejoindre la séance")).to_be_visible()

    # The session's address, now that it ended: a phone page that says so and leads to the keypad.
    response = page.goto(f"{live.url}/j/{live.code}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Séance introuvable")).to_be_visible()
    expect(page.get_by_text("Cette séance est terminée, ou le code est incorrect.")).to_be_visible()
    assert_accessible(page, "une séance introuvable")
    shoot(page, artifacts, "introuvable-320")
    page.get_by_role("link", name="Taper le code de la séance").click()
    expect(page.get_by_role("heading", name="Rejoindre la séance")).to_be_visible()


def test_countdown_and_answer_images(phones: dict[str, BrowserContext], app_server: AppServer, deck: Deck,
                                     artifacts: Path) -> None:
    """Only a question with a timer shows a countdown; an answer may carry an image."""
    source = (ROOT / "modules" / f"{SLUG}.md").read_text(encoding="utf-8")
    timed = source.replace("- [ ] Toucher une fois",
                           "- [ ] ![Un doigt touche l'écran](01-gestes.svg) Toucher une fois", 1)
    timed = timed.replace("Explication : On écarte deux doigts pour agrandir.",
                          "Minuteur : 90\nExplication : On écarte deux doigts pour agrandir.", 1)
    assert timed.count("Minuteur : 90") == 1 and "](01-gestes.svg) Toucher" in timed
    app = make_app(app_server.database_url)
    with app.app_context():
        revision = ModuleRevision(slug=SLUG, number=99, source=timed, source_hash="minuteur", author="test",
                                  message="minuteur")
        db.session.add(revision)
        db.session.flush()
        db.session.execute(sa.update(TrainingSession).values(revision_id=revision.id))
        db.session.commit()
        db.session.remove()  # give the connection back before closing them all
        db.engine.dispose()
    animator = LiveAnimator(app_server.url)
    try:
        code = animator.start()
        page, errors = open_page(phones["393"])
        join(page, app_server.url, code, "Awa")
        animator.goto(slide_of(deck, 11))
        animator.question("open", 11)
        countdown = page.locator("[data-countdown]")
        expect(countdown).to_be_visible()
        expect(countdown).to_have_text(re.compile(r"^Il reste (8\d|90) secondes$"))
        expect(page.get_by_role("button", name="Réponse A : Toucher une fois Un doigt touche l'écran")).to_be_visible()
        assert_accessible(page, "une question avec minuteur et images")
        shoot(page, artifacts, "minuteur-393")
        answer(page, "A")
        expect(page.locator("[data-feedback]")).to_contain_text("Réponse envoyée ✓")
        animator.question("close", 11)
        expect(countdown).to_be_hidden()
        assert errors == []
    finally:
        animator.close()


# --- The check « avant » (docs/authoring.md part 4): answered, never revealed, and reassuring ---------------

REASSURE = "C'est normal de ne pas savoir : on verra ensemble à la fin."


def test_a_phone_answers_an_avant_item_and_is_reassured(phones: dict[str, BrowserContext], live: Live, deck: Deck,
                                                        artifacts: Path) -> None:
    quiz = next(q for q in deck.quizzes if q.check == "avant")
    right = "ABCDEF"[quiz.correct[0]]
    page, errors = open_page(phones["393"])
    join(page, live.url, live.code, "Awa")
    live.animator.goto(slide_of(deck, quiz.number))
    live.animator.question("open", quiz.number)
    expect(page.get_by_role("heading", name=quiz.question)).to_be_visible()
    expect(page.locator("[data-answers] button")).to_have_count(len(quiz.choices))

    answer(page, right)
    expect_pressed(page, right)
    feedback = page.locator("[data-feedback]")
    expect(feedback).to_contain_text("Réponse envoyée ✓")
    expect(feedback).to_contain_text(REASSURE)
    assert_accessible(page, "une question du positionnement avant, répondue")
    shoot(page, artifacts, "positionnement-avant-393")

    # The animator closes it; the reveal is refused by the server: the phone never learns the answer.
    live.animator.question("close", quiz.number)
    expect(shown(page).locator("[data-result]")).to_contain_text(REASSURE)
    assert live.animator.client is not None
    refused = live.animator.client.call("question", {"action": "reveal", "quiz": quiz.number}, namespace="/animateur",
                                        timeout=10)
    assert refused["ok"] is False and refused["error"]["code"] == "positionnement_avant"
    page.reload()
    expect(shown(page).locator("[data-result]")).to_contain_text(REASSURE)
    expect_pressed(page, right)
    text = shown(page).inner_text()
    for never in ("Bonne réponse", "Pas tout à fait", "La bonne réponse", "Explication", "ont répondu"):
        assert never not in text, never
    shoot(page, artifacts, "positionnement-avant-ferme-393")
    assert errors == []
