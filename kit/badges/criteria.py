"""Badge classes and their criteria, read from kit/badges/badge_classes.yaml and evaluated on a history.

Each criterion kind is a small function of (its parameters, a history) returning a
CriterionResult: met or not, and how far along (current / target) for the checklists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kit.evidence.skills import OUTCOME_SKILLS
from kit.reports.figures import COURSE_MODULES, AnimatorHistory, ParticipantHistory

CLASSES_FILE = Path(__file__).resolve().parent / "badge_classes.yaml"
AUDIENCES = ("animator", "participant")


@dataclass(frozen=True)
class CriterionResult:
    """One line of a checklist."""

    label: str
    met: bool
    current: int
    target: int
    children: tuple[CriterionResult, ...] = ()
    kind: str = ""
    # How the count reads when it is not "current / target" (e.g. right answers out of questions asked).
    shown: str | None = None

    @property
    def count_text(self) -> str:
        """The count as every page shows it, « 1 / 4 »: computed here only, so that the pages agree."""
        return self.shown if self.shown is not None else f"{self.current} / {self.target}"

    def flat(self) -> tuple[CriterionResult, ...]:
        """This result and its children's, depth first."""
        return (self, *(grand for child in self.children for grand in child.flat()))

    @property
    def percent(self) -> int:
        """Progress toward the target, 0 to 100."""
        if self.met:
            return 100
        return min(100, round(100 * self.current / self.target)) if self.target else 0


@dataclass(frozen=True)
class BadgeClassSpec:
    """A badge class: what it is called and shows, and what earns it."""

    slug: str
    name: str
    description: str
    audience: str
    design: str
    achievement_type: str
    tags: tuple[str, ...]
    criteria: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def narrative(self) -> str:
        """The criteria as a markdown list (the OB `criteria.narrative`)."""
        lines = []
        for criterion in self.criteria:
            lines.append(f"- {criterion['label']}")
            lines.extend(f"  - {child['label']}" for child in criterion.get("any_of", ()))
        return "\n".join(lines)

    def skills(self) -> tuple[str, ...]:
        """The skills this badge asks to be observed (from its `skills_observed` criteria): what it carries."""
        found: list[str] = []
        for criterion in _walk(self.criteria):
            if criterion.get("kind") == "skills_observed":
                found.extend(s for s in _skills(criterion) if s not in found)
        return tuple(found)


