"""The evidence of learning a module declares: the skills an activity practises, and the before/after check.

`compétences: wifi, recherche` at the top of an activity slide names the skills the presenter observes
there, by the ids the caller knows (kit passes the diagnostic guide's task ids). `Positionnement : avant
wifi-reseau` inside a question makes it an item of the before/after check (« positionnement »): `avant`
items are asked at the start of module 1 and never revealed, `après` items at the end of module 4; the
same item id pairs a participant's two answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from .model import Slide
from .text import fold

SKILL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_ID_MAX = 40
# The phase as written (`avant`, `après`, `apres`) → the value of Quiz.check.
PHASES = {"avant": "avant", "apres": "apres"}
# The module each phase is asked in: the start of the course, and its end.
PHASE_MODULE = {"avant": 1, "apres": 4}
PHASE_WORDS = {"avant": "avant", "apres": "après"}

Fail = Callable[[int, str], None]


def parse_skills(value: str, line: int, known: Collection[str] | None, fail: Fail) -> tuple[str, ...]:
    """Read `wifi, recherche` into skill ids, each known; record an error at `line` otherwise.

    With `known` None only the shape of the ids is checked (the pure library knows no skills).
    """
    names = [part.strip() for part in value.split(",")]
    if not any(names):
        fail(line, "« compétences: » est vide : écrivez les compétences pratiquées, séparées par des virgules "
                   "(par exemple « compétences: wifi, recherche »)")
        return ()
    found: list[str] = []
    for name in names:
        if not name:
            fail(line, "« compétences: » a une virgule en trop")
        elif not SKILL_ID.match(name) or (known is not None and name not in known):
            listed = f" (connues : {', '.join(known)})" if known is not None else ""
            fail(line, f"compétence inconnue « {name} »{listed}")
        elif name in found:
            fail(line, f"la compétence « {name} » est écrite deux fois")
        else:
            found.append(name)
    return tuple(found)


def parse_check(value: str, line: int, fail: Fail) -> tuple[str, str] | None:
    """Read `avant wifi-reseau` into (phase, item id); record an error at `line` otherwise."""
    parts = value.split()
    if len(parts) != 2:
        fail(line, "« Positionnement : » attend la phase puis l'identifiant de la question, par exemple "
                   "« Positionnement : avant wifi-salle-attente »")
        return None
    phase = PHASES.get(fold(parts[0]))
    if phase is None:
        fail(line, f"phase de positionnement inconnue « {parts[0]} » (attendu : avant ou après)")
    item = parts[1]
    if not ITEM_ID.match(item) or len(item) > ITEM_ID_MAX:
        fail(line, f"identifiant de positionnement incorrect « {item[:ITEM_ID_MAX]} » : des lettres minuscules "
                   f"sans accent, des chiffres et des tirets, {ITEM_ID_MAX} caractères au plus "
                   "(par exemple « wifi-salle-attente »)")
        return None
    return (phase, item) if phase else None


def check_items(slides: Sequence[Slide], module_number: int, lines: dict[int, int], fail: Fail) -> None:
    """A module's check items: each id once, `avant` only in module 1 and `après` only in module 4.

    `lines` gives the line of each question's `Positionnement :`, by question number.
    """
    seen: dict[str, int] = {}
    for slide in slides:
        quiz = slide.quiz
        if quiz is None or quiz.check is None or quiz.check_item is None:
            continue
        line = lines.get(quiz.number, slide.line)
        expected = PHASE_MODULE[quiz.check]
        if module_number and module_number != expected:
            fail(line, f"une question « Positionnement : {PHASE_WORDS[quiz.check]} » va dans le module "
                       f"{expected} (ce module est le numéro {module_number})")
        if quiz.check_item in seen:
            fail(line, f"l'identifiant de positionnement « {quiz.check_item} » est déjà pris ligne "
                       f"{seen[quiz.check_item]} : un identifiant par question dans un module")
        else:
            seen[quiz.check_item] = line
