"""Level at diagnosis vs level after the course, for the participants enrolled from a diagnosed employee.

Participant ↔ Employee through `Enrolment.participant_id` (kit/models/courses.py). The level at diagnosis is
the employee's last completed diagnostic on or before the course's last day (else their first one); the
level after is their first completed diagnostic after that day (a re-diagnosis, kit/diagnostic/comparison.py).
A cell of fewer than MIN_PEOPLE people shows no number; under MIN_PEOPLE people in all, no table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kit.diagnostic.guide import current_guide
from kit.evidence.cohort import Cohort
from kit.evidence.stats import shown
from kit.extensions import db
from kit.models import Diagnostic, Enrolment, as_utc


@dataclass(frozen=True)
class LevelTable:
    """Counts by (level before, level after); `levels` in the guide's order, as (id, label)."""

    levels: tuple[tuple[str, str], ...]
    cells: dict[tuple[str, str], int]
    diagnosed: int  # participants with a diagnostic before the course
    rediagnosed: int  # of them, with one after too

    @property
    def visible(self) -> bool:
        return shown(self.rediagnosed)

    def cell(self, before: str, after: str) -> int | None:
        """A cell's count, or None when fewer than MIN_PEOPLE (and not zero)."""
        count = self.cells.get((before, after), 0)
        return count if count == 0 or shown(count) else None


def level_table(cohort: Cohort) -> LevelTable:
    """The cross table for the cohort's participants who came through an enrolment."""
    levels = tuple((level.id, level.label) for level in current_guide().levels)
    members = cohort.participants
    if not members:
        return LevelTable(levels, {}, 0, 0)
    employee_of: dict[int, int] = {
        pid: eid for pid, eid in db.session.execute(sa.select(Enrolment.participant_id, Enrolment.employee_id)
                                                    .where(Enrolment.participant_id.in_(list(members)))).all()
        if pid is not None}
    found: dict[int, list[tuple[date, str]]] = {}
    done = sa.func.coalesce(Diagnostic.completed_at, Diagnostic.started_at)
    if employee_of:
        for employee_id, completed_at, level in db.session.execute(
                sa.select(Diagnostic.employee_id, done, sa.func.coalesce(Diagnostic.level, ""))
                .where(Diagnostic.employee_id.in_(set(employee_of.values())), Diagnostic.completed_at.is_not(None),
                       Diagnostic.level.is_not(None)).order_by(Diagnostic.completed_at)).all():
            found.setdefault(employee_id, []).append((as_utc(completed_at).date(), level))
    cells: Counter[tuple[str, str]] = Counter()
    diagnosed = 0
    for participant_id, employee_id in employee_of.items():
        history = found.get(employee_id)
        end = members[participant_id].last_day
        if not history or end is None:
            continue
        diagnosed += 1
        before = [level for day, level in history if day <= end] or [history[0][1]]
        after = [level for day, level in history if day > end]
        if after:
            cells[(before[-1], after[0])] += 1
    return LevelTable(levels, dict(cells), diagnosed, sum(cells.values()))
