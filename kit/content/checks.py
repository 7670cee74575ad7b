"""The before/after check across modules: an item « avant » (module 1) and its pair « après » (module 4).

The compiler checks one module; the pairing needs two. The editor and `flask modules check` warn when an
item has no partner in the other modules (tests/test_shipped_evidence.py holds the shipped ones to it).
"""

from __future__ import annotations

from collections.abc import Iterable

from kit.content.library import published_modules
from slides import Deck

PARTNER = {"avant": "apres", "apres": "avant"}
WORDS = {"avant": "avant", "apres": "après"}


def unpaired(deck: Deck, others: Iterable[Deck]) -> list[str]:
    """French warnings for the deck's check items whose pair none of the other decks holds."""
    mine = [(q.check, q.check_item) for q in deck.quizzes if q.check and q.check_item]
    if not mine:
        return []
    elsewhere: dict[str, set[str]] = {"avant": set(), "apres": set()}
    for other in others:
        for quiz in other.quizzes:
            if quiz.check and quiz.check_item:
                elsewhere[quiz.check].add(quiz.check_item)
    return [f"« Positionnement : {WORDS[phase]} {item} » n'a pas de question « Positionnement : "
            f"{WORDS[PARTNER[phase]]} {item} » dans les autres modules : sans la paire, aucun progrès n'est mesuré."
            for phase, item in mine if item not in elsewhere[PARTNER[phase]]]


def unpaired_items(slug: str, deck: Deck) -> list[str]:
    """The warnings of a module being edited, against the other published modules."""
    if not any(q.check for q in deck.quizzes):
        return []
    return unpaired(deck, (module.deck for module in published_modules() if module.slug != slug))
