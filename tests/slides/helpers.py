"""Building small module texts for the compiler's tests."""

from __future__ import annotations

FRONT = """---
titre: Test
numéro: 1
durée: {minutes}
objectifs:
  - Se connecter au Wi-Fi
compétences:
  - "Pix 5.2 : Construire un environnement numérique"
---
"""

SHEET = "\n---\n\n::: fiche\n# Fiche\n\nÀ retenir.\n:::\n"


def module(*slides: str, minutes: int | None = None, sheet: str = SHEET) -> str:
    """A module with these slides (each a section text) and a summary sheet.

    The front matter's duration is the sum of the slides' `durée: N` unless given.
    """
    if minutes is None:
        minutes = sum(int(line.split(":")[1]) for s in slides for line in s.splitlines()
                      if line.startswith("durée:"))
    return FRONT.format(minutes=minutes) + "\n---\n".join(slides) + sheet


def line_of(text: str, needle: str) -> int:
    """The 1-based line number of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
