"""Who the evaluation is about: the groups of a scope (region, SIAE, animator, month), their participants.

A group is in the month its course ended: the day of its last session that counts (kit/reports/rules.py).
A participant counts once present at a session of the course (modules 1 to 4) that counts; they completed
the course when present at each of the four modules (the rule of the monthly figures, kit/reports/figures.py).
Groups without an SIAE are seen by admins only (a coordinator sees their region's SIAE).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from kit.extensions import db
from kit.models import Attendance, SessionStatus, Siae, TrainingGroup, TrainingSession, User
from kit.reports.figures import COURSE_MODULES, module_info
from kit.reports.rules import counted_sessions


@dataclass(frozen=True)
class Filters:
    """The page's filters; None is « tout ». `siae_ids` None: every SIAE and the groups without one (admin)."""

    siae_ids: frozenset[int] | None = None
    region: str | None = None
    siae_id: int | None = None
    animator_id: int | None = None
    month: date | None = None  # the first day of the month the course ended


@dataclass
class Group:
    """A group in scope, with what the breakdowns need."""

    id: int
    name: str
    siae: str  # its SIAE's name, or « Sans structure »
    region: str
    animator_id: int
    animator: str
    last_day: date | None = None
    participants: set[int] = field(default_factory=set)  # present at one counted session of the course
    completed: set[int] = field(default_factory=set)  # present at the four modules
    sessions: dict[int, int] = field(default_factory=dict)  # ended session id → module number


@dataclass(frozen=True)
class Cohort:
    groups: tuple[Group, ...]

    @property
    def participants(self) -> dict[int, Group]:
        """Each participant of the scope, with their group."""
        return {pid: g for g in self.groups for pid in g.participants}

    @property
    def completed(self) -> int:
        return sum(len(g.completed) for g in self.groups)


def _groups(filters: Filters) -> list[Group]:
    query = (sa.select(TrainingGroup.id, TrainingGroup.name, Siae.name, Siae.region, User.id, User.name)
             .outerjoin(Siae, Siae.id == TrainingGroup.siae_id).join(User, User.id == TrainingGroup.animator_id)
             .order_by(TrainingGroup.id))
    if filters.siae_ids is not None:
        query = query.where(TrainingGroup.siae_id.in_(sorted(filters.siae_ids)))
    if filters.region:
        query = query.where(Siae.region == filters.region)
    if filters.siae_id is not None:
        query = query.where(TrainingGroup.siae_id == filters.siae_id)
    if filters.animator_id is not None:
        query = query.where(TrainingGroup.animator_id == filters.animator_id)
    return [Group(gid, name, siae or "Sans structure", region or "", aid, animator)
            for gid, name, siae, region, aid, animator in db.session.execute(query).all()]


def load_cohort(filters: Filters) -> Cohort:
    """The groups in scope, their counted sessions, participants and completion."""
    groups = {g.id: g for g in _groups(filters)}
    if not groups:
        return Cohort(())
    counted = [s for s in counted_sessions(TrainingSession.group_id.in_(list(groups)))
               if module_info(s.revision_id).number in COURSE_MODULES]
    module_of = {s.id: module_info(s.revision_id).number for s in counted}
    for session in counted:
        group = groups[session.group_id]
        group.last_day = max(group.last_day or session.day, session.day)
    if filters.month is not None:
        month = filters.month
        groups = {k: g for k, g in groups.items()
                  if g.last_day is not None and (g.last_day.year, g.last_day.month) == (month.year, month.month)}
    present = db.session.execute(sa.select(Attendance.session_id, Attendance.participant_id)
                                 .where(Attendance.present, Attendance.session_id.in_(list(module_of)))).all()
    group_of = {s.id: s.group_id for s in counted}
    modules: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in present:
        if group_of[session_id] not in groups:
            continue
        groups[group_of[session_id]].participants.add(participant_id)
        modules[participant_id].add(module_of[session_id])
    for group in groups.values():
        group.completed = {p for p in group.participants if modules[p] >= COURSE_MODULES}
    ended = db.session.execute(sa.select(TrainingSession.id, TrainingSession.group_id, TrainingSession.revision_id)
                               .where(TrainingSession.group_id.in_(list(groups)),
                                      TrainingSession.status == SessionStatus.ENDED.value)).all()
    for session_id, group_id, revision_id in ended:
        groups[group_id].sessions[session_id] = module_info(revision_id).number
    return Cohort(tuple(groups.values()))


def animator_choices(siae_ids: frozenset[int] | None) -> list[tuple[int, str]]:
    """The animators of the groups one may see, for the filter."""
    query = (sa.select(User.id, User.name).join(TrainingGroup, TrainingGroup.animator_id == User.id)
             .distinct().order_by(User.name))
    if siae_ids is not None:
        query = query.where(TrainingGroup.siae_id.in_(sorted(siae_ids)))
    return [(uid, name) for uid, name in db.session.execute(query).all()]
