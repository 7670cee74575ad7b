"""`python -m slides FILE…`: check module files and print a summary or `file:line` errors."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import DeckError
from .files import compile_file


def main(argv: list[str]) -> int:
    """Compile every file given; exit 1 if any has an error."""
    if not argv:
        print("usage : python -m slides modules/MODULE.md …", file=sys.stderr)
        return 2
    status = 0
    for name in argv:
        try:
            deck = compile_file(Path(name))
        except DeckError as exc:
            print(exc, file=sys.stderr)
            status = 1
            continue
        polls = sum(1 for q in deck.quizzes if q.is_poll)
        slack = f" + {deck.meta.slack_minutes} min de marge" if deck.meta.slack_minutes else ""
        print(f"{name} : OK — {len(deck.slides)} diapos, {len(deck.quizzes) - polls} quiz, {polls} sondages, "
              f"{len(deck.activities)} activités, {deck.planned_minutes} min{slack}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
