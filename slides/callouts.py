"""A Python-Markdown extension for the editors' boxes: ``::: iphone`` … ``:::``.

It follows the shape of Python-Markdown's ``admonition.py``: the extension only
registers a block processor, which builds ``etree`` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own spelling)

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

CALLOUT_TITLES = {
    "iphone": "Sur iPhone",
    "android": "Sur Android",
    "astuce": "Astuce",
    "attention": "Attention",
}


class CalloutProcessor(BlockProcessor):
    """Turns a fenced ``::: name`` box into ``<aside class="encadre encadre-name">``."""

    RE_START = re.compile(r"^:::[ \t]*(" + "|".join(CALLOUT_TITLES) + r")[ \t]*$", re.M | re.I)
    RE_END = re.compile(r"^:::[ \t]*$", re.M)

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.RE_START.search(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        start = self.RE_START.search(block)
        assert start is not None  # test() matched
        before = block[: start.start()]
        if before.strip():
            self.parser.parseBlocks(parent, [before])
        name = start.group(1).lower()
        body, after = self._collect(block[start.end() :], blocks)

        aside = etree.SubElement(parent, "aside")
        aside.set("class", f"encadre encadre-{name}")
        title = etree.SubElement(aside, "p")
        title.set("class", "encadre-titre")
        title.text = CALLOUT_TITLES[name]
        self.parser.parseChunk(aside, body)
        if after.strip():
            blocks.insert(0, after)

    def _collect(self, rest: str, blocks: list[str]) -> tuple[str, str]:
        """Gather the box's text up to its closing ``:::``, across blank lines."""
        parts: list[str] = []
        while True:
            end = self.RE_END.search(rest)
            if end:
                parts.append(rest[: end.start()])
                return "\n\n".join(parts), rest[end.end() :]
            parts.append(rest)
            if not blocks:  # unclosed: the compiler reports it, render what we have
                return "\n\n".join(parts), ""
            rest = blocks.pop(0)


class CalloutExtension(Extension):
    """Registers the callout processor before lists and paragraphs."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.parser.blockprocessors.register(CalloutProcessor(md.parser), "callout", 105)


def makeExtension(**kwargs: object) -> CalloutExtension:  # noqa: N802 (Markdown's API)
    """Entry point for ``markdown.Markdown(extensions=[...])``."""
    return CalloutExtension(**kwargs)
