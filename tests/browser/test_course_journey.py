"""Issue 15 end to end, in Chromium against a real server (run.py, gevent) with the demo data.

Two counselors of two SIAE orientatrices fill one offer of 3 seats at the same time (a fourth person goes on
the waiting list); a cancellation promotes the waiting person (their counselor is e-mailed); the offer's
animator starts the first half-day's session, phones join by tapping their names; the half-day's sign-in sheet
prints on one A4 page with them « présent·e ». Screenshots in test-artifacts/course-journey-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kit.courses.demo import COUNSELORS, OFFER_ANIMATOR
from kit.extensions import db
from kit.models import CourseOffer, Enrolment, MailMessage
from tests.browser.helpers import PHONE, PROJECTOR, pdf_pages, pdf_text, signed_in, to_png
from tests.conftest import make_app
from tests.servers import AppServer


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"course-journey-{name}.png"), full_page=True)


def _offer_of_3(database_url: str) -> tuple[int, int]:
    """The demo offer cut to 3 seats: (its id, the id of its first half-day's planned session)."""
    app = make_app(database_url)
    with app.app_context():
        offer = db.session.scalar(sa.select(CourseOffer))
        assert offer is not None, "l'offre de démonstration manque"
        offer.capacity = 3
        db.session.commit()
        session_id = offer.half_days[0].session_id
        assert session_id is not None
        return offer.id, session_id


def _state(database_url: str, offer_id: int) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Each enrolment's state by first name, and the (kind, address) of the mail queued."""
    app = make_app(database_url)
    with app.app_context():
        states = {e.employee.first_name: e.status for e in db.session.scalars(
            sa.select(Enrolment).where(Enrolment.offer_id == offer_id))}
        mail = [(m.kind, m.to_address) for m in db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id))]
        return states, mail


def _enrol_at_once(pages: list[Page], names: list[str]) -> None:
    """Each counselor picks one person, then both send without waiting for each other."""
    for page, name in zip(pages, names, strict=True):
        page.reload()
        select = page.get_by_label("Salarié·e à inscrire")
        value = select.locator("option", has_text=name).first.get_attribute("value")
        assert value, name
        select.select_option(value)
    for page in pages:
        page.get_by_role("button", name="Inscrire").click(no_wait_after=True)
    for page in pages:
        expect(page.locator(".flash").first).to_be_visible()


