"""Playwright driving Debian's Chromium (`playwright install` cannot download browsers here)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PHONE = {"width": 393, "height": 727}
PROJECTOR = {"width": 1280, "height": 720}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run; under CI its absence is a failure."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium introuvable à {CHROMIUM} : .ci/run doit l'installer")
        pytest.skip(f"Chromium introuvable à {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and PDFs are written, to look at them."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(browser: object, app_server: object) -> Iterator[object]:
    """A projector-sized browser context signed in as the demo animator, through the login page."""
    import re

    from playwright.sync_api import expect

    from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD

    context = browser.new_context(viewport=PROJECTOR)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(app_server.url + "/connexion")  # type: ignore[attr-defined]
    page.get_by_label("Adresse e-mail").fill(DEMO_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/connexion"))
    page.close()
    yield context
    context.close()
