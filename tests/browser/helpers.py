"""What the browser tests share: Debian's Chromium, the two screen sizes, signing in through the login page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
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
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core, vendored (see vendor/README.md)


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


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list of axe violations: rule, impact, help and the first offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}) : {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:3]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']} {summary[:200]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … et {len(violation['nodes']) - 3} autres")
    return "\n".join(lines)


def poppler(tool: str) -> str:
    """The path of a poppler-utils tool; skipped where it is missing, a failure under CI."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} introuvable : installez poppler-utils (apt-get install -y poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def pdf_pages(pdf: Path) -> int:
    """The page count that pdfinfo reads in a PDF."""
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)
    assert match, f"pdfinfo ne donne pas de nombre de pages pour {pdf} :\n{info}"
    return int(match.group(1))


def pdf_text(pdf: Path) -> str:
    """The text of a PDF, spaces collapsed."""
    text = subprocess.run([poppler("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def to_png(pdf: Path) -> list[Path]:
    """Every page of a PDF as a small PNG beside it (60 dpi), to look at."""
    prefix = pdf.with_suffix("")
    for old in pdf.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run([poppler("pdftoppm"), "-r", "60", "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
