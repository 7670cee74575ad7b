"""The programme's evaluation, from the data only: participants, completion, skills « seul », gain, items.

The scope is a `Filters` (kit/evidence/cohort.py). The arithmetic is kit/evidence/stats.py; the level at
diagnosis vs after the course is kit/evidence/levels.py. Every figure about fewer than MIN_PEOPLE people is
left out here (None, or a hidden breakdown cell), so that no page or CSV can show it by mistake.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from kit.content.library import deck_by_revision_id
from kit.evidence.cohort import Cohort, Filters, Group, load_cohort
from kit.evidence.levels import LevelTable, level_table
from kit.evidence.skills import skills
from kit.evidence.stats import (
    Estimate,
    Pair,
    Side,
    gain_distribution,
    item_flags,
    mean_interval,
    pair,
    protect,
    shown,
    side,
)
from kit.extensions import db
from kit.models import Answer, SkillLevel, SkillObservation, TrainingSession

CHECK_MODULES = {"avant": 1, "apres": 4}  # the before check is in module 1, the after check in module 4


@dataclass(frozen=True)
class SkillRate:
    id: str
    label: str
    outcome: bool
    observed: int  # participants observed on this skill at least once
    alone: int  # of them, observed « seul » at least once

    @property
    def rate(self) -> float | None:
        return self.alone / self.observed if shown(self.observed) else None


@dataclass(frozen=True)
class ItemRow:
    """One check item: the question (before and after forms), its choices, the tallies and the flags."""

    id: str
    question: str
    choices: tuple[str, ...]  # « A. texte »
    correct: tuple[int, ...]
    before: Side
    after: Side
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """One line of a breakdown (an SIAE, an animator, a group); `hidden`: « moins de 5 personnes »."""

    label: str
    people: int
    completed: int
    gain: Estimate
    hidden: bool

    @property
    def completion(self) -> float | None:
        return None if self.hidden else self.completed / self.people


@dataclass(frozen=True)
class Evaluation:
    people: int
    completed: int
    gain: Estimate
    before: float | None  # mean score before / after of the pairs
    after: float | None
    distribution: tuple[tuple[str, int], ...]
    skills: tuple[SkillRate, ...]
    items: tuple[ItemRow, ...]
    breakdowns: dict[str, tuple[Cell, ...]]
    levels: LevelTable

    @property
    def visible(self) -> bool:
        """Whether the scope has enough people for any figure at all."""
        return shown(self.people)

    @property
    def completion(self) -> float | None:
        return self.completed / self.people if self.visible else None


def _check_answers(cohort: Cohort) -> tuple[dict[str, dict[int, dict[str, bool]]], list[ItemRow]]:
    """Each participant's right/wrong per item on each side, and the item analysis."""
    members = cohort.participants
    sessions = {sid: number for g in cohort.groups for sid, number in g.sessions.items()
                if number in CHECK_MODULES.values()}
    if not sessions:
        return {"avant": {}, "apres": {}}, []
    revisions = dict(db.session.execute(sa.select(TrainingSession.id, TrainingSession.revision_id)
                                        .where(TrainingSession.id.in_(list(sessions)))).all())
    results: dict[str, dict[int, dict[str, bool]]] = {"avant": defaultdict(dict), "apres": defaultdict(dict)}
    given: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    forms: dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]] = {}  # item → question, choices, correct
    rows = db.session.execute(sa.select(Answer.session_id, Answer.participant_id, Answer.quiz_number, Answer.choices)
                              .where(Answer.session_id.in_(list(sessions)))
                              .order_by(Answer.answered_at, Answer.id)).all()
    for session_id, participant_id, number, picked in rows:
        deck = deck_by_revision_id(revisions[session_id])
        if participant_id not in members or not 1 <= number <= len(deck.quizzes):
            continue
        quiz = deck.quizzes[number - 1]
        if quiz.check not in CHECK_MODULES or not quiz.check_item or CHECK_MODULES[quiz.check] != sessions[session_id]:
            continue
        item = quiz.check_item
        right = sorted(picked) == sorted(quiz.correct)
        results[quiz.check][participant_id][item] = right  # a later session's answer replaces an earlier one
        given[(item, quiz.check)].append(list(picked))
        if quiz.check == "apres" or item not in forms:
            forms[item] = (quiz.question, tuple(f"{c.letter}. {c.text}" for c in quiz.choices), quiz.correct)
    items = []
    for item in sorted(forms):
        question, choices, correct = forms[item]
        before = side(given[(item, "avant")], correct, len(choices))
        after = side(given[(item, "apres")], correct, len(choices))
        items.append(ItemRow(item, question, choices, correct, before, after, item_flags(before, after)))
    return results, items


def _skill_rates(cohort: Cohort) -> tuple[SkillRate, ...]:
    members = cohort.participants
    levels: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    if members:
        for participant_id, skill_id, level in db.session.execute(
                sa.select(SkillObservation.participant_id, SkillObservation.skill, SkillObservation.level)
                .where(SkillObservation.participant_id.in_(list(members)))).all():
            levels[skill_id][participant_id].add(level)
    out = []
    for skill in skills().values():
        seen = levels.get(skill.id, {})
        out.append(SkillRate(skill.id, skill.label, skill.outcome, len(seen),
                             sum(1 for found in seen.values() if SkillLevel.ALONE.value in found)))
    return tuple(out)


BREAKDOWNS: dict[str, Callable[[Group], str]] = {
    "structure": lambda g: g.siae, "animateur": lambda g: g.animator, "groupe": lambda g: f"{g.name} — {g.siae}"}


def _breakdown(cohort: Cohort, key: Callable[[Group], str], pairs: dict[int, Pair]) -> tuple[Cell, ...]:
    people: dict[str, set[int]] = defaultdict(set)
    completed: dict[str, int] = defaultdict(int)
    for group in cohort.groups:
        people[key(group)] |= group.participants
        completed[key(group)] += len(group.completed)
    hidden = protect({label: len(found) for label, found in people.items()})
    cells = []
    for label in sorted(people):
        if not people[label]:
            continue
        gains = [pairs[p].gain for p in people[label] if p in pairs]
        secret = label in hidden
        cells.append(Cell(label, len(people[label]), completed[label],
                          Estimate(0, None) if secret or not shown(len(gains)) else mean_interval(gains), secret))
    return tuple(cells)


def evaluate(filters: Filters) -> Evaluation:
    """The evaluation of a scope; figures about fewer than MIN_PEOPLE people are left out (None)."""
    cohort = load_cohort(filters)
    members = cohort.participants
    results, items = _check_answers(cohort)
    pairs = {p: found for p in members
             if (found := pair(results["avant"].get(p, {}), results["apres"].get(p, {}))) is not None}
    visible = shown(len(pairs))
    gains = [p.gain for p in pairs.values()]
    return Evaluation(
        people=len(members), completed=cohort.completed,
        gain=mean_interval(gains) if visible else Estimate(len(pairs), None),
        before=sum(p.before for p in pairs.values()) / len(pairs) if visible else None,
        after=sum(p.after for p in pairs.values()) / len(pairs) if visible else None,
        distribution=tuple(gain_distribution(gains)) if visible else (),
        skills=_skill_rates(cohort),
        items=tuple(items) if shown(len(members)) else (),
        breakdowns={name: _breakdown(cohort, key, pairs) for name, key in BREAKDOWNS.items()},
        levels=level_table(cohort))
