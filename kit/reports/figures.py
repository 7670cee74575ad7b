"""Figures computed from sessions and attendance: an animator's history, a participant's, an SIAE's month.

Sessions are read through kit/reports/rules.py's `counted_sessions`: a session counts once it ended and
its attendance was confirmed, for its real (or corrected) duration. A participant counts for a half-day
where the confirmed attendance says present.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from kit.content.library import deck_by_revision_id
from kit.diagnostic.figures import counts as diagnostic_counts
from kit.evidence.observed import skills_alone
from kit.extensions import db
from kit.models import (
    AnimatorRecord,
    Answer,
    Attendance,
    Participant,
    SessionQuestion,
    SessionStatus,
    Siae,
    TrainingGroup,
    TrainingSession,
)
from kit.reports.enrolment_figures import CourseFigures, course_figures
from kit.reports.rules import counted_sessions

RUN = (SessionStatus.LIVE.value, SessionStatus.ENDED.value)
COURSE_MODULES = frozenset({1, 2, 3, 4})  # the 14 h course: modules 1 to 4, one half-day each


@dataclass(frozen=True)
class ModuleInfo:
    """What the figures need of a session's module: its number, title and planned minutes."""

    number: int
    title: str
    minutes: int


def module_info(revision_id: int) -> ModuleInfo:
    """The module of a revision (decks are compiled once and cached)."""
    meta = deck_by_revision_id(revision_id).meta
    return ModuleInfo(meta.number, meta.title, meta.minutes)


@dataclass(frozen=True)
class AnimatorHistory:
    """What an animator did: sessions per module, minutes, groups' modules, participants' half-days."""

    sessions_by_module: Mapping[int, int] = field(default_factory=dict)
    minutes: int = 0
    group_modules: Mapping[int, frozenset[int]] = field(default_factory=dict)
    participant_half_days: Mapping[int, int] = field(default_factory=dict)
    records: Mapping[str, int] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        """Sessions run, all modules together."""
        return sum(self.sessions_by_module.values())

    @property
    def hours(self) -> float:
        """Hours delivered (the sessions' counted durations)."""
        return self.minutes / 60

    def groups_completed(self, modules: frozenset[int] = COURSE_MODULES) -> int:
        """Groups taken through every one of these modules."""
        return sum(1 for done in self.group_modules.values() if modules <= done)

    def participants_trained(self, min_half_days: int = 1) -> int:
        """Participants present at least `min_half_days` of this animator's sessions."""
        return sum(1 for count in self.participant_half_days.values() if count >= min_half_days)


def animator_history(animator_id: int) -> AnimatorHistory:
    """An animator's history, from the database."""
    sessions = counted_sessions(TrainingSession.animator_id == animator_id)
    by_module: dict[int, int] = defaultdict(int)
    groups: dict[int, set[int]] = defaultdict(set)
    for session in sessions:
        info = module_info(session.revision_id)
        by_module[info.number] += 1
        groups[session.group_id].add(info.number)
    minutes = sum(session.minutes for session in sessions)
    half_days = dict(db.session.execute(
        sa.select(Attendance.participant_id, sa.func.count())
        .where(Attendance.present, Attendance.session_id.in_([s.id for s in sessions]))
        .group_by(Attendance.participant_id)).all())
    records = dict(db.session.execute(sa.select(AnimatorRecord.kind, sa.func.count())
                                      .where(AnimatorRecord.animator_id == animator_id)
                                      .group_by(AnimatorRecord.kind)).all())
    return AnimatorHistory(dict(by_module), minutes, {g: frozenset(m) for g, m in groups.items()}, half_days,
                           records)


@dataclass(frozen=True)
class ParticipantHistory:
    """What a participant did: modules attended, quiz questions asked and answered right, skills seen done alone."""

    modules_attended: frozenset[int] = frozenset()
    quiz_asked: int = 0
    quiz_correct: int = 0
    skills_alone: frozenset[str] = frozenset()  # skills the animator observed « seul » at least once


