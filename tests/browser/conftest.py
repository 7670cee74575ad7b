"""Playwright driving Debian's Chromium (`playwright install` cannot download browsers here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from slides import Deck, compile_file
from tests.browser.helpers import PROJECTOR, ROOT, SLUG, signed_in
from tests.servers import AppServer

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and PDFs are written, to look at them."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(browser: Browser, app_server: AppServer) -> Iterator[BrowserContext]:
    """A projector-sized browser context signed in as the demo animator, through the login page."""
    context = signed_in(browser, app_server.url, DEMO_EMAIL, DEMO_PASSWORD)
    yield context
    context.close()


@pytest.fixture(scope="module")
def deck() -> Deck:
    """The module of the demo session, as the server compiles it."""
    return compile_file(ROOT / "modules" / f"{SLUG}.md")


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[BrowserContext]:
    """One projector-sized context for the whole file: its tabs share a BroadcastChannel."""
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


@pytest.fixture
def page(tabs: BrowserContext) -> Iterator[Page]:
    """A fresh tab of the file's shared context."""
    page = tabs.new_page()
    yield page
    page.close()
