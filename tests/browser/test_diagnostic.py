"""The diagnostic in Chromium: a counselor at tablet size runs a whole interview and prints its summary;
an interrupted interview resumes; axe-core finds no violation on any of the diagnostic's pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from kit.extensions import db
from kit.models import Employee
from kit.people.demo import (
    DEMO_COORDINATOR_EMAIL,
    DEMO_COORDINATOR_PASSWORD,
    DEMO_COUNSELOR_EMAIL,
    DEMO_COUNSELOR_PASSWORD,
)
from tests.browser.helpers import AXE, describe, pdf_pages, pdf_text
from tests.browser.helpers import signed_in as sign_in
from tests.conftest import demo_database, make_app, served
from tests.databases import Databases
from tests.kit.diagnostic.support import make_diagnostic, make_employee

TABLET: ViewportSize = {"width": 768, "height": 1024}
LAPTOP: ViewportSize = {"width": 1280, "height": 720}
# What the counselor answers: one button per step, two boxes for the uses.
ANSWERS = {"Avez-vous un smartphone qui fonctionne ?": "Oui",
           "Quel téléphone est-ce ?": "Android (Samsung, Xiaomi, Oppo…)",
           "Avez-vous un forfait avec Internet (des données mobiles) ?": "Oui",
           "Avez-vous le Wi-Fi chez vous ?": "Non",
           "Avez-vous un compte Google (une adresse Gmail) ? Connaissez-vous son mot de passe ?":
               "Oui, mais je ne connais pas le mot de passe",
           "Qu'est-ce que vous faites avec votre téléphone ?": ["Appeler", "WhatsApp, Messenger ou autre"],
           "Qu'est-ce que vous préférez faire avec ?": "Photos et vidéos",
           "Déverrouiller le téléphone et ouvrir une application.": "Seul·e",
           "Se connecter à un réseau Wi-Fi.": "Avec aide",
           "Ouvrir le navigateur et aller à une adresse donnée.": "Avec aide",
           "Faire une recherche avec des mots-clés.": "Pas encore",
           "Trouver et installer une application.": "Pas encore",
           "La personne comprend et parle le français à l'oral (au moins niveau B1) ?": "Oui",
           "Est-elle disponible pour 4 demi-journées de formation ?": "Oui"}


@dataclass
class Server:
    url: str
    app: Any
    ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[Server]:
    """The demo data (counselor, Karim B.) and, for the pages axe checks, a person diagnosed twice."""
    app = make_app(demo_database(databases))
    with app.app_context():
        karim = db.session.scalar(sa.select(Employee).where(Employee.first_name == "Karim"))
        awa = make_employee(karim.siae, "Awa", "D")
        make_diagnostic(awa, datetime(2026, 10, 5, 10, tzinfo=UTC))
        done = make_diagnostic(awa, datetime.now(UTC), ("seul", "seul", "avec_aide", "avec_aide", "pas_encore"),
                               level="presque_autonome")
        ids = {"karim": karim.id, "awa": awa.id, "done": done.id, "siae": karim.siae_id}
    with served(app) as url:
        yield Server(url, app, ids)


def signed_in(browser: Browser, server: Server, viewport: ViewportSize, email: str = DEMO_COUNSELOR_EMAIL,
              password: str = DEMO_COUNSELOR_PASSWORD) -> BrowserContext:
    """The demo counselor (or another account), signed in through the login page."""
    return sign_in(browser, server.url, email, password, viewport)


class Taps:
    """Every click of the counselor, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Locator) -> None:
        locator.click()
        self.count += 1


def answer_steps(page: Page, tap: Taps, stop_after: int | None = None) -> int:
    """Answer the steps on screen, one after the other; the number of step screens seen."""
    screens = 0
    while "/etapes/" in page.url and (stop_after is None or screens < stop_after):
        question = page.locator("legend h1").inner_text()
        expect(page.locator("progress")).to_be_visible()
        answer = ANSWERS[question]
        screens += 1
        if isinstance(answer, list):
            for label in answer:
                tap(page.get_by_label(label))
            tap(page.get_by_role("button", name="Valider"))
        else:
            tap(page.get_by_role("button", name=answer, exact=True))
        page.wait_for_load_state()
    return screens


def test_a_whole_interview_at_tablet_size_then_the_printed_summary(browser: Browser, server: Server,
                                                                   artifacts: Path) -> None:
    context = signed_in(browser, server, TABLET)
    page = context.new_page()
    tap = Taps()
    started = datetime.now(UTC)
    page.goto(server.url + "/diagnostic/")
    page.screenshot(path=str(artifacts / "diagnostic-tableau-768.png"), full_page=True)
    tap(page.get_by_role("link", name="Karim B."))
    tap(page.get_by_role("button", name="Commencer le diagnostic"))
    expect(page.locator(".progress-label")).to_have_text("Étape 1 sur 14")
    page.screenshot(path=str(artifacts / "diagnostic-etape-768.png"))
    screens = answer_steps(page, tap)
    expect(page).to_have_url(re.compile(r"/synthese$"))
    expect(page.locator(".level-name")).to_have_text("Débutant·e")
    expect(page.locator(".reco-name")).to_have_text("Orienter vers la formation de 14 h")
    page.screenshot(path=str(artifacts / "diagnostic-synthese-768.png"), full_page=True)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    print(f"\nentretien complet : {screens} écrans, {tap.count} appuis, {elapsed:.1f} s dans le navigateur")
    assert screens == 14 and tap.count < 40 and elapsed < 600
    pdf = artifacts / "diagnostic-synthese.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "Karim B." in text and "Débutant·e" in text and "Orienter vers la formation de 14 h" in text
    assert "Changer la recommandation" not in text and "Se déconnecter" not in text
    # The count is in the month's figures.
    coordination = signed_in(browser, server, LAPTOP, DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD)
    report = coordination.new_page()
    report.goto(f"{server.url}/coordination/rapport/?structure={server.ids['siae']}")
    row = report.get_by_role("row", name=re.compile("Salariés diagnostiqués"))
    assert int(row.locator("td").inner_text()) >= 1
    coordination.close()
    context.close()


