"""The animator's side of a live session, in Chromium against a real gevent server (run.py).

Projector and presenter are two tabs of one signed-in browser: they only meet through the
server (no BroadcastChannel in live mode). A participant's phone is simulated with
python-socketio after joining over HTTP, CSRF token and all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests
import socketio
from playwright.sync_api import Browser, BrowserContext, Page, expect

from slides import Deck, Quiz
from tests.browser.helpers import PHONE
from tests.servers import AppServer

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SLUG = "01-smartphone-wifi"  # the demo session's module



def start_session(page: Page, base: str) -> int:
    """Start the demo session from its page, the way an animator does; returns its id."""
    page.goto(base + "/animateur/")
    page.get_by_role("link", name="Mon smartphone et le Wi-Fi").click()
    page.get_by_role("button", name="Démarrer la séance").click()
    expect(page).to_have_url(re.compile(r"/animateur/seances/\d+/projection$"))
    found = re.search(r"/seances/(\d+)/", page.url)
    assert found
    expect(page.locator("[data-live-status=online]")).to_have_count(1)
    return int(found.group(1))


def end_session(page: Page) -> None:
    """« Terminer la séance » on the session's page, then its confirmation."""
    page.locator("[data-end-confirm] summary").click()
    page.get_by_role("button", name="Oui, terminer la séance").click()


def join_code(projector: Page) -> str:
    """The 6 digits shown on the join slide, as "123 456"."""
    text = projector.locator(".join-code").inner_text()
    found = re.search(r"\b(\d{3}) (\d{3})\b", text)
    assert found, f"pas de code « 123 456 » sur la diapo d'accueil : {text!r}"
    return found.group(1) + found.group(2)


def open_presenter(context: BrowserContext, base: str, session_id: int) -> Page:
    """The live presenter in a second tab, connected."""
    presenter = context.new_page()
    presenter.goto(f"{base}/animateur/seances/{session_id}/presentateur")
    expect(presenter.locator("[data-live-status=online]")).to_have_count(1)
    return presenter


def join_phone(base: str, code: str, nickname: str) -> socketio.Client:
    """A participant's phone: pick a name over HTTP (with the CSRF token), then connect its socket."""
    http = requests.Session()
    form = http.get(f"{base}/j/{code}", timeout=10)
    assert form.ok, form.text[:500]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    assert token, "pas de jeton CSRF dans le formulaire du téléphone"
    joined = http.post(f"{base}/j/{code}/nouveau", data={"nickname": nickname, "avatar": "🐱",
                                                         "csrf_token": token.group(1)},
                       allow_redirects=False, timeout=10)
    assert joined.status_code == 302, joined.text[:500]
    phone = socketio.Client(reconnection=False)
    phone.connect(base, namespaces=["/participant"], auth={"code": code},
                  headers={"Cookie": f"kit_device={http.cookies['kit_device']}"}, wait_timeout=10)
    return phone


def shown_slide(projector: Page) -> Any:
    """The one slide the projector shows."""
    return projector.locator(".stage > .slide:visible")


def expect_projector_at(projector: Page, n: int) -> None:
    """The projector shows slide n, and only it."""
    expect(shown_slide(projector)).to_have_count(1)
    expect(shown_slide(projector)).to_have_attribute("data-n", str(n))
    expect(projector.locator(".toolbar [data-counter]")).to_have_text(str(n))