def test_course_journey(browser: Browser, app_server: AppServer, artifacts: Path) -> None:
    base, url = app_server.url, app_server.database_url
    offer_id, session_id = _offer_of_3(url)
    offer_url = f"{base}/formations/{offer_id}"
    contexts: list[BrowserContext] = []
    try:
        # Two counselors of two SIAE orientatrices, each in their own browser, on the same offer.
        pages = []
        for email, password, *_rest in COUNSELORS:
            contexts.append(signed_in(browser, base, email, password, PROJECTOR))
            page = contexts[-1].new_page()
            page.goto(offer_url)
            pages.append(page)
        _enrol_at_once(pages, ["Awa", "Fatou"])
        _enrol_at_once(pages, ["Bruno", "Gérard"])  # 4 people for 3 seats: one goes on the waiting list
        for page in pages:
            page.goto(offer_url)
            expect(page.locator(".places")).to_have_text("Places : 3 / 3")
        _shot(pages[0], artifacts, "1-conseil2-complet")
        _shot(pages[1], artifacts, "1-conseil3-complet")
        states, _mail = _state(url, offer_id)
        assert sorted(states.values()) == ["enrolled", "enrolled", "enrolled", "waiting"], states
        waiting = next(name for name, status in states.items() if status == "waiting")
        waiting_counselor = COUNSELORS[0] if waiting in ("Awa", "Bruno") else COUNSELORS[1]
        # The other SIAE's counselor cancels one of their people: the waiting person gets the seat.
        canceller = 1 if waiting_counselor is COUNSELORS[0] else 0
        page = pages[canceller]
        cancelled = "Fatou" if canceller == 1 else "Awa"
        page.goto(offer_url)
        page.locator("summary", has_text=f"Annuler l'inscription de {cancelled}").click()
        page.locator("#inscrits tbody tr", has_text=cancelled).get_by_label("Raison").select_option("malade")
        _shot(page, artifacts, "2-annulation")
        page.locator("#inscrits tbody tr", has_text=cancelled).get_by_role(
            "button", name="Confirmer l'annulation").click()
        expect(page.locator(".flash").first).to_be_visible()
        page.goto(offer_url)
        expect(page.locator(".places")).to_have_text("Places : 3 / 3")
        _shot(page, artifacts, "3-apres-promotion")
        # The promoted person's counselor prints their convocation from the offer page.
        promoted_page = pages[1 - canceller]
        promoted_page.goto(offer_url)
        promoted_page.get_by_role("link", name=re.compile(rf"^Convocation de {waiting}")).click()
        expect(promoted_page.locator("main")).to_contain_text(waiting)
        _shot(promoted_page, artifacts, "3-convocation")
        states, mail = _state(url, offer_id)
        assert states[waiting] == "enrolled" and states[cancelled] == "cancelled", states
        assert ("promoted", waiting_counselor[0]) in mail, mail
        counselors = {c[0] for c in COUNSELORS}  # the SIAE animatrice's contact is told too; no other counselor
        assert [m for m in mail if m[0] == "promoted" and m[1] in counselors] == [("promoted", waiting_counselor[0])]
        seated = sorted(name for name, status in states.items() if status == "enrolled")

        # The offer's animator: the offer page links to the first half-day's sign-in sheet; she starts it.
        contexts.append(signed_in(browser, base, OFFER_ANIMATOR[0], OFFER_ANIMATOR[1], PROJECTOR))
        animator = contexts[-1].new_page()
        animator.goto(offer_url)
        expect(animator.get_by_role("link", name="Feuille d'émargement de la demi-journée 1")).to_be_visible()
        expect(animator.get_by_role("link", name="Imprimer les convocations")).to_be_visible()
        _shot(animator, artifacts, "4-animatrice-offre")
        animator.goto(f"{base}/animateur/seances/{session_id}")
        animator.get_by_role("button", name="Démarrer la séance").click()
        expect(animator).to_have_url(re.compile(rf"/animateur/seances/{session_id}/projection$"))
        found = re.search(r"\b(\d{3}) (\d{3})\b", animator.locator(".join-code").inner_text())
        assert found, "pas de code sur la diapo d'accueil"
        code = found.group(1) + found.group(2)
        _shot(animator, artifacts, "5-projection")

        # Phones: the name list shows the enrolled people's first names; two of them tap theirs.
        phones = []
        for n, name in enumerate(seated[:2]):
            contexts.append(browser.new_context(viewport=PHONE))
            phone = contexts[-1].new_page()
            phone.goto(f"{base}/j/{code}")
            buttons = phone.locator(".people-buttons button")
            for first_name in seated:
                expect(buttons.filter(has_text=first_name)).to_have_count(1)
            expect(buttons.filter(has_text=cancelled)).to_have_count(0)
            if n == 0:
                _shot(phone, artifacts, "6-telephone-liste")
            buttons.filter(has_text=name).click()
            expect(phone).to_have_url(re.compile(rf"/j/{code}$"))
            expect(phone.locator(".me")).to_contain_text(name)
            expect(phone.locator("[data-connection]")).to_have_text("En ligne")
            phones.append(phone)
        _shot(phones[0], artifacts, "7-telephone-connecte")

        # The sign-in sheet of the half-day: one A4 page, the people present marked so.
        animator.goto(offer_url)
        animator.get_by_role("link", name="Feuille d'émargement de la demi-journée 1").click()
        rows = animator.locator("tbody tr")
        expect(rows).to_have_count(3)
        for name in seated[:2]:
            expect(rows.filter(has_text=name).locator(".signin-state")).to_have_text("Présent·e")
        _shot(animator, artifacts, "8-emargement")
        pdf = artifacts / "course-journey-emargement.pdf"
        animator.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf_pages(pdf) == 1 == len(to_png(pdf)), f"la feuille fait {pdf_pages(pdf)} pages"
        text = pdf_text(pdf)
        for name in seated:
            assert name in text, name
        assert text.count("Présent·e") >= 2, text
    finally:
        for context in contexts:
            context.close()