def test_an_interrupted_interview_resumes(browser: Browser, server: Server) -> None:
    context = signed_in(browser, server, TABLET)
    page = context.new_page()
    tap = Taps()
    with server.app.app_context():
        bintou = make_employee(db.session.scalar(sa.select(Employee).where(Employee.first_name == "Karim")).siae,
                               "Bintou", "S").id
    page.goto(f"{server.url}/diagnostic/salaries/{bintou}")
    tap(page.get_by_role("button", name="Commencer le diagnostic"))
    answer_steps(page, tap, stop_after=3)
    expect(page.locator(".progress-label")).to_have_text("Étape 4 sur 14")
    page.close()  # the tab is closed in the middle of the interview
    again = context.new_page()
    again.goto(f"{server.url}/diagnostic/salaries/{bintou}")
    again.get_by_role("button", name="Reprendre l'entretien en cours").click()
    expect(again.locator(".progress-label")).to_have_text("Étape 4 sur 14")
    expect(again.locator("legend h1")).to_have_text("Avez-vous le Wi-Fi chez vous ?")
    again.get_by_role("button", name="← Retour").click()
    expect(again.get_by_role("button", name="Oui", exact=True)).to_have_attribute("aria-pressed", "true")
    context.close()


PAGES = {
    "tableau": "/diagnostic/",
    "nouvelle-fiche": "/diagnostic/salaries/nouveau",
    "fiche-avant-apres": "/diagnostic/salaries/{awa}",
    "modifier-fiche": "/diagnostic/salaries/{awa}/modifier",
    "synthese": "/diagnostic/entretiens/{done}/synthese",
}
STEPS = ("smartphone", "usages", "deverrouiller")


def axe(page: Page) -> list[dict[str, Any]]:
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]


@pytest.mark.parametrize("viewport", ["768", "1280"])
def test_no_axe_violation_on_the_diagnostic_pages(browser: Browser, server: Server, artifacts: Path,
                                                  viewport: str) -> None:
    context = signed_in(browser, server, TABLET if viewport == "768" else LAPTOP)
    page = context.new_page()
    found = {}
    for name, url in PAGES.items():
        response = page.goto(server.url + url.format(**server.ids))
        assert response is not None and response.ok, url
        found[name] = axe(page)
        page.screenshot(path=str(artifacts / f"diagnostic-{name}-{viewport}.png"), full_page=True)
    with server.app.app_context():
        person = make_employee(db.session.scalar(sa.select(Employee).where(Employee.first_name == "Karim")).siae,
                               "Chloé", "V")
        person_id = person.id
    page.goto(f"{server.url}/diagnostic/salaries/{person_id}")
    page.get_by_role("button", name="Commencer le diagnostic").click()
    answers = {"smartphone": "Oui", "systeme": "Android (Samsung, Xiaomi, Oppo…)", "forfait": "Oui",
               "wifi_maison": "Oui", "compte_google": "Non"}
    while "/etapes/" in page.url:
        step = page.url.rsplit("/", 1)[1]
        if step in STEPS:
            found[f"etape-{step}"] = axe(page)
            page.screenshot(path=str(artifacts / f"diagnostic-etape-{step}-{viewport}.png"), full_page=True)
        if step == STEPS[-1]:
            break
        if step == "usages":
            page.get_by_label("Appeler").check()
            page.get_by_role("button", name="Valider").click()
        elif step in answers:
            page.get_by_role("button", name=answers[step], exact=True).click()
        else:
            page.get_by_role("button", name="Passer cette étape →").click()
        page.wait_for_load_state()
    # A French error on a step (nothing chosen among the uses).
    context.close()
    coordination = signed_in(browser, server, TABLET if viewport == "768" else LAPTOP, DEMO_COORDINATOR_EMAIL,
                             DEMO_COORDINATOR_PASSWORD)
    page = coordination.new_page()
    for name, url in (("coordination", "/coordination/"),
                      ("rapport", f"/coordination/rapport/?structure={server.ids['siae']}")):
        page.goto(server.url + url)
        found[name] = axe(page)
        page.screenshot(path=str(artifacts / f"diagnostic-{name}-{viewport}.png"), full_page=True)
    coordination.close()
    assert set(found) >= {*PAGES, *(f"etape-{s}" for s in STEPS)}
    bad = {name: describe(violations) for name, violations in found.items() if violations}
    assert not bad, "\n".join(f"{name} :\n{text}" for name, text in bad.items())
