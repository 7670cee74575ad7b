"""The one place where HTML built from markdown is cleaned before anyone sees it.

Every import of bleach lives here, so that swapping it for nh3 touches one file.
"""

from __future__ import annotations

import bleach

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "aside", "blockquote", "br", "code", "div", "em", "h1", "h2",
        "h3", "h4", "hr", "img", "kbd", "li", "ol", "p", "pre", "span", "strong",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "aside": ["class"],
    "div": ["class"],
    "p": ["class"],
    "span": ["class"],
    "ol": ["start"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return _cleaner.clean(html)
