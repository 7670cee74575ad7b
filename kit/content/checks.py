"""The before/after check across modules: an item « avant » (module 1) and its pair « après » (module 4).

The compiler checks one module; the pairing needs two. The editor warns when an item of the module being
written has no partner in the other published modules (tests/test_shipped_evidence.py holds the shipped
ones to it).
"""

from __future__ import annotations

from kit.content.library import published_modules
from slides import Deck

PARTNER = {"avant": "apres", "apres": "avant"}
WORDS = {"avant": "avant", "apres": "après"}


def unpaired_items(slug: str, deck: Deck) -> list[str]:
    """French warnings for the deck's check items whose pair no other published module holds."""
    mine = [(q.check, q.check_item) for q in deck.quizzes if q.check and q.check_item]
    if not mine:
        return []
    elsewhere: dict[str, set[str]] = {"avant": set(), "apres": set()}
    for module in published_modules():
        if module.slug != slug:
            for quiz in module.deck.quizzes:
                if quiz.check and quiz.check_item:
                    elsewhere[quiz.check].add(quiz.check_item)
    return [f"« Positionnement : {WORDS[phase]} {item} » n'a pas de question « Positionnement : "
            f"{WORDS[PARTNER[phase]]} {item} » dans les modules publiés : sans la paire, "
            "aucun progrès n'est mesuré."
            for phase, item in mine if item not in elsewhere[PARTNER[phase]]]