def quiz_slides(deck: Deck) -> list[tuple[int, Quiz]]:
    """(slide number, question) of every real quiz of the module, polls and the check « avant » left out."""
    return [(s.number, s.quiz) for s in deck.slides
            if s.quiz is not None and not s.quiz.is_poll and s.quiz.check != "avant"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds on the page as it is now."""
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


def describe(violations: list[dict[str, Any]]) -> str:
    """axe's violations, one line per rule and offending node."""
    return "\n".join(f"- {v['id']} : {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in violations)


def body_spill(page: Page, n: int) -> int:
    """How many pixels of slide n's body would be cut off (0 when it fits)."""
    return page.locator(f'.stage > .slide[data-n="{n}"] .slide-body').evaluate(
        "b => Math.max(b.scrollHeight - b.clientHeight, b.scrollWidth - b.clientWidth)")


def test_join_slide_keys_and_presenter_through_the_server(context: BrowserContext, app_server: AppServer, deck: Deck,
                                                          artifacts: Path) -> None:
    """Start → join slide (QR code, address, code); keys and buttons move both windows through the server."""
    base = app_server.url
    projector = context.new_page()
    session_id = start_session(projector, base)

    # Slide 0: the QR code loaded, the short address and the code in big type.
    expect_projector_at(projector, 0)
    join = projector.locator("[data-join-slide]")
    qr = join.get_by_role("img", name="QR code pour rejoindre la séance")
    expect(qr).to_be_visible()
    projector.wait_for_function("() => document.querySelector('.join-qr').naturalWidth > 0")
    expect(join.locator(".join-url")).to_contain_text(f"{base}/j")
    code = join_code(projector)
    expect(join.locator(".join-count")).to_have_text("Aucun participant connecté pour l'instant")
    assert body_spill(projector, 0) <= 1
    assert projector.locator(".join-code").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 100
    violations = axe_violations(projector)
    assert not violations, "axe, projection (diapo d'accueil) :\n" + describe(violations)

    phone = join_phone(base, code, "Awa")
    try:
        expect(join.locator(".join-count")).to_have_text("1 participant connecté")
        projector.screenshot(path=str(artifacts / "live-projecteur-accueil.png"))

        presenter = open_presenter(context, base, session_id)
        counter = presenter.locator("[data-counter]")
        expect(counter).to_have_text("0")
        expect(presenter.locator("[data-current-title]")).to_have_text("Rejoindre la séance")

        # Keys on the projector: the server moves both windows.
        last = len(deck.slides)
        for key, n in [("ArrowRight", 1), ("PageDown", 2), ("Space", 3), ("ArrowLeft", 2), ("PageUp", 1),
                       ("End", last), ("Home", 0), ("ArrowRight", 1)]:
            projector.keyboard.press(key)
            expect_projector_at(projector, n)
            expect(counter).to_have_text(str(n))
        expect(presenter.locator("[data-notes]:not([hidden])")).to_have_attribute("data-notes", "1")

        # The presenter's buttons and list move the projector.
        presenter.get_by_role("button", name="Suivante").click()
        expect_projector_at(projector, 2)
        presenter.get_by_role("button", name="Précédente").click()
        expect_projector_at(projector, 1)
        presenter.get_by_label("Aller à").select_option("5")
        expect_projector_at(projector, 5)
        expect(counter).to_have_text("5")

        # Two quick presses add up: the second starts from the slide already asked for.
        projector.keyboard.press("ArrowRight")
        projector.keyboard.press("ArrowRight")
        expect_projector_at(projector, 7)
        expect(counter).to_have_text("7")

        # J shows the join details over the slide; every slide keeps a corner badge.
        badge = shown_slide(projector).locator(".join-badge")
        expect(badge).to_contain_text(f"Rejoindre : {base}/j")
        expect(badge).to_contain_text(f"code {code[:3]} {code[3:]}")
        projector.keyboard.press("j")
        expect(join).to_be_visible()
        projector.screenshot(path=str(artifacts / "live-projecteur-touche-j.png"))
        projector.keyboard.press("Escape")
        expect(join).to_be_hidden()
        expect_projector_at(projector, 7)

        # Black screen goes through the server, both ways.
        projector.keyboard.press("b")
        expect(projector.locator(".blackout")).to_be_visible()
        expect(presenter.get_by_role("button", name="Écran noir")).to_have_attribute("aria-pressed", "true")
        presenter.get_by_role("button", name="Écran noir").click()
        expect(projector.locator(".blackout")).to_be_hidden()

        # Keys in the notes scroll the notes, not the slides.
        presenter.locator(".presenter-notes").focus()
        presenter.keyboard.press("ArrowDown")
        presenter.keyboard.press("PageDown")
        presenter.keyboard.press("Space")
        expect(counter).to_have_text("7")
        expect_projector_at(projector, 7)

        violations = axe_violations(presenter)
        assert not violations, "axe, présentateur :\n" + describe(violations)

        # With the corner badge in their footer, every slide still fits (shown one by one, as the deck does).
        projector.wait_for_function("() => Array.prototype.every.call(document.images, i => i.complete)")
        spills = projector.evaluate("""() => Array.from(document.querySelectorAll('.stage > .slide'), s => {
            const hidden = s.hidden; s.hidden = false; KitDeck.fitSlide(s);
            const b = s.querySelector('.slide-body');
            const spill = Math.max(b.scrollHeight - b.clientHeight, b.scrollWidth - b.clientWidth);
            s.hidden = hidden; KitDeck.fitSlide(s); return [s.dataset.n, spill]; })""")
        assert len(spills) == len(deck.slides) + 2  # with the join slide and the closing slide
        assert [n for n, spill in spills if spill > 1] == []

        # Ended from its page: the windows say so, and a refused move comes back in French.
        ender = context.new_page()
        ender.goto(f"{base}/animateur/seances/{session_id}")
        end_session(ender)
        toast = projector.locator("[data-toast]")
        expect(toast).to_have_text("La séance est terminée.")
        expect(projector.locator("[data-live-status=ended]")).to_have_count(1)
        projector.keyboard.press("ArrowRight")
        expect(toast).to_contain_text("Cette séance n'est pas en cours")
        # The closing slide stays: the code and the address are gone from the screen.
        expect(shown_slide(projector)).to_have_attribute("data-n", "fin")
        expect(shown_slide(projector)).to_contain_text("Merci, à bientôt !")
        expect(projector.locator(".join-badge:visible")).to_have_count(0)
    finally:
        phone.disconnect()


def test_a_question_from_opening_to_results(browser: Browser, context: BrowserContext, app_server: AppServer,
                                            deck: Deck, artifacts: Path) -> None:
    """Open from the presenter → a phone answers → "1 / 1 ont répondu" → reveal → chart, key, explanation;
    then an answer entered for someone who answers aloud."""
    base = app_server.url
    (first_slide, first), (second_slide, second) = quiz_slides(deck)[:2]
    projector = context.new_page()
    session_id = start_session(projector, base)
    phone = join_phone(base, join_code(projector), "Awa")
    try:
        presenter = open_presenter(context, base, session_id)
        presenter.get_by_label("Aller à").select_option(str(first_slide))
        expect_projector_at(projector, first_slide)
        slide = shown_slide(projector)
        panel = presenter.locator("[data-quiz-panel]")
        expect(panel).to_be_visible()
        expect(panel.get_by_role("button", name="Fermer")).to_be_disabled()

        panel.get_by_role("button", name="Ouvrir", exact=True).click()
        expect(slide.locator(".live-progress")).to_contain_text("0 / 1 ont répondu")
        expect(panel.locator("[data-quiz-status]")).to_have_text("Ouverte : 0 / 1 ont répondu.")

        choice = first.correct[0]
        ack = phone.call("answer", {"quiz": first.number, "choices": [choice]}, namespace="/participant", timeout=10)
        assert ack == {"ok": True, "quiz": first.number, "choices": [choice]}
        expect(slide.locator(".live-progress")).to_contain_text("1 / 1 ont répondu")
        # Before the reveal the projector shows no tally, no key and no explanation.
        expect(slide.locator(".results")).to_have_count(0)
        explanation = " ".join(re.sub(r"<[^>]+>", " ", first.explanation_html).split())
        assert explanation not in " ".join(projector.locator("body").inner_text().split())
        # The presenter follows the answers as they come, and who answered.
        expect(panel.locator(".tally-row").nth(choice)).to_contain_text("1 réponse")
        awa = presenter.locator(".person-button", has_text="Awa")
        expect(awa).to_contain_text(f"a répondu {first.choices[choice].letter}")
        expect(awa).to_contain_text("connecté·e")
        projector.screenshot(path=str(artifacts / "live-projecteur-question-ouverte.png"))

        panel.get_by_role("button", name="Fermer").click()
        expect(slide.locator(".live-progress")).to_contain_text("Réponses fermées")
        panel.get_by_role("button", name="Montrer la réponse").click()
        results = slide.locator(".results")
        expect(results).to_be_visible()
        expect(results.locator(".result")).to_have_count(len(first.choices))
        expect(results.locator(".result.is-correct")).to_have_count(len(first.correct))
        expect(results.locator(".result").nth(choice).locator(".result-count")).to_contain_text("1")
        expect(results.locator(".result").nth(choice)).to_contain_text("Bonne réponse")
        expect(results.locator(".explanation")).to_contain_text(explanation[:40])
        expect(slide.locator(".quiz-main")).to_be_hidden()
        assert body_spill(projector, first_slide) <= 1, "les résultats sont coupés"
        projector.screenshot(path=str(artifacts / "live-projecteur-resultats.png"))
        violations = axe_violations(projector)
        assert not violations, "axe, projection (résultats) :\n" + describe(violations)

        # Someone answers aloud: the animator enters it from the roster.
        presenter.get_by_role("button", name="Suivante").click()
        presenter.get_by_label("Aller à").select_option(str(second_slide))
        expect_projector_at(projector, second_slide)
        panel.get_by_role("button", name="Ouvrir", exact=True).click()
        expect(shown_slide(projector).locator(".live-progress")).to_contain_text("0 / 1 ont répondu")
        awa.click()
        entry = presenter.locator(".answer-entry:visible")
        expect(entry).to_contain_text(f"Réponse de Awa à la question {second.number}")
        expect(entry.get_by_role("button", name="Valider")).to_be_disabled()  # until a choice is made
        pick = second.correct[0]
        letter = second.choices[pick].letter
        entry.get_by_role("button", name=f"Réponse {letter} :").click()
        expect(entry.get_by_role("button", name=f"Réponse {letter} :")).to_have_attribute("aria-pressed", "true")
        entry.get_by_role("button", name="Valider").click()
        expect(entry.locator(".entry-result")).to_have_text(f"Réponse de Awa enregistrée : {letter}.")
        expect(shown_slide(projector).locator(".live-progress")).to_contain_text("1 / 1 ont répondu")
        expect(awa).to_contain_text(f"a répondu {letter}")
        # Closed, then back on the first question: the roster shows Awa's answer to it again. It comes with the
        # move's state (a move sends no roster), and goes when the second question is shown again.
        panel.get_by_role("button", name="Fermer").click()
        presenter.get_by_label("Aller à").select_option(str(first_slide))
        expect_projector_at(projector, first_slide)
        expect(awa).to_contain_text(f"a répondu {first.choices[choice].letter}")
        presenter.get_by_label("Aller à").select_option(str(second_slide))
        expect_projector_at(projector, second_slide)
        expect(awa).to_contain_text(f"a répondu {letter}")
        presenter.screenshot(path=str(artifacts / "live-presentateur.png"))
        violations = axe_violations(presenter)
        assert not violations, "axe, présentateur (saisie d'une réponse) :\n" + describe(violations)

        # The presenter as a remote on the animator's phone.
        remote_context = browser.new_context(viewport=PHONE, storage_state=context.storage_state(),
                                                     is_mobile=True, has_touch=True)
        try:
            remote = open_presenter(remote_context, base, session_id)
            expect(remote.locator("[data-counter]").first).to_have_text(str(second_slide))
            next_button = remote.get_by_role("button", name="Suivante")
            box = next_button.bounding_box()
            assert box is not None and box["height"] >= 56 and box["y"] + box["height"] >= PHONE["height"] - 16, \
                "Suivante doit rester en bas de l'écran, sous le pouce"
            remote.screenshot(path=str(artifacts / "live-presentateur-telephone.png"))
            remote.locator(".presenter-roster").scroll_into_view_if_needed()
            remote.screenshot(path=str(artifacts / "live-presentateur-telephone-participants.png"))
            violations = axe_violations(remote)
            assert not violations, "axe, présentateur sur téléphone :\n" + describe(violations)
            next_button.tap()
            expect_projector_at(projector, second_slide + 1)
        finally:
            remote_context.close()
    finally:
        phone.disconnect()


def test_the_check_avant_is_counted_but_never_revealed(context: BrowserContext, app_server: AppServer, deck: Deck,
                                                       artifacts: Path) -> None:
    """A question « Positionnement : avant »: the projector counts the answers only; the presenter cannot reveal."""
    base = app_server.url
    slide_number, quiz = next((s.number, s.quiz) for s in deck.slides if s.quiz and s.quiz.check == "avant")
    projector = context.new_page()
    session_id = start_session(projector, base)
    phone = join_phone(base, join_code(projector), "Awa")
    try:
        presenter = open_presenter(context, base, session_id)
        presenter.get_by_label("Aller à").select_option(str(slide_number))
        expect_projector_at(projector, slide_number)
        slide = shown_slide(projector)
        panel = presenter.locator("[data-quiz-panel]")
        expect(panel.get_by_role("button", name="Montrer la réponse")).to_be_disabled()
        expect(panel.locator("[data-quiz-status]")).to_contain_text("la réponse ne sera pas montrée")
        panel.get_by_role("button", name="Ouvrir", exact=True).click()
        expect(slide.locator(".live-progress")).to_contain_text("C'est normal de ne pas savoir")
        ack = phone.call("answer", {"quiz": quiz.number, "choices": [0]}, namespace="/participant", timeout=10)
        assert ack["ok"]
        expect(slide.locator(".live-progress")).to_contain_text("1 / 1 ont répondu")
        panel.get_by_role("button", name="Fermer").click()
        expect(slide.locator(".live-progress")).to_contain_text("Réponses fermées")
        # The R key of the projector asks anyway: the server refuses, in French, and nothing is shown.
        projector.keyboard.press("r")
        expect(projector.get_by_text("jamais montrée").first).to_be_visible()
        expect(slide.locator(".results")).to_have_count(0)
        projector.screenshot(path=str(artifacts / "live-projecteur-positionnement-avant.png"))
        presenter.screenshot(path=str(artifacts / "live-presentateur-positionnement-avant.png"))
    finally:
        phone.disconnect()
