"""Small helpers on numbered lines of a module file."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """A line of the module file with its 1-based number."""

    number: int
    text: str


def join(lines: list[Line]) -> str:
    """The text of numbered lines, as markdown to render."""
    return "\n".join(line.text for line in lines)


def fold(word: str) -> str:
    """Lower-case without accents, so that `Durée`, `durée` and `duree` are one key."""
    decomposed = unicodedata.normalize("NFKD", word.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
