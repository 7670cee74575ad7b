"""What the browser tests share: Debian's Chromium, the two screen sizes, signing in through the login page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import ViewportSize, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PHONE: ViewportSize = {"width": 393, "height": 727}
PROJECTOR: ViewportSize = {"width": 1280, "height": 720}
SLUG = "01-smartphone-wifi"  # the module of the demo session
ROOT = Path(__file__).resolve().parent.parent.parent


def signed_in(browser: Browser, base_url: str, email: str, password: str,
              viewport: ViewportSize = PROJECTOR) -> BrowserContext:
    """A browser context signed in with this account, through the login page as a person does."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(base_url + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/connexion"))
    page.close()
    return context