def _walk(criteria: tuple[Mapping[str, Any], ...] | list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out = []
    for criterion in criteria:
        out.append(criterion)
        out.extend(_walk(criterion.get("any_of", [])))
    return out


History = AnimatorHistory | ParticipantHistory
Evaluator = Callable[[Mapping[str, Any], Any], CriterionResult]


def _modules(params: Mapping[str, Any]) -> frozenset[int]:
    return frozenset(params.get("modules", COURSE_MODULES))


def record(params: Mapping[str, Any], history: AnimatorHistory) -> CriterionResult:
    """A coordinator recorded this fact (training attended, session observed) at least `min` times."""
    target = int(params.get("min", 1))
    count = history.records.get(params["record"], 0)
    return CriterionResult(params["label"], count >= target, min(count, target), target)


def modules_animated(params: Mapping[str, Any], history: AnimatorHistory) -> CriterionResult:
    """Each of these modules animated at least `min_each` times."""
    modules = _modules(params)
    done = sum(1 for m in modules if history.sessions_by_module.get(m, 0) >= int(params.get("min_each", 1)))
    return CriterionResult(params["label"], done == len(modules), done, len(modules))


def groups_completed(params: Mapping[str, Any], history: AnimatorHistory) -> CriterionResult:
    """At least `min` groups taken through all these modules."""
    target = int(params.get("min", 1))
    count = history.groups_completed(_modules(params))
    return CriterionResult(params["label"], count >= target, min(count, target), target)


def participants_trained(params: Mapping[str, Any], history: AnimatorHistory) -> CriterionResult:
    """At least `min` participants present at `min_half_days` sessions or more."""
    target = int(params["min"])
    count = history.participants_trained(int(params.get("min_half_days", 1)))
    return CriterionResult(params["label"], count >= target, min(count, target), target)


def half_days_attended(params: Mapping[str, Any], history: ParticipantHistory) -> CriterionResult:
    """Present at `min` of these modules' half-days."""
    target = int(params["min"])
    modules = _modules(params)
    count = len(history.modules_attended & modules)
    # Shown out of the course's half-days (« 1 / 4 »), as the label says « 3 des 4 ».
    return CriterionResult(params["label"], count >= target, min(count, target), target,
                           shown=f"{count} / {len(modules)}")


def quizzes_passed(params: Mapping[str, Any], history: ParticipantHistory) -> CriterionResult:
    """Right answers to at least `min_ratio` of the questions asked (and at least one question)."""
    ratio = float(params["min_ratio"])
    target = max(1, math.ceil(ratio * history.quiz_asked))
    met = history.quiz_asked > 0 and history.quiz_correct >= ratio * history.quiz_asked
    # Shown as right answers out of questions asked (« 1 / 2 »): the ratio the label speaks of.
    return CriterionResult(params["label"], met, min(history.quiz_correct, target), target,
                           shown=f"{history.quiz_correct} / {history.quiz_asked}")


def _skills(params: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(params.get("skills", OUTCOME_SKILLS))


def skills_observed(params: Mapping[str, Any], history: ParticipantHistory) -> CriterionResult:
    """The animator observed each of these skills done « seul » at least once (the grid, or the progress page)."""
    wanted = _skills(params)
    done = sum(1 for skill in wanted if skill in history.skills_alone)
    return CriterionResult(params["label"], done == len(wanted), done, len(wanted))


def any_of(params: Mapping[str, Any], history: History) -> CriterionResult:
    """One of the criteria is met; progress is the best of theirs."""
    children = tuple(evaluate_one(child, history) for child in params["any_of"])
    best = max(children, key=lambda c: (c.met, c.percent))
    return CriterionResult(params["label"], any(c.met for c in children), best.percent, 100, children)


EVALUATORS: dict[str, Evaluator] = {
    "record": record,
    "modules_animated": modules_animated,
    "groups_completed": groups_completed,
    "participants_trained": participants_trained,
    "half_days_attended": half_days_attended,
    "quizzes_passed": quizzes_passed,
    "skills_observed": skills_observed,
}
AUDIENCE_KINDS = {
    "animator": {"record", "modules_animated", "groups_completed", "participants_trained"},
    "participant": {"half_days_attended", "quizzes_passed", "skills_observed"},
}


def evaluate_one(criterion: Mapping[str, Any], history: History) -> CriterionResult:
    """Evaluate one criterion."""
    if "any_of" in criterion:
        return any_of(criterion, history)
    return replace(EVALUATORS[criterion["kind"]](criterion, history), kind=criterion["kind"])


def evaluate(spec: BadgeClassSpec, history: History) -> list[CriterionResult]:
    """The checklist of a badge class for this history."""
    return [evaluate_one(criterion, history) for criterion in spec.criteria]


def by_kind(results: list[CriterionResult]) -> dict[str, CriterionResult]:
    """The results of a checklist by criterion kind (children included): for the tables' columns."""
    return {r.kind: r for result in results for r in result.flat() if r.kind}


def earned(results: list[CriterionResult]) -> bool:
    """Whether every criterion is met."""
    return bool(results) and all(r.met for r in results)


class SpecError(ValueError):
    """The badge classes file is malformed."""


def parse_classes(data: object) -> dict[str, BadgeClassSpec]:
    """Badge classes from the parsed YAML, checked: a typo in a criterion fails loudly, at once."""
    if not isinstance(data, dict):
        raise SpecError("le fichier doit être un dictionnaire de badges")
    classes = {}
    for slug, raw in data.items():
        if not isinstance(raw, dict):
            raise SpecError(f"{slug} : le badge doit être un dictionnaire")
        missing = {"name", "audience", "design", "description", "criteria"} - set(raw)
        if missing:
            raise SpecError(f"{slug} : il manque {', '.join(sorted(missing))}")
        if raw["audience"] not in AUDIENCES:
            raise SpecError(f"{slug} : audience inconnue « {raw['audience']} »")
        for criterion in _walk(raw["criteria"]):
            _check_criterion(slug, criterion, AUDIENCE_KINDS[raw["audience"]])
        classes[slug] = BadgeClassSpec(slug=slug, name=raw["name"], description=" ".join(raw["description"].split()),
                                       audience=raw["audience"], design=raw["design"],
                                       achievement_type=raw.get("achievement_type", "Badge"),
                                       tags=tuple(raw.get("tags", ())), criteria=tuple(raw["criteria"]))
    return classes


def _check_criterion(slug: str, criterion: object, kinds: set[str]) -> None:
    if not isinstance(criterion, dict) or not criterion.get("label"):
        raise SpecError(f"{slug} : chaque critère a un « label »")
    if "any_of" in criterion:
        if not criterion["any_of"]:
            raise SpecError(f"{slug} : « any_of » vide")
        return
    if criterion.get("kind") not in kinds:
        raise SpecError(f"{slug} : critère inconnu « {criterion.get('kind')} » pour ce public")
    named = criterion.get("skills", OUTCOME_SKILLS)
    if criterion["kind"] == "skills_observed" and (
            not isinstance(named, list | tuple) or not named or not all(isinstance(s, str) for s in named)):
        raise SpecError(f"{slug} : « skills » est une liste de compétences (kit/evidence/skills.py)")


@cache
def badge_classes() -> dict[str, BadgeClassSpec]:
    """Every badge class of kit/badges/badge_classes.yaml, by slug."""
    return parse_classes(yaml.safe_load(CLASSES_FILE.read_text(encoding="utf-8")))


def class_for(audience: str) -> BadgeClassSpec:
    """The badge class of an audience ("animator" or "participant")."""
    return next(spec for spec in badge_classes().values() if spec.audience == audience)
