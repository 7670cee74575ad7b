"""The result of an interview, from the scoring rules: a level, the skills to work on, a recommendation.

A pure function of the guide and the answers, so that the rules are tested table by table
(tests/kit/diagnostic/test_scoring.py) without a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kit.diagnostic.guide import Guide, Named, Step

NOT_OBSERVED = "non_observe"


@dataclass(frozen=True)
class Skill:
    """A task to work on, with the course's outcome and module that teach it."""

    task: Step
    result: str  # avec_aide, pas_encore or non_observe
    outcome: Named
    module: Named


@dataclass(frozen=True)
class Result:
    level: Named
    points: int
    max_points: int
    skills: tuple[Skill, ...]
    recommendation: Named
    reason: Named | None


def level_for(guide: Guide, points: int) -> Named:
    """The highest level whose minimum the points reach."""
    return [lv for lv in guide.levels if points >= lv.number][-1]


def score(guide: Guide, answers: Mapping[str, str], observations: Mapping[str, str]) -> Result:
    """Answers (question id → value) and observations (task id → seul/avec_aide/pas_encore) → the result.

    A task skipped or not asked (no smartphone) counts as "pas encore": 0 point.
    """
    points_of = {r.id: r.number for r in guide.results}
    best = max(points_of.values())
    points = sum(points_of.get(observations.get(task.id, ""), 0) for task in guide.tasks)
    level = level_for(guide, points)
    skills = []
    for task in guide.tasks:
        result = observations.get(task.id, NOT_OBSERVED)
        if result != "seul":
            outcome = guide.named("outcomes", task.outcome)
            module = guide.named("modules", str(task.module))
            assert outcome is not None and module is not None  # checked when the guide was loaded
            skills.append(Skill(task, result, outcome, module))
    for rule in guide.rules:
        if rule.levels and level.id not in rule.levels:
            continue
        if all(answers.get(question) in values for question, values in rule.answers.items()):
            recommendation = guide.named("recommendations", rule.recommend)
            assert recommendation is not None
            return Result(level, points, best * len(guide.tasks), tuple(skills), recommendation,
                          guide.named("reasons", rule.reason) if rule.reason else None)
    raise AssertionError("les règles couvrent chaque niveau (vérifié au chargement)")
