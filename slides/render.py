"""Markdown to safe HTML: the only way text of a module becomes markup."""

from __future__ import annotations

import re
import threading

import markdown

from .callouts import CalloutExtension
from .sanitize import sanitize_html

_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.S)


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "tables", "nl2br", CalloutExtension()])
    # Raw HTML is shown as text, not interpreted: editors write markdown only, and
    # the sanitizer below stays a second line of defence rather than the only one.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_local = threading.local()


def render_block(text: str) -> str:
    """Render block-level markdown to sanitized HTML."""
    # A Markdown instance keeps state while converting: one per thread.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_markdown()
    md.reset()
    return sanitize_html(md.convert(text))


def render_inline(text: str) -> str:
    """Render one line of markdown without its surrounding paragraph."""
    html = render_block(text)
    match = _PARAGRAPH.match(html.strip())
    return match.group(1) if match else html
