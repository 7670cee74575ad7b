"""Check items for the tests: published versions of modules 1 and 4 with « Positionnement » questions.

The shipped modules may or may not have their own items yet; these tests add theirs, so they do not
depend on the content team's wording.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from kit.content.revisions import record_version
from kit.extensions import db
from kit.models import ModuleRevision

ROOT = Path(__file__).resolve().parents[3]
# item id → (question, choices, index of the right one)
ITEMS = {
    "t-wifi": ("Une affiche dit « Wi-Fi gratuit ». Que faites-vous ?", ("Je tape le nom dans Google",
               "J'ouvre les réglages du Wi-Fi", "J'éteins le téléphone"), 1),
    "t-recherche": ("Vous cherchez les horaires de la mairie. Que tapez-vous ?", ("mairie",
                    "horaires mairie Lille", "bonjour je voudrais"), 1),
    "t-appli": ("Où installer une application sans risque ?", ("Sur un site inconnu", "Dans le Play Store"), 1),
}


def check_slides(phase: str, items: dict[str, tuple[str, tuple[str, ...], int]]) -> str:
    """One quiz slide per item, in the authoring syntax (docs/authoring.md)."""
    slides = []
    for item, (question, choices, right) in items.items():
        lines = "\n".join(f"- [{'x' if i == right else ' '}] {c}" for i, c in enumerate(choices))
        slides.append(f"durée: 1\n\n::: quiz\nPositionnement : {phase} {item}\nQuestion : {question}\n{lines}\n"
                      f"Explication : La bonne réponse est {choices[right]}.\n:::\n\n---\n\n")
    return "".join(slides)


def without_checks(text: str) -> str:
    """A module's text without its own « Positionnement » line (so that only ours pair)."""
    return "\n".join(line for line in text.split("\n") if not line.startswith("Positionnement :"))


Items = dict[str, tuple[str, tuple[str, ...], int]]


def publish_checks(before: Items = ITEMS, after: Items | None = None) -> dict[str, dict[str, int]]:
    """Publish modules 1 and 4 with these items first (avant, après); return phase → item → quiz number."""
    numbers: dict[str, dict[str, int]] = {}
    for slug, phase, items in (("01-smartphone-wifi", "avant", before),
                               ("04-installer-applications", "après", before if after is None else after)):
        current = db.session.scalar(sa.select(ModuleRevision).where(ModuleRevision.slug == slug,
                                                                    ModuleRevision.published))
        assert current is not None
        text = without_checks(current.source)
        front_end = text.index("\n---\n", 4) + len("\n---\n")
        minutes = re.search(r"^durée: (\d+)$", text[:front_end], re.M)
        assert minutes is not None  # one minute more per slide added
        text = text[:minutes.start(1)] + str(int(minutes.group(1)) + len(items)) + text[minutes.end(1):]
        front_end += len(text) - len(without_checks(current.source))
        text = text[:front_end] + "\n" + check_slides(phase, items) + text[front_end:].lstrip("\n")
        record_version(slug, text, author="tests", message="positionnement des tests", publish=True)
        numbers[phase] = {item: index + 1 for index, item in enumerate(items)}
    db.session.commit()
    return numbers
