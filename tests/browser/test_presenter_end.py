"""Issue 17, items 6 and 8: the presenter's question panel says who answered what without judging before the
reveal, and ending a session asks first, then the projector says goodbye and the results page is there."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, expect

from slides import Deck
from tests.browser.helpers import PHONE
from tests.browser.test_live_animator import (
    axe_violations,
    describe,
    expect_projector_at,
    join_code,
    join_phone,
    open_presenter,
    quiz_slides,
    shown_slide,
    start_session,
)
from tests.servers import AppServer


def test_presenter_marks_valider_and_the_end_of_the_session(browser: Browser, context: BrowserContext,
                                                            app_server: AppServer, deck: Deck,
                                                            artifacts: Path) -> None:
    base = app_server.url
    before_slide, before = next((s.number, s.quiz) for s in deck.slides if s.quiz and s.quiz.check == "avant")
    quiz_slide, quiz = quiz_slides(deck)[0]
    assert quiz.number >= 10, "les 8 premières questions du module 1 sont le positionnement « avant »"
    right = list(quiz.correct)
    wrong = next(i for i in range(len(quiz.choices)) if i not in quiz.correct)
    projector = context.new_page()
    session_id = start_session(projector, base)
    code = join_code(projector)
    awa, bruno = join_phone(base, code, "Awa"), join_phone(base, code, "Bruno")
    try:
        presenter = open_presenter(context, base, session_id)
        # The join slide has no planned time: the slide timer does not say « sur 0 min ».
        expect(presenter.locator("[data-slide-plan]")).to_be_hidden()
        assert "sur 0 min" not in presenter.locator(".timers").inner_text()
        panel = presenter.locator("[data-quiz-panel]")

        # A « avant » item: answered, never judged.
        presenter.get_by_label("Aller à").select_option(str(before_slide))
        expect_projector_at(projector, before_slide)
        panel.get_by_role("button", name="Ouvrir", exact=True).click()
        expect(panel.locator("[data-quiz-status]")).to_contain_text("Ouverte")
        assert awa.call("answer", {"quiz": before.number, "choices": [0]}, namespace="/participant",
                        timeout=10)["ok"]
        panel.get_by_role("button", name="Fermer les réponses").click()
        expect(panel.locator("[data-quiz-status]")).to_contain_text("Réponses fermées")

        # Question 10+: Awa wrong, Bruno right. Before the reveal, the roster only says who answered what.
        presenter.get_by_label("Aller à").select_option(str(quiz_slide))
        expect_projector_at(projector, quiz_slide)
        expect(presenter.locator("[data-slide-plan]")).to_be_visible()
        panel.get_by_role("button", name="Ouvrir", exact=True).click()
        expect(panel.locator("[data-quiz-status]")).to_contain_text("Ouverte")
        for phone, choices in ((awa, [wrong]), (bruno, right)):
            assert phone.call("answer", {"quiz": quiz.number, "choices": choices}, namespace="/participant",
                              timeout=10)["ok"]
        awa_row = presenter.locator(".person-button", has_text="Awa")
        bruno_row = presenter.locator(".person-button", has_text="Bruno")
        expect(awa_row).to_contain_text(f"a répondu {quiz.choices[wrong].letter}")
        expect(bruno_row).to_contain_text("a répondu " + ", ".join(quiz.choices[i].letter for i in right))
        roster = presenter.locator("[data-roster]")
        assert "✓" not in roster.inner_text() and "✗" not in roster.inner_text()
        expect(roster.locator(".answer-chip.is-right, .answer-chip.is-wrong")).to_have_count(0)
        # Equal tracks: every row's bar is as long as the others, whatever its count or mark.
        expect(panel.locator(".tally-row")).to_have_count(len(quiz.choices))
        widths = panel.locator(".tally-row .result-bar").evaluate_all(
            "bars => bars.map(b => Math.round(b.getBoundingClientRect().width))")
        assert len(set(widths)) == 1 and widths[0] > 40, widths
        presenter.screenshot(path=str(artifacts / "i17-presentateur-avant-revelation.png"))
        # One « Fermer » in the column: the question's is « Fermer les réponses », the entry's « Replier ».
        awa_row.click()
        entry = presenter.locator(".answer-entry:visible")
        submit = entry.get_by_role("button", name="Valider")
        expect(submit).to_be_disabled()
        expect(presenter.get_by_role("button", name="Fermer", exact=True)).to_have_count(0)
        submit.scroll_into_view_if_needed()
        presenter.screenshot(path=str(artifacts / "i17-presentateur-saisie-valider-inactif.png"))
        entry.get_by_role("button", name=f"Réponse {quiz.choices[right[0]].letter} :").click()
        expect(submit).to_be_enabled()
        entry.get_by_role("button", name="Replier").click()
        expect(entry).to_have_count(0)

        # After the reveal, right and wrong show.
        panel.get_by_role("button", name="Fermer les réponses").click()
        panel.get_by_role("button", name="Montrer la réponse").click()
        expect(awa_row.locator(".answer-chip.is-wrong")).to_contain_text("✗")
        expect(bruno_row.locator(".answer-chip.is-right")).to_contain_text("✓")
        presenter.screenshot(path=str(artifacts / "i17-presentateur-apres-revelation.png"))
        violations = axe_violations(presenter)
        assert not violations, "axe, présentateur :\n" + describe(violations)

        remote_context = browser.new_context(viewport=PHONE, storage_state=context.storage_state(),
                                             is_mobile=True, has_touch=True)
        try:
            remote = open_presenter(remote_context, base, session_id)
            remote.locator(".presenter-quiz").scroll_into_view_if_needed()
            remote.screenshot(path=str(artifacts / "i17-presentateur-telephone-question.png"))
            remote.locator(".presenter-roster").scroll_into_view_if_needed()
            remote.screenshot(path=str(artifacts / "i17-presentateur-telephone-participants.png"))
        finally:
            remote_context.close()

        # Ending asks first; then the projector says goodbye, without the code.
        page = context.new_page()
        page.goto(f"{base}/animateur/seances/{session_id}")
        expect(page.get_by_role("button", name="Oui, terminer la séance")).to_be_hidden()
        page.locator("[data-end-confirm] summary").click()
        expect(page.get_by_text("Terminer la séance maintenant ?")).to_be_visible()
        page.screenshot(path=str(artifacts / "i17-seance-confirmer-la-fin.png"))
        expect(projector.locator("[data-live-status=online]")).to_have_count(1)  # nothing ended yet
        end_session_confirmed = page.get_by_role("button", name="Oui, terminer la séance")
        end_session_confirmed.click()
        expect(page.locator(".flash")).to_contain_text("Séance terminée")
        expect(shown_slide(projector)).to_have_attribute("data-n", "fin")
        expect(shown_slide(projector)).to_contain_text("Merci, à bientôt !")
        expect(projector.locator(".join-badge:visible")).to_have_count(0)
        expect(projector.locator(".join-code:visible")).to_have_count(0)
        projector.keyboard.press("j")  # the join overlay does not come back
        expect(projector.locator(".join-code:visible")).to_have_count(0)
        projector.screenshot(path=str(artifacts / "i17-projecteur-fin.png"))

        # The results page, from the session's page.
        page.get_by_role("link", name="Résultats de la séance").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(deck.meta.title)
        expect(page.get_by_role("row", name="Awa")).to_contain_text("faux")
        expect(page.get_by_role("row", name="Bruno")).to_contain_text("juste")
        expect(page.locator(".check-tag", has_text="avant").first).to_be_visible()
        page.screenshot(path=str(artifacts / "i17-resultats.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, "axe, résultats :\n" + describe(violations)
        page.emulate_media(media="print")
        page.screenshot(path=str(artifacts / "i17-resultats-impression.png"), full_page=True)
        pdf = artifacts / "i17-resultats.pdf"
        page.pdf(path=str(pdf), format="A4")
    finally:
        awa.disconnect()
        bruno.disconnect()


def test_end_button_alone_does_not_end(context: BrowserContext, app_server: AppServer) -> None:
    """Opening the confirm step and closing it again leaves the session live."""
    base = app_server.url
    projector = context.new_page()
    session_id = start_session(projector, base)
    page = context.new_page()
    page.goto(f"{base}/animateur/seances/{session_id}")
    summary = page.locator("[data-end-confirm] summary")
    summary.click()
    summary.click()
    expect(page.get_by_role("button", name="Oui, terminer la séance")).to_be_hidden()
    page.reload()
    expect(page.locator(".status-live")).to_have_count(1)
    expect(projector.locator("[data-live-status=online]")).to_have_count(1)
