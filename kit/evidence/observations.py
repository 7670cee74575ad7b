"""The skills an animator observed: one tap of the presenter's grid, and what the other pages read back.

An observation is one row per session, participant and skill (`SkillObservation`), changed in place:
the animator taps « seul », later « avec aide », and the row says « avec aide ». Recording it is one
atomic upsert on that unique key, so two windows tapping the same cell at once leave one row, the last
one's, on SQLite and PostgreSQL alike (the way kit/live/answers.py stores an answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kit.evidence.skills import skill_label
from kit.extensions import db
from kit.models import Participant, SkillLevel, SkillObservation, TrainingSession, as_utc, utcnow
from slides import Deck

LEVELS: tuple[str, ...] = tuple(level.value for level in SkillLevel)
# The words of the diagnostic's own scale (kit/diagnostic/scoring.yaml), so the animator reads one language.
LEVEL_LABELS: dict[str, str] = {"seul": "Seul·e", "avec_aide": "Avec aide", "pas_encore": "Pas encore"}

_OBSERVATIONS = SkillObservation.__table__
_KEY = ("session_id", "participant_id", "skill")


@dataclass(frozen=True)
class GridSkill:
    """A column of the grid: a skill id and its wording."""

    id: str
    label: str


@dataclass(frozen=True)
class GridRow:
    """A participant of the session's group, and their level for each skill of the grid (None: not observed)."""

    participant_id: int
    nickname: str
    avatar: str
    levels: dict[str, str | None]


@dataclass(frozen=True)
class Grid:
    """Participants × skills of one slide, with the levels observed during the session."""

    skills: tuple[GridSkill, ...]
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class Observed:
    """One observation of a participant, with where and when it was made.

    `session_id`, `day` and `module_slug` are None for the tasks attested before the grid existed
    (migration 0010 turned them into « seul » observations without a session).
    """

    skill: str
    label: str
    level: str
    observed_at: datetime
    session_id: int | None
    day: date | None
    module_slug: str | None
    slide: int | None


def _check(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"niveau inconnu : {level!r}")


_UPSERTS: dict[str, sa.Insert] = {}


def _upsert_statement(dialect_name: str) -> sa.Insert:
    """INSERT … ON CONFLICT (session, participant, skill) DO UPDATE, built once per dialect."""
    statement = _UPSERTS.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        insert = dialect.insert(_OBSERVATIONS)
        statement = _UPSERTS[dialect_name] = insert.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={"level": insert.excluded.level, "slide": insert.excluded.slide,
                  "observed_by_id": insert.excluded.observed_by_id, "observed_at": insert.excluded.observed_at})
    return statement


def observe(session_id: int, participant_id: int, skill: str, level: str, *, slide: int | None = None,
            observed_by_id: int | None = None, commit: bool = True) -> None:
    """Record what the animator saw, or change it: one statement, atomic under concurrent taps.

    The caller has checked that the participant is of the session's group and the skill on its slide.
    """
    _check(level)
    db.session.execute(_upsert_statement(db.session.get_bind().dialect.name),
                       {"session_id": session_id, "participant_id": participant_id, "skill": skill, "level": level,
                        "slide": slide, "observed_by_id": observed_by_id, "observed_at": utcnow()})
    if commit:
        db.session.commit()


def clear(session_id: int, participant_id: int, skill: str, *, commit: bool = True) -> None:
    """Forget an observation of this session (a tap by mistake); nothing happens if there was none."""
    db.session.execute(sa.delete(SkillObservation).where(SkillObservation.session_id == session_id,
                                                         SkillObservation.participant_id == participant_id,
                                                         SkillObservation.skill == skill))
    if commit:
        db.session.commit()


def session_levels(session_id: int) -> list[tuple[int, str, str]]:
    """Every observation of a session, as (participant id, skill, level): what the grid shows on (re)connection."""
    rows = db.session.execute(sa.select(_OBSERVATIONS.c.participant_id, _OBSERVATIONS.c.skill, _OBSERVATIONS.c.level)
                              .where(_OBSERVATIONS.c.session_id == session_id)
                              .order_by(_OBSERVATIONS.c.participant_id, _OBSERVATIONS.c.skill))
    return [(pid, skill, level) for pid, skill, level in rows]


def session_grid(session_id: int, group_id: int, skills: Sequence[str]) -> Grid:
    """The grid of one slide: the group's participants × `skills`, with the levels of this session."""
    levels = {(pid, skill): level for pid, skill, level in session_levels(session_id)}
    people = db.session.execute(sa.select(Participant.id, Participant.nickname, Participant.avatar)
                                .where(Participant.group_id == group_id).order_by(Participant.nickname_key))
    return Grid(skills=tuple(GridSkill(skill, skill_label(skill)) for skill in skills),
                rows=tuple(GridRow(pid, nickname, avatar, {skill: levels.get((pid, skill)) for skill in skills})
                           for pid, nickname, avatar in people))


def observations_of(participant_id: int) -> list[Observed]:
    """Everything observed of a participant, across their group's sessions, oldest first.

    For the participant's badge and their end of course: each row says the skill, the level, the day
    and the module it was observed in.
    """
    rows = db.session.execute(
        sa.select(SkillObservation.skill, SkillObservation.level, SkillObservation.observed_at,
                  SkillObservation.session_id, SkillObservation.slide, TrainingSession.day,
                  TrainingSession.module_slug)
        .outerjoin(TrainingSession, TrainingSession.id == SkillObservation.session_id)
        .where(SkillObservation.participant_id == participant_id)
        .order_by(TrainingSession.day.is_(None).desc(), TrainingSession.day, SkillObservation.observed_at,
                  SkillObservation.id))
    return [Observed(skill=row.skill, label=skill_label(row.skill), level=row.level,
                     observed_at=as_utc(row.observed_at), session_id=row.session_id, day=row.day,
                     module_slug=row.module_slug, slide=row.slide)
            for row in rows]


def best_levels(participant_id: int) -> dict[str, str]:
    """Each skill observed for a participant, at the best level it ever reached (« seul » beats « avec aide »)."""
    rank = {level: index for index, level in enumerate(LEVELS)}
    best: dict[str, str] = {}
    for observed in observations_of(participant_id):
        known = best.get(observed.skill)
        if known is None or rank.get(observed.level, len(LEVELS)) < rank.get(known, len(LEVELS)):
            best[observed.skill] = observed.level
    return best


def slide_skills(deck: Deck) -> dict[int, list[dict[str, str]]]:
    """The skills each slide of a deck declares, with their wording: the presenter draws its grid from it."""
    return {slide.number: [{"id": skill, "label": skill_label(skill)} for skill in slide.skills]
            for slide in deck.slides if slide.skills}
