"""Printing: a summary sheet is one sheet of paper at 14 pt; a trame runs over several pages and lists every slide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from slides import compile_file
from tests.browser.helpers import pdf_pages, pdf_text, to_png

ROOT = Path(__file__).resolve().parent.parent.parent
MODULES = sorted(path.stem for path in (ROOT / "modules").glob("*.md"))
# A4 pages of each summary sheet, as docs/authoring.md (part 5) says: two is one sheet printed on both sides.
SHEET_PAGES = {"01-smartphone-wifi": 2, "02-naviguer-web": 2, "03-rechercher-information": 2,
               "04-installer-applications": 2}
FALC_POINTS = 14  # the smallest body text of a summary sheet, in print


def print_pdf(page: Page, url: str, pdf: Path) -> Path:
    """Open a page and print it to A4 with backgrounds, as an animator would."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} : {response.status if response else 'pas de réponse'}"
    page.wait_for_load_state("networkidle")  # images are part of the page that is printed
    page.pdf(path=str(pdf), format="A4", print_background=True)
    return pdf


def test_every_module_has_its_sheet_length() -> None:
    assert sorted(SHEET_PAGES) == MODULES, "dites dans docs/authoring.md combien de pages fait la fiche du module"


@pytest.mark.parametrize("slug", MODULES)
def test_summary_sheet_prints_on_one_sheet_of_paper(page: Page, live_server: str, artifacts: Path, slug: str) -> None:
    """The fiche résumée is handed out on a single sheet of paper: one A4 page, or both sides of it."""
    pdf = print_pdf(page, f"{live_server}/modules/{slug}/fiche", artifacts / f"fiche-{slug}.pdf")
    pages = pdf_pages(pdf)
    pngs = to_png(pdf)
    assert len(pngs) == pages
    expected = SHEET_PAGES.get(slug, 1)
    assert pages == expected, f"la fiche de {slug} fait {pages} pages A4 au lieu de {expected} (voir {pngs})"


@pytest.mark.parametrize("slug", MODULES)
def test_summary_sheet_body_text_is_14_pt_at_least(page: Page, live_server: str, slug: str) -> None:
    """FALC: the text of the sheet, boxes and tables included, prints at 14 pt or more."""
    response = page.goto(f"{live_server}/modules/{slug}/fiche")
    assert response is not None and response.ok
    page.emulate_media(media="print")
    try:
        sizes = page.evaluate("""() => [...document.querySelectorAll('.sheet-body :is(p, li, td, th)')]
            .filter(e => e.textContent.trim())
            .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 40)])""")
    finally:
        page.emulate_media(media="null")  # page.pdf() prints with the print style again
    assert len(sizes) > 20
    small = [(round(px * 72 / 96, 1), text) for px, text in sizes if px * 72 / 96 < FALC_POINTS - 0.01]
    assert small == [], f"texte de moins de {FALC_POINTS} pt dans la fiche de {slug}"


@pytest.mark.parametrize("slug", MODULES)
def test_trame_prints_every_slide(page: Page, live_server: str, artifacts: Path, slug: str) -> None:
    """The trame d'animation runs over several pages and names every slide of the module."""
    deck = compile_file(ROOT / "modules" / f"{slug}.md")
    pdf = print_pdf(page, f"{live_server}/modules/{slug}/trame", artifacts / f"trame-{slug}.pdf")
    pages = pdf_pages(pdf)
    assert len(to_png(pdf)) == pages
    assert pages > 1, f"la trame de {slug} tient sur {pages} page : il manque sans doute des diapos"
    text = pdf_text(pdf)
    missing = [f"{s.number}. {s.title}" for s in deck.slides if " ".join(s.title.split()) not in text]
    assert not missing, f"titres absents du PDF de la trame de {slug} : {missing}"
    # Answers are lettered once (no "1. A."), and a plain slide is not labelled "Diapo 1 · Diapo".
    assert not re.search(r"\b1\. A\. ", text), "les réponses d'un quiz sont numérotées deux fois"
    assert "· Diapo :" not in text
