"""Accessibility: axe-core (vendored, see vendor/README.md) finds no violation on any page of the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext

from kit.extensions import db
from kit.models import Siae
from kit.people.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from slides import compile_file
from tests.browser.courses_support import PAGES as COURSE_PAGES
from tests.browser.courses_support import courses_server
from tests.browser.helpers import AXE, PHONE, PROJECTOR, describe, signed_in
from tests.conftest import demo_database, make_app, served
from tests.databases import Databases

ROOT = Path(__file__).resolve().parent.parent.parent
SLUG = "01-smartphone-wifi"
VIEWPORTS = {"projecteur": PROJECTOR, "telephone": PHONE}


def first_slide(kind: str) -> int:
    """The number of the first slide of a kind in the tested module."""
    deck = compile_file(ROOT / "modules" / f"{SLUG}.md")
    return next(s.number for s in deck.slides if s.kind == kind and (s.quiz is None or not s.quiz.is_poll))


QUIZ = first_slide("quiz")
PAGES = {
    "catalogue": "/",
    "module": f"/modules/{SLUG}",
    "projection-contenu": f"/modules/{SLUG}/projection/2",
    "projection-quiz": f"/modules/{SLUG}/projection/{QUIZ}",
    "presentateur": f"/modules/{SLUG}/presentateur/{QUIZ}",
    "fiche": f"/modules/{SLUG}/fiche",
    "trame": f"/modules/{SLUG}/trame",
}
CASES = [(name, "projecteur") for name in PAGES] + [("catalogue", "telephone"), ("module", "telephone")]


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """One context per viewport, shared by the file's tests."""
    made = {name: browser.new_context(viewport=size) for name, size in VIEWPORTS.items()}
    yield made
    for context in made.values():
        context.close()


@pytest.mark.parametrize(("name", "viewport"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_no_axe_violation(contexts: dict[str, BrowserContext], live_server: str, name: str, viewport: str) -> None:
    """axe-core reports no violation of any of its rules on the page at this viewport."""
    page = contexts[viewport].new_page()
    try:
        response = page.goto(live_server + PAGES[name])
        assert response is not None and response.ok
        page.wait_for_load_state("networkidle")
        page.evaluate(AXE.read_text())  # the CSP refuses add_script_tag
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        page.close()
    assert results["testEngine"]["name"] == "axe-core"
    violations = results["violations"]
    assert not violations, f"axe : {len(violations)} règle(s) enfreinte(s) sur {PAGES[name]} ({viewport})\n" + describe(
        violations)


# The programme's evaluation (kit/evidence), signed in as the demo coordinator, with the demo's finished course.
EVALUATION_PAGES = ("/coordination/evaluation/", "/coordination/evaluation/?structure=0")


@pytest.mark.parametrize("viewport", ["projecteur", "telephone"])
def test_no_axe_violation_on_the_evaluation(browser: Browser, databases: Databases, viewport: str) -> None:
    """The evaluation page, with its charts and tables, and with a filter under 5 people."""
    app = make_app(demo_database(databases))
    with app.app_context():
        small = db.session.scalar(sa.select(Siae.id).where(Siae.name == "Ressourcerie du Nord (démo)"))
    with served(app) as url:
        context = signed_in(browser, url, DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD, VIEWPORTS[viewport])
        try:
            for path in EVALUATION_PAGES:
                page = context.new_page()
                response = page.goto(url + path.replace("=0", f"={small}"))
                assert response is not None and response.ok
                page.evaluate(AXE.read_text())
                results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                page.close()
                assert not results["violations"], f"axe sur {path} ({viewport})\n" + describe(results["violations"])
        finally:
            context.close()


@pytest.mark.parametrize("viewport", ["projecteur", "telephone"])
def test_courses_pages(browser: Browser, databases: Databases, viewport: str) -> None:
    """The courses' pages (tests/browser/courses_support.py), signed in as the account that uses each."""
    with courses_server(databases) as server:
        for name, (email, password), path in COURSE_PAGES:
            context = signed_in(browser, server.url, email, password, VIEWPORTS[viewport])
            page = context.new_page()
            try:
                assert (response := page.goto(server.url + path.format(offer=server.offer))) and response.ok
                page.evaluate(AXE.read_text())
                violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
                width = page.evaluate("document.documentElement.scrollWidth")
            finally:
                context.close()
            assert not violations, f"axe : {name} ({viewport})\n" + describe(violations)
            assert width <= VIEWPORTS[viewport]["width"], f"{name} déborde de l'écran ({viewport}) : {width} px"
