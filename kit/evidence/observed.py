"""A participant's observed skills, read back per skill; and a skill observed outside a slide.

The grid of the presenter writes one row per session, participant and skill (kit/evidence/observations.py).
Here: what each skill comes to for one person (the best level seen, and when), for their progress page,
their badge and their own end-of-course screen; and the animator's observation made outside a session
(on the progress page), one row per participant and skill with no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from kit.content.library import deck_by_revision_id
from kit.evidence.skills import skill_label, skills
from kit.extensions import db
from kit.models import SkillLevel, SkillObservation, TrainingSession, as_utc, utcnow

# Best first: a skill once done alone stays « seul » even if a later, harder try needed help.
RANK = {SkillLevel.ALONE.value: 3, SkillLevel.WITH_HELP.value: 2, SkillLevel.NOT_YET.value: 1}
LEVEL_WORDS = {SkillLevel.ALONE.value: "seul·e", SkillLevel.WITH_HELP.value: "avec de l'aide",
               SkillLevel.NOT_YET.value: "pas encore"}


@dataclass(frozen=True)
class ObservedSkill:
    """What the animator saw of one skill for one person."""

    skill: str
    label: str  # the skill's wording, « Se connecter à un réseau Wi-Fi »
    level: str  # the best level seen (a SkillLevel value)
    when: datetime  # the latest time it was seen at that level
    module: int | None  # the module of that session; None outside a session
    latest: str  # the level of the latest observation, whatever it was
    count: int  # how many observations of this skill

    @property
    def words(self) -> str:
        """The level in plain French: « seul·e », « avec de l'aide », « pas encore »."""
        return LEVEL_WORDS.get(self.level, self.level)


def _modules(session_ids: set[int]) -> dict[int, int]:
    """Session id → its module's number."""
    if not session_ids:
        return {}
    rows = db.session.execute(sa.select(TrainingSession.id, TrainingSession.revision_id)
                              .where(TrainingSession.id.in_(session_ids))).all()
    return {sid: deck_by_revision_id(revision).meta.number for sid, revision in rows if revision is not None}


def observed_skills(participant_id: int) -> dict[str, ObservedSkill]:
    """Each skill observed for this participant, in the guide's order (skills no longer in the guide last)."""
    rows = db.session.execute(sa.select(SkillObservation.skill, SkillObservation.level, SkillObservation.observed_at,
                                        SkillObservation.session_id)
                              .where(SkillObservation.participant_id == participant_id)).all()
    by_skill: dict[str, list[tuple[str, datetime, int | None]]] = {}
    for skill, level, when, session_id in rows:
        if level in RANK:
            by_skill.setdefault(skill, []).append((level, as_utc(when) or utcnow(), session_id))
    modules = _modules({sid for seen in by_skill.values() for _, _, sid in seen if sid is not None})
    order = {skill: i for i, skill in enumerate(skills())}
    found = {}
    for skill in sorted(by_skill, key=lambda s: (order.get(s, len(order)), s)):
        seen = by_skill[skill]
        level, when, session_id = max(seen, key=lambda row: (RANK[row[0]], row[1]))
        latest = max(seen, key=lambda row: row[1])[0]
        found[skill] = ObservedSkill(skill, skill_label(skill), level, when,
                                     modules.get(session_id) if session_id is not None else None, latest, len(seen))
    return found


def skills_alone(participant_id: int) -> frozenset[str]:
    """The skills observed « seul » at least once for this participant (the badge's criterion)."""
    return frozenset(db.session.scalars(sa.select(SkillObservation.skill).distinct().where(
        SkillObservation.participant_id == participant_id, SkillObservation.level == SkillLevel.ALONE.value)))


class ObservationError(ValueError):
    """An observation that cannot be recorded; the message is in French."""


def observe_outside(participant_id: int, skill: str, level: str, observed_by_id: int | None) -> None:
    """Record what the animator saw outside a slide; an empty level removes that observation.

    One row per participant and skill with no session (a partial unique index keeps it so): changed in place.
    """
    if skill not in skills():
        raise ObservationError("Cette compétence n'existe pas.")
    if level and level not in RANK:
        raise ObservationError("Choisissez « seul·e », « avec de l'aide » ou « pas encore ».")
    row = db.session.scalar(sa.select(SkillObservation).where(
        SkillObservation.participant_id == participant_id, SkillObservation.skill == skill,
        SkillObservation.session_id.is_(None)))
    if not level:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(SkillObservation(participant_id=participant_id, skill=skill, level=level,
                                        observed_by_id=observed_by_id, observed_at=utcnow()))
    else:
        row.level, row.observed_by_id, row.observed_at = level, observed_by_id, utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same skill set at the same moment from another window: change that row
        db.session.rollback()
        observe_outside(participant_id, skill, level, observed_by_id)


def outside_levels(participant_id: int) -> dict[str, str]:
    """The levels set outside a session for this participant, skill → level (the progress page's form)."""
    return dict(db.session.execute(sa.select(SkillObservation.skill, SkillObservation.level).where(
        SkillObservation.participant_id == participant_id, SkillObservation.session_id.is_(None))).all())
