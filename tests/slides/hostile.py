"""Hostile markdown: what an attacker or a careless copy-paste could put in a module."""

from __future__ import annotations

from html.parser import HTMLParser

from .helpers import module

PAYLOADS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<iframe src="https://evil.example"></iframe>',
    '<img src="x.png" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">clic</a>',
    '<div onmouseover="alert(1)">survol</div>',
    "[lien](javascript:alert(1))",
    "[lien](JaVaScRiPt:alert(1))",
    "[lien](&#106;avascript:alert(1))",
    "[lien](vbscript:msgbox(1))",
    "[lien](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<style>body{display:none}</style>',
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    '<form action="https://evil.example"><input name="password"></form>',
    "![x](javascript:alert(1))",
    '[x](https://ok.example "titre" onclick="alert(1)")',
]


def hostile_module() -> str:
    """A valid module carrying every payload in every place that becomes HTML."""
    # Image references are refused at compile time (tested in test_errors), so they are left out here.
    payloads = [p for p in PAYLOADS if not p.startswith("![")]
    everything = "\n\n".join(payloads)
    inline = " ".join(payloads)
    return module(
        f"durée: 2\n\n## Titre {inline}\n\n{everything}\n\n::: notes\n{everything}\n:::\n",
        f"durée: 2\n\n## Activité\n\n::: activité\n{everything}\n\n::: astuce\n{everything}\n:::\n:::\n",
        f"durée: 2\n\n::: quiz\nQuestion : {inline}\n- [x] {inline}\n- [ ] <b onclick=x>b</b>\n"
        f"Explication : {inline}\n:::\n",
        sheet=f"\n---\n\n::: fiche\n{everything}\n:::\n",
    )


FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "form", "input", "frame", "base", "meta",
                  "link"}
FORBIDDEN_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Checker(HTMLParser):
    """Collects what would be executable once the HTML is parsed by a browser."""

    def __init__(self, allow: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allow = allow
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS - self.allow:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            cleaned = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "data", "formaction") and cleaned.startswith(FORBIDDEN_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")


def assert_safe(html: str, allow: frozenset[str] = frozenset()) -> None:
    """No executable markup: script, frames, event handlers, javascript: or data: URLs.

    `allow` names tags a whole page legitimately has (its own meta, link, svg).
    """
    checker = _Checker(allow)
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems
