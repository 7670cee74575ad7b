"""Markdown never turns into executable HTML, whatever an editor writes."""

from __future__ import annotations

import pytest

from slides import compile_deck, sanitize_html

from .hostile import PAYLOADS, assert_safe, hostile_module


def test_hostile_module_compiles_to_safe_html() -> None:
    deck = compile_deck(hostile_module(), image_url=lambda name: "/i/" + name)
    pieces = [deck.sheet_html]
    for slide in deck.slides:
        pieces += [slide.html, slide.notes_html, slide.activity_html]  # titles are plain text, escaped by Jinja
    for quiz in deck.quizzes:
        pieces += [quiz.question_html, quiz.explanation_html] + [c.html for c in quiz.choices]
    for piece in pieces:
        assert_safe(piece)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitizer_alone_removes_each_payload(payload: str) -> None:
    # The sanitizer must hold even if raw HTML ever reached it unescaped.
    assert_safe(sanitize_html(payload))


def test_the_safety_check_itself_can_fail() -> None:
    with pytest.raises(AssertionError):
        assert_safe('<a href="javascript:alert(1)">x</a>')
    with pytest.raises(AssertionError):
        assert_safe('<img src=x onerror="alert(1)">')


def test_ordinary_links_and_formatting_survive() -> None:
    html = sanitize_html('<p><a href="https://www.service-public.gouv.fr">SP</a> <strong>gras</strong></p>')
    assert 'href="https://www.service-public.gouv.fr"' in html
    assert "<strong>gras</strong>" in html