def participant_history(participant_id: int) -> ParticipantHistory:
    """A participant's history, from the database.

    A question counts as asked when it was opened in a session they were present at
    (polls have no right answer and do not count); no answer is a wrong answer.
    """
    sessions = counted_sessions(TrainingSession.id.in_(
        sa.select(Attendance.session_id).where(Attendance.participant_id == participant_id, Attendance.present)))
    modules, asked, correct = set(), 0, 0
    for session_id, revision_id in ((s.id, s.revision_id) for s in sessions):
        deck = deck_by_revision_id(revision_id)
        modules.add(deck.meta.number)
        opened = db.session.scalars(sa.select(SessionQuestion.quiz_number)
                                    .where(SessionQuestion.session_id == session_id)).all()
        answers = dict(db.session.execute(sa.select(Answer.quiz_number, Answer.choices).where(
            Answer.session_id == session_id, Answer.participant_id == participant_id)).all())
        for number in opened:
            if not 1 <= number <= len(deck.quizzes) or deck.quizzes[number - 1].is_poll:
                continue
            asked += 1
            given = answers.get(number)
            if given is not None and sorted(given) == sorted(deck.quizzes[number - 1].correct):
                correct += 1
    return ParticipantHistory(frozenset(modules), asked, correct, skills_alone(participant_id))


@dataclass(frozen=True)
class MonthlyFigures:
    """What an SIAE reports for one month."""

    siae: Siae
    month: date  # its first day
    sessions: int  # half-day sessions held
    half_days: int  # half-days followed: one per participant present at a session
    participant_minutes: int  # the same, in the sessions' counted minutes
    participants_enrolled: int  # members of the groups that had a session this month
    participants_trained: int  # present at one session of the month at least
    participants_completed: int  # completed the 4 half-days (14 h) this month
    # The diagnostic (kit/diagnostic): employees diagnosed this month, and of them oriented to the course.
    employees_diagnosed: int = 0
    employees_oriented: int = 0
    # The course between SIAE (kit/reports/enrolment_figures.py): enrolled, attended, hours, no-shows.
    courses: CourseFigures = field(default_factory=CourseFigures)

    @property
    def participant_hours(self) -> float:
        """Hours of training followed, all participants together."""
        return self.participant_minutes / 60


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last days of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def monthly_figures(siae: Siae, year: int, month: int) -> MonthlyFigures:
    """An SIAE's figures for a month, from its groups' sessions (by the day they took place)."""
    first, last = month_bounds(year, month)
    sessions = counted_sessions(TrainingSession.day <= last, TrainingSession.group_id.in_(
        sa.select(TrainingGroup.id).where(TrainingGroup.siae_id == siae.id)))
    info = {s.id: (module_info(s.revision_id), s.day) for s in sessions}
    minutes = {s.id: s.minutes for s in sessions}
    in_month = [s for s in sessions if s.day >= first]
    present = db.session.execute(sa.select(Attendance.session_id, Attendance.participant_id)
                                 .where(Attendance.present, Attendance.session_id.in_(list(info)))).all()
    month_ids = {s.id for s in in_month}
    month_present = [(sid, pid) for sid, pid in present if sid in month_ids]
    enrolled = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(
        Participant.group_id.in_(sorted({s.group_id for s in in_month})))) or 0
    return MonthlyFigures(
        siae=siae, month=first, sessions=len(in_month), half_days=len(month_present),
        participant_minutes=sum(minutes[sid] for sid, _pid in month_present),
        participants_enrolled=enrolled,
        participants_trained=len({pid for _sid, pid in month_present}),
        participants_completed=_completed_in(present, info, first, last),
        courses=course_figures(siae, first, last), **_diagnostics(siae, year, month))


def _diagnostics(siae: Siae, year: int, month: int) -> dict[str, int]:
    found = diagnostic_counts([siae.id], year, month)
    return {"employees_diagnosed": found.diagnosed, "employees_oriented": found.oriented}


def _completed_in(present: Iterable[tuple[int, int]], info: dict[int, tuple[ModuleInfo, date]],
                  first: date, last: date) -> int:
    """Participants whose last missing module of the course was attended between first and last."""
    first_day: dict[int, dict[int, date]] = defaultdict(dict)
    for session_id, participant_id in present:
        module, day = info[session_id]
        seen = first_day[participant_id]
        if module.number not in seen or day < seen[module.number]:
            seen[module.number] = day
    return sum(1 for seen in first_day.values()
               if set(seen) >= COURSE_MODULES and first <= max(seen[m] for m in COURSE_MODULES) <= last)
