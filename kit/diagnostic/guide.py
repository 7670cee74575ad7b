"""The interview guide (guide.yaml) and the scoring rules (scoring.yaml): read, checked, kept per app.

Both are data the content team edits. They are checked together when the app starts
(`init_diagnostic`): a malformed file stops the start with `file:line: message` errors.
"""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from flask import Flask, current_app

from kit.diagnostic.yamlfile import Checker, DataFileError, Mapping, read

HERE = Path(__file__).resolve().parent
GUIDE_FILE = HERE / "guide.yaml"
SCORING_FILE = HERE / "scoring.yaml"
KINDS = ("choice", "multiple", "task")

__all__ = ["DataFileError", "Guide", "Step", "current_guide", "init_diagnostic", "load"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Step:
    """One screen of the interview: a question (one or several choices) or a task to observe."""

    id: str
    section: str  # its section's title
    kind: str
    question: str
    hint: str
    choices: tuple[Choice, ...]
    when: AnyMapping[str, tuple[str, ...]]  # shown only if these earlier answers are among these values
    outcome: str = ""  # a task's outcome of the course, and its module
    module: int = 0

    def applies(self, answers: AnyMapping[str, str], hidden: AbstractSet[str] = frozenset()) -> bool:
        """Whether the step is asked: hidden by an answer outside its condition's values, or by a hidden condition.

        A condition not answered yet (or skipped) shows the step: the progress bar counts it from the
        start, and a counselor who skipped « smartphone » can still observe the tasks.
        """
        return all(question not in hidden and answers.get(question) in (None, *values)
                   for question, values in self.when.items())

    def label(self, value: str) -> str:
        """The label of a stored value (several, comma-separated, for a multiple choice)."""
        labels = {c.value: c.label for c in self.choices}
        return ", ".join(labels.get(v, v) for v in value.split(",") if v)


@dataclass(frozen=True)
class Named:
    id: str
    label: str
    text: str = ""  # a level's description, a reason's advice
    number: int = 0  # a result's points, a level's minimum, a module's number
    line: int = field(default=0, compare=False)  # where it is written, for the errors


@dataclass(frozen=True)
class Rule:
    answers: AnyMapping[str, tuple[str, ...]]
    levels: tuple[str, ...]
    recommend: str
    reason: str


@dataclass(frozen=True)
class Guide:
    """The guide and its rules, checked."""

    version: str
    target_minutes: int
    consent: str
    steps: tuple[Step, ...]
    results: tuple[Named, ...]
    levels: tuple[Named, ...]
    outcomes: tuple[Named, ...]
    modules: tuple[Named, ...]
    recommendations: tuple[Named, ...]
    reasons: tuple[Named, ...]
    rules: tuple[Rule, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def tasks(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == "task")

    def named(self, kind: str, ident: str | None) -> Named | None:
        """A level, outcome, recommendation, reason or result by its id."""
        return next((n for n in getattr(self, kind) if n.id == ident), None)


def _conditions(check: Checker, where: Mapping, key: str) -> dict[str, tuple[str, ...]]:
    value = where.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, list) and v for v in value.values()):
        check.error(where, f"« {key} » : un dictionnaire « question: [valeurs] »")
        return {}
    return {str(k): tuple(str(v) for v in values) for k, values in value.items()}


def _steps(check: Checker, data: Mapping) -> list[Step]:
    steps: list[Step] = []
    seen: set[str] = set()
    for section in check.items(data, "sections"):
        title = check.text(section, "title")
        for raw in check.items(section, "steps"):
            ident = check.unique_id(raw, seen, "l'étape")
            kind = raw.get("kind")
            if kind not in KINDS:
                check.error(raw, f"« kind » doit être l'un de : {', '.join(KINDS)}")
            choices: list[Choice] = []
            if kind in ("choice", "multiple"):
                values: set[str] = set()
                for choice in check.items(raw, "choices"):
                    raw_value = choice.get("value")
                    value = str(raw_value or "")
                    # YAML reads yes/no/on/off as booleans: a value must stay a text.
                    if not isinstance(raw_value, str) or not value or value in values or "," in value:
                        check.error(choice, f"la valeur « {value} » manque, n'est pas un texte (mettez-la entre "
                                            "guillemets), contient une virgule ou est en double")
                    values.add(value)
                    choices.append(Choice(value, check.text(choice, "label")))
            module = raw.get("module", 0)
            if kind == "task" and (not isinstance(module, int) or not raw.get("outcome")):
                check.error(raw, "une tâche indique son « outcome » (objectif) et son « module » (numéro)")
                module = 0
            when = _conditions(check, raw, "when")
            earlier = {step.id: step for step in steps}
            for question, wanted in when.items():
                if question not in earlier:
                    check.error(raw, f"« when » cite « {question} », qui n'est pas une étape précédente")
                elif not set(wanted) <= {c.value for c in earlier[question].choices}:
                    check.error(raw, f"« when » : « {question} » n'a pas toutes ces valeurs")
            steps.append(Step(ident, title, str(kind), check.text(raw, "question"), check.text(raw, "hint", False),
                              tuple(choices), when, str(raw.get("outcome", "")), int(module)))
    return steps


