"""The coordinator's evaluation page in Chromium at 1280×720, with the demo's finished course."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kit.people.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from tests.browser.helpers import PHONE, PROJECTOR, signed_in
from tests.conftest import demo_database, make_app, served
from tests.databases import Databases

WIDER_THAN_SCREEN = """width => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > width && !e.closest('.table-scroll'))
  .slice(0, 8).map(e => e.tagName + '.' + e.className)"""


@pytest.fixture(scope="module")
def site(databases: Databases) -> Iterator[str]:
    """The demo data (with the finished course of kit/evidence/demo.py), served in a thread."""
    app = make_app(demo_database(databases))
    with served(app) as url:
        yield url


def test_the_coordinator_reads_the_evaluation_at_a_glance(browser: Browser, site: str, artifacts: Path) -> None:
    context = signed_in(browser, site, DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD, PROJECTOR)
    page = context.new_page()
    page.goto(site + "/coordination/")
    page.get_by_role("link", name="Évaluation du programme").click()
    expect(page.get_by_role("heading", name="Évaluation du programme")).to_be_visible()
    figures = page.get_by_role("list", name="Chiffres clés")
    expect(figures).to_be_visible()
    expect(figures).to_contain_text("participants")
    expect(figures).to_contain_text(re.compile(r"\+\d+ pts"))
    expect(figures).to_contain_text("IC 95 %")
    # The headline figures are on the first screen, without scrolling.
    box = figures.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PROJECTOR["height"]
    page.screenshot(path=str(artifacts / "evaluation-1280x720.png"))
    page.screenshot(path=str(artifacts / "evaluation-page-entiere.png"), full_page=True)
    expect(page.get_by_role("img", name=re.compile("Gain moyen"))).to_be_visible()
    expect(page.locator(".flag").first).to_be_visible()
    expect(page.get_by_text("moins de 5 personnes").first).to_be_visible()
    # A filter: one SIAE, then back to all.
    page.get_by_label("Structure", exact=True).select_option(label="Chantier d'insertion Les Jardins (démo)")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"structure=\d+"))
    expect(figures).to_contain_text("13 participants")
    page.get_by_label("Structure", exact=True).select_option(label="Ressourcerie du Nord (démo)")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Moins de 5 personnes pour ces filtres")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV des questions").click()
    assert download.value.suggested_filename == "kit-animateur-evaluation-questions.csv"
    context.close()
    phone = signed_in(browser, site, DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD, PHONE)
    page = phone.new_page()
    page.goto(site + "/coordination/evaluation/")
    expect(page.get_by_role("list", name="Chiffres clés")).to_be_visible()
    # Nothing wider than the screen, but inside a scrolling table region: the offenders, if any.
    wide = page.evaluate(WIDER_THAN_SCREEN, PHONE["width"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    page.screenshot(path=str(artifacts / "evaluation-telephone.png"), full_page=True)
    phone.close()
