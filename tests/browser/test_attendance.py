"""Attendance that closes the loop, in Chromium: the two-tap correction on a phone-sized presenter (real gevent
server), the sign-in sheet printed on one A4 page with 12 people, and axe-core on the pages this work adds to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from kit.extensions import db
from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from kit.reports.rules import ABSENT, EXCUSED, PRESENT
from tests.browser.helpers import AXE, PHONE, PROJECTOR, describe, pdf_pages, pdf_text, signed_in, to_png
from tests.browser.test_live_animator import join_phone, start_session
from tests.conftest import make_app, served
from tests.databases import Databases
from tests.factories import PASSWORD
from tests.histories import make_coordinator
from tests.kit.courses.attend_support import enrol, hold, make_course
from tests.servers import AppServer

NAMES = ("Karim", "Awa", "Bintou", "Dan", "Eva", "Fanny", "Gil", "Hugo", "Inès", "Jules", "Kenza", "Léo")


def test_two_taps_correct_attendance_on_a_phone_sized_presenter(browser: Browser, app_server: AppServer,
                                                                 artifacts: Path) -> None:
    """Both phones joined: present. Bruno had to leave at once, with a reason: name, « Excusé·e », done."""
    base = app_server.url
    context = signed_in(browser, base, DEMO_EMAIL, DEMO_PASSWORD, PHONE)
    page = context.new_page()
    session_id = start_session(page, base)
    code = page.locator(".join-code").inner_text().replace(" ", "")[-6:]
    phones = [join_phone(base, code, name) for name in ("Awa", "Bruno")]
    phones[1].disconnect()  # Bruno leaves
    try:
        page.goto(f"{base}/animateur/seances/{session_id}/presentateur")
        expect(page.locator("[data-live-status=online]")).to_have_count(1)
        awa = page.locator(".person-button", has_text="Awa")
        bruno = page.locator(".person-button", has_text="Bruno")
        expect(awa.locator(".person-state")).to_have_text("présent·e")
        expect(bruno.locator(".person-state")).to_have_text("présent·e")
        bruno.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "presence-presentateur-393-avant.png"))
        bruno.click()  # tap 1: the name
        choices = page.get_by_role("group", name="Présence de Bruno")
        excused = choices.get_by_role("button", name="Excusé·e")
        box = excused.bounding_box()
        assert box and box["height"] >= 48 and box["width"] >= 96, box  # a big target on a phone
        excused.click()  # tap 2: the state
        expect(excused).to_have_attribute("aria-pressed", "true")
        expect(bruno.locator(".person-state")).to_have_text("excusé·e")
        expect(page.locator(".answer-entry .state-result.is-ok")).to_have_text("Bruno : excusé·e.")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways
        choices.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "presence-presentateur-393-apres.png"))
        page.evaluate(AXE.read_text())  # the open entry, its three states, its status line
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
        assert not violations, describe(violations)
        # The séance page agrees (it reads the database).
        page.goto(f"{base}/animateur/seances/{session_id}#presences")
        expect(page.get_by_role("group", name="Bruno").get_by_label("Excusé·e")).to_be_checked()
        expect(page.get_by_role("group", name="Awa").get_by_label("Présent·e")).to_be_checked()
        page.screenshot(path=str(artifacts / "presence-seance-393.png"), full_page=True)
    finally:
        phones[0].disconnect()
        context.close()


@dataclass
class Server:
    url: str
    app: Any
    ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[Server]:
    """A course of 12 enrolled people between two SIAE, two half-days held; a coordinator of the region."""
    app = make_app(databases.seeded())
    with app.app_context():
        course = make_course()
        for name in NAMES:
            enrol(course, name)
        hold(course, 1, dict.fromkeys(NAMES[:9], PRESENT) | {"Jules": EXCUSED})
        hold(course, 2, dict.fromkeys(NAMES[:8], PRESENT) | {"Inès": ABSENT})
        make_coordinator("coord@test.fr", "Hauts-de-France")
        db.session.commit()
        ids = {"session": course.sessions[0].id, "planned": course.sessions[2].id, "offer": course.offer.id,
               "employee": course.enrolments["Inès"].employee_id, "siae": course.orientatrice.id}
    with served(app) as url:
        yield Server(url, app, ids)


def test_the_sign_in_sheet_prints_on_one_a4_page(browser: Browser, server: Server, artifacts: Path) -> None:
    context = signed_in(browser, server.url, "anim@test.fr", PASSWORD, PROJECTOR)
    page = context.new_page()
    try:
        for key, name in (("session", "emargement-tenue"), ("planned", "emargement-a-venir")):
            response = page.goto(f"{server.url}/animateur/seances/{server.ids[key]}/emargement")
            assert response is not None and response.ok
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            pdf = artifacts / f"{name}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            pngs = to_png(pdf)
            assert pdf_pages(pdf) == 1 == len(pngs), f"la feuille d'émargement fait {pdf_pages(pdf)} pages ({pngs})"
            text = pdf_text(pdf)
            for expected in (*(f"{n} B." for n in NAMES), "Asso Animatrice", "Maison des associations", "Signature",
                             "Total", "12 attendu·e·s", "Anim"):
                assert expected in text, expected
        assert "9 présent·e·s · 1 excusé·e·s · 2 absent·e·s" in pdf_text(artifacts / "emargement-tenue.pdf")
    finally:
        context.close()


PAGES = {  # who signs in, and the pages axe-core checks
    ("anim@test.fr", "emargement"): "/animateur/seances/{session}/emargement",
    ("anim@test.fr", "seance-presences"): "/animateur/seances/{session}",
    ("cip@test.fr", "tableau-conseiller"): "/diagnostic/",
    ("cip@test.fr", "parcours"): "/diagnostic/salaries/{employee}",
    ("coord@test.fr", "chiffres-du-mois"): "/coordination/rapport/?structure={siae}&mois=2026-11",
    ("coord@test.fr", "coordination"): "/coordination/",
}


@pytest.mark.parametrize(("who", "name"), list(PAGES), ids=[name for _w, name in PAGES])
def test_no_axe_violation(browser: Browser, server: Server, artifacts: Path, who: str, name: str) -> None:
    context = signed_in(browser, server.url, who, PASSWORD, PHONE if name == "parcours" else PROJECTOR)
    page = context.new_page()
    try:
        response = page.goto(server.url + PAGES[(who, name)].format(**server.ids))
        assert response is not None and response.ok
        page.screenshot(path=str(artifacts / f"a11y-{name}.png"), full_page=True)
        page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    finally:
        context.close()
    assert not violations, describe(violations)