def _named(check: Checker, data: Mapping, key: str, text: str = "", number: str = "") -> list[Named]:
    seen: set[str] = set()
    out = []
    for raw in check.items(data, key):
        # Modules are known by their number, everything else by an id.
        ident = str(raw.get("number", "")) if number == "number" else check.unique_id(raw, seen, key)
        value = raw.get(number, 0) if number else 0
        if number and (not isinstance(value, int) or isinstance(value, bool)):
            check.error(raw, f"« {number} » doit être un nombre entier")
            value = 0
        out.append(Named(ident, check.text(raw, "label"), check.text(raw, text) if text else "", int(value), raw.line))
    return out


def _rules(check: Checker, data: Mapping, steps: list[Step], levels: set[str], recommendations: set[str],
           reasons: set[str]) -> list[Rule]:
    by_id = {s.id: s for s in steps}
    rules = []
    for raw in check.items(data, "rules"):
        answers = _conditions(check, raw, "answer")
        for question, values in answers.items():
            step = by_id.get(question)
            known = {c.value for c in step.choices} if step else set()
            if step is None or not set(values) <= known:
                check.error(raw, f"« answer » : « {question} » n'est pas une question de la trame avec ces valeurs")
        wanted = raw.get("level", [])
        if not isinstance(wanted, list) or not set(map(str, wanted)) <= levels:
            check.error(raw, f"« level » : une liste parmi {', '.join(sorted(levels))}")
            wanted = []
        recommend, reason = str(raw.get("recommend", "")), str(raw.get("reason", "") or "")
        if recommend not in recommendations:
            check.error(raw, f"« recommend » doit être l'un de : {', '.join(sorted(recommendations))}")
        if (recommend == "prealable") != bool(reason) or (reason and reason not in reasons):
            check.error(raw, "une étape préalable (et elle seule) donne sa « reason », l'une de « reasons »")
        rules.append(Rule(answers, tuple(map(str, wanted)), recommend, reason))
    covered = {lv for rule in rules if not rule.answers for lv in (rule.levels or levels)}
    if rules and covered != levels:
        check.error(data, "chaque niveau doit avoir une règle sans condition de réponse (il manque : "
                          f"{', '.join(sorted(levels - covered))})")
    return rules


def load(guide_path: Path = GUIDE_FILE, scoring_path: Path = SCORING_FILE) -> Guide:
    """Read and check both files; DataFileError lists every problem as `file:line: message`."""
    data, check = read(guide_path), Checker(guide_path)
    steps = _steps(check, data)
    version, consent = str(data.get("version", "")), check.text(data, "consent")
    target = data.get("target_minutes")
    if not version or not isinstance(target, int) or not 1 <= target <= 60:
        check.error(data, "« version » (un texte) et « target_minutes » (1 à 60) sont demandés")
        target = 10
    check.done()
    rules_data, rules_check = read(scoring_path), Checker(scoring_path)
    results = _named(rules_check, rules_data, "results", number="points")
    if {r.id for r in results} != {"seul", "avec_aide", "pas_encore"}:
        rules_check.error(rules_data, "« results » : seul, avec_aide et pas_encore, chacun une fois")
    levels = _named(rules_check, rules_data, "levels", text="description", number="min_points")
    for index, (lower, higher) in enumerate(pairwise([Named("", "", number=-1), *levels])):
        if higher.number <= lower.number or (index == 0 and higher.number != 0):
            rules_check.error(higher.line, "« levels » : le premier à 0 point, puis des minimums croissants")
    outcomes = _named(rules_check, rules_data, "outcomes")
    modules = [Named(str(m.number), m.label, number=m.number)
               for m in _named(rules_check, rules_data, "modules", number="number")]
    for step in steps:
        if step.kind == "task" and (step.outcome not in {o.id for o in outcomes}
                                    or step.module not in {m.number for m in modules}):
            rules_check.error(rules_data, f"la tâche « {step.id} » de la trame cite un objectif ou un module inconnu")
    recommendations = _named(rules_check, rules_data, "recommendations")
    if {r.id for r in recommendations} != {"formation", "non_necessaire", "prealable"}:
        rules_check.error(rules_data, "« recommendations » : formation, non_necessaire et prealable")
    reasons = _named(rules_check, rules_data, "reasons", text="advice")
    rules = _rules(rules_check, rules_data, steps, {lv.id for lv in levels}, {r.id for r in recommendations},
                   {r.id for r in reasons})
    rules_check.done()
    return Guide(version, int(target), consent, tuple(steps), tuple(results), tuple(levels), tuple(outcomes),
                 tuple(modules), tuple(recommendations), tuple(reasons), tuple(rules))


def init_diagnostic(app: Flask) -> None:
    """Load the guide once per app (the files set by DIAGNOSTIC_GUIDE_FILE / _SCORING_FILE, or the shipped ones)."""
    guide = Path(app.config.get("DIAGNOSTIC_GUIDE_FILE") or GUIDE_FILE)
    scoring = Path(app.config.get("DIAGNOSTIC_SCORING_FILE") or SCORING_FILE)
    app.extensions["diagnostic_guide"] = load(guide, scoring)


def current_guide() -> Guide:
    """The app's guide."""
    guide: Guide = current_app.extensions["diagnostic_guide"]
    return guide
