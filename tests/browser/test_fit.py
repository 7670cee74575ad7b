"""Fit-to-slide: at 1280×720, no slide of any shipped module has its text or images cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from slides import compile_file

ROOT = Path(__file__).resolve().parent.parent.parent
MODULES = sorted(path.stem for path in (ROOT / "modules").glob("*.md"))
# How far the body of a slide spills out of its box, in CSS pixels of the 1280×720 slide.
MEASURE = """body => ({height: body.scrollHeight - body.clientHeight, width: body.scrollWidth - body.clientWidth,
                      font: getComputedStyle(body).fontSize})"""



@pytest.mark.parametrize("slug", MODULES)
def test_no_slide_body_overflows(page: Page, live_server: str, slug: str) -> None:
    """Every slide of the module, opened at its own address, shows its whole body (scrollHeight <= clientHeight)."""
    deck = compile_file(ROOT / "modules" / f"{slug}.md")
    cut = []
    for slide in deck.slides:
        response = page.goto(f"{live_server}/modules/{slug}/projection/{slide.number}")
        assert response is not None and response.ok
        body = page.locator(f'.stage > .slide[data-n="{slide.number}"] .slide-body')
        expect(body).to_be_visible()
        # Images change a slide's height when they arrive: the deck fits the slide again on their load event.
        page.wait_for_function("() => Array.prototype.every.call(document.images, function (i) { return i.complete; })")
        spill = body.evaluate(MEASURE)
        if spill["height"] > 1 or spill["width"] > 1:
            cut.append(f"{slug} diapo {slide.number} « {slide.title} » : {spill}")
    assert not cut, f"{len(cut)} diapo(s) coupée(s) :\n" + "\n".join(cut)
