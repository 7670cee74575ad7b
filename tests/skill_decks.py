"""A module whose activities declare the skills they practise (`compétences: …`), published, for grid tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from kit.content import revisions
from kit.extensions import db
from kit.models import ModuleRevision

SLUG = "01-smartphone-wifi"
# The first two activities of module 1: lock and unlock the phone, then the gestures.
DEFAULT_SKILLS: tuple[tuple[str, ...], ...] = (("deverrouiller", "wifi"), ("deverrouiller",))


def skilled_text(source: str, skills: tuple[tuple[str, ...], ...]) -> str:
    """Module markdown whose n-th activity slide declares `skills[n]`, at the top of the slide (in place of
    what the slide declared, if anything)."""
    starts = [m.start() for m in re.finditer(r"^::: activité$", source, flags=re.M)]
    assert len(starts) >= len(skills), "pas assez d'activités dans le module"
    # From the last one, so that the earlier positions stay right.
    for start, names in reversed(list(zip(starts, skills, strict=False))):
        top = source.rindex("\n---\n", 0, start) + len("\n---\n")
        head = re.sub(r"^compétences:.*\n", "", source[top:start], flags=re.M).lstrip("\n")
        source = source[:top] + f"\ncompétences: {', '.join(names)}\n" + head + source[start:]
    return source


def publish_skilled_module(skills: tuple[tuple[str, ...], ...] = DEFAULT_SKILLS, slug: str = SLUG) -> int:
    """Publish a new version of the module with these skills (in an app context); returns its revision id.

    Only the first `len(skills)` activities are changed: the others keep what the shipped module declares.
    """
    source = db.session.scalar(sa.select(ModuleRevision.source).where(ModuleRevision.slug == slug,
                                                                       ModuleRevision.published))
    assert source is not None
    revision = revisions.record_version(slug, skilled_text(source, skills), author="tests", message="compétences",
                                        publish=True)
    db.session.commit()
    return revision.id


def activity_slides(deck: object) -> list[int]:
    """The numbers of the slides that declare skills."""
    return [s.number for s in deck.slides if s.skills]  # type: ignore[attr-defined]


def use_skilled_module(session_id: int, skills: tuple[tuple[str, ...], ...] = DEFAULT_SKILLS) -> int:
    """Pin a session to a new published version of its module whose activities declare skills, and show the
    first of them to the group (in an app context); returns that slide's number."""
    from kit.content.library import deck_by_revision_id
    from kit.live import service
    from kit.models import TrainingSession

    session = db.session.get(TrainingSession, session_id)
    assert session is not None
    session.revision_id = publish_skilled_module(skills, session.module_slug)
    deck = deck_by_revision_id(session.revision_id)
    first = activity_slides(deck)[0]
    service.goto(session, deck, first)
    db.session.commit()
    return first
