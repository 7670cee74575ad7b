"""Convocations in Chromium: one fits an A5 sheet (half an A4 page) in large type, an offer's print two per
A4 page; axe-core finds no violation on the convocation pages and the outbox page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from kit.extensions import db
from kit.models import Role
from tests.browser.helpers import AXE, PHONE, PROJECTOR, describe, pdf_pages, pdf_text, signed_in, to_png
from tests.conftest import make_app, served
from tests.databases import Databases
from tests.factories import PASSWORD, make_user
from tests.kit.courses.mail_world import enrol, make_world
from tests.kit.diagnostic.support import make_employee

MIN_POINTS = 14  # large type: nothing smaller on a convocation


@dataclass
class Server:
    url: str
    ids: dict[str, int]


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[Server]:
    """Three people enrolled in one offer (and one waiting), an admin for the outbox page."""
    app = make_app(databases.seeded())
    with app.app_context():
        world = make_world()
        third = enrol(world.offer, make_employee(world.orientatrice, "Marie-Chantal", "L"), world.counselor)
        make_user("admin@test.fr", Role.ADMIN.value)
        world.offer.place_address = "Maison des associations, 12 boulevard de la Liberté, 59000 Lille"
        db.session.commit()
        ids = {"karim": world.enrolments[0].id, "long": third.id, "offer": world.offer.id}
    with served(app) as url:
        yield Server(url, ids)


def print_pdf(page: Page, url: str, pdf: Path) -> Path:
    response = page.goto(url)
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    page.pdf(path=str(pdf), print_background=True, prefer_css_page_size=True)
    return pdf


def page_size(pdf: Path) -> str:
    import subprocess

    from tests.browser.helpers import poppler

    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Page size:\s+(.*)$", info, re.MULTILINE)
    assert match
    return match.group(1)


def test_one_convocation_fits_an_a5_sheet(browser: Browser, server: Server, artifacts: Path) -> None:
    context = signed_in(browser, server.url, "cip-nord@test.fr", PASSWORD, PROJECTOR)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/formations/convocations/{server.ids['long']}")
        page.screenshot(path=str(artifacts / "convocation-ecran.png"), full_page=True)
        pdf = print_pdf(page, f"{server.url}/formations/convocations/{server.ids['long']}",
                        artifacts / "convocation.pdf")
        page.emulate_media(media="print")
        sizes = page.evaluate("""() => [...document.querySelectorAll('.convocation :is(h2, p, td, th, caption)')]
            .filter(e => e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
        overflow = page.evaluate("""() => [...document.querySelectorAll('.convocation')]
            .map(e => e.scrollHeight - e.clientHeight)""")
    finally:
        context.close()
    pngs = to_png(pdf)
    assert pdf_pages(pdf) == 1, f"la convocation ne tient pas sur une feuille A5 (voir {pngs})"
    width, height = (float(n) for n in re.findall(r"[\d.]+", page_size(pdf))[:2])
    assert "(A5)" in page_size(pdf) and width > height, page_size(pdf)  # landscape: half an A4 page
    text = pdf_text(pdf)
    for expected in ("Convocation · Marie-Chantal L.", "Vendredi 12 mars 2027", "Apple", "03 20 00 00 00",
                     "06 12 34 56 78", "12 boulevard de la Liberté"):
        assert expected in text, expected
    assert min(sizes) * 72 / 96 >= MIN_POINTS - 0.01, sizes
    assert overflow == [0], "le texte de la convocation dépasse de la demi-feuille"


def test_an_offer_prints_two_convocations_per_a4_page(browser: Browser, server: Server, artifacts: Path) -> None:
    context = signed_in(browser, server.url, "animatrice@test.fr", PASSWORD, PROJECTOR)
    page = context.new_page()
    try:
        pdf = print_pdf(page, f"{server.url}/formations/offres/{server.ids['offer']}/convocations",
                        artifacts / "convocations.pdf")
    finally:
        context.close()
    to_png(pdf)
    assert pdf_pages(pdf) == 2 and "(A4)" in page_size(pdf)  # 3 people: two on the first sheet, one on the next
    text = pdf_text(pdf)
    assert all(name in text for name in ("Karim B.", "Awa B.", "Marie-Chantal L.")) and "Bintou" not in text


def axe(page: Page) -> list[dict[str, Any]]:
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    violations: list[dict[str, Any]] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})")["violations"]
    return violations


def test_no_axe_violation(browser: Browser, server: Server, artifacts: Path) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    pages = {"cip-nord@test.fr": {"convocation": f"/formations/convocations/{server.ids['karim']}",
                                  "convocations": f"/formations/offres/{server.ids['offer']}/convocations"},
             "admin@test.fr": {"courriels": "/admin/courriels/"}}
    for email, urls in pages.items():
        for viewport_name, viewport in (("projecteur", PROJECTOR), ("telephone", PHONE)):
            context = signed_in(browser, server.url, email, PASSWORD, viewport)
            page = context.new_page()
            try:
                for name, url in urls.items():
                    response = page.goto(server.url + url)
                    assert response is not None and response.ok
                    page.screenshot(path=str(artifacts / f"{name}-{viewport_name}.png"), full_page=True)
                    found[f"{name}-{viewport_name}"] = axe(page)
            finally:
                context.close()
    bad = {name: violations for name, violations in found.items() if violations}
    assert not bad, "\n".join(f"{name} : {describe(v)}" for name, v in bad.items())
