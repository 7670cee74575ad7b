"""The four shipped modules compile and hold the programme's requirements."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from slides import Deck, compile_file

MODULES = sorted((Path(__file__).resolve().parent.parent / "modules").glob("*.md"))


def plain(fragment: str) -> str:
    """The text of an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def counts(deck: Deck) -> dict[str, int]:
    """The figures the issue asks every module to meet."""
    quizzes = [q for q in deck.quizzes if not q.is_poll]
    return {
        "slides": len(deck.slides),
        "quizzes": len(quizzes),
        "activities": len(deck.activities),
        "minutes": deck.planned_minutes,
        "iphone": sum("encadre-iphone" in s.html + s.activity_html for s in deck.slides),
    }


@pytest.fixture(scope="module", params=MODULES, ids=lambda p: p.stem)
def deck(request: pytest.FixtureRequest) -> Deck:
    """Each shipped module, compiled."""
    return compile_file(request.param)


def test_there_are_four_half_days_in_order() -> None:
    numbers = sorted(compile_file(path).meta.number for path in MODULES)
    assert numbers == [1, 2, 3, 4]
    assert sum(compile_file(path).planned_minutes for path in MODULES) == 4 * 210  # 14 h, pauses included


def test_each_module_meets_the_counts(deck: Deck) -> None:
    figures = counts(deck)
    assert figures["slides"] >= 25, figures
    assert figures["quizzes"] >= 8, figures
    assert figures["activities"] >= 3, figures
    assert figures["minutes"] == deck.meta.minutes == 210, figures
    assert figures["iphone"] >= 3, "the iPhone differences are given next to the Android steps"


def test_every_slide_has_animator_notes(deck: Deck) -> None:
    assert [s.number for s in deck.slides if not s.notes_html] == []


def test_quizzes_use_every_kind(deck: Deck) -> None:
    kinds = {q.kind for q in deck.quizzes}
    assert {"unique", "multiple", "vrai-faux"} <= kinds


def test_every_quiz_explains_its_answer(deck: Deck) -> None:
    assert all(plain(q.explanation_html).strip() for q in deck.quizzes if not q.is_poll)


def test_sentences_are_short(deck: Deck) -> None:
    # B1 French: short sentences on the slides participants read.
    lengths = []
    for slide in deck.slides:
        for sentence in re.split(r"[.!?;\n]+", plain(slide.html + slide.activity_html)):
            if sentence.split():
                lengths.append(len(sentence.split()))
    assert sum(lengths) / len(lengths) <= 9
    assert max(lengths) <= 25


def test_summary_sheet_is_short_enough_for_one_page(deck: Deck) -> None:
    words = len(plain(deck.sheet_html).split())
    assert 120 <= words <= 350, words


def test_the_three_outcomes_are_covered() -> None:
    text = {compile_file(p).meta.number: Path(p).read_text(encoding="utf-8").lower() for p in MODULES}
    assert "wi-fi" in text[1] and "mot de passe" in text[1]
    assert "navigateur" in text[2] and "adresse" in text[2]
    assert "mots-clés" in text[3] or "mots clés" in text[3]
    assert "play store" in text[4] and "app store" in text[4] and "autorisation" in text[4]
