"""Before and after: two diagnostics of one person side by side, task by task (a re-diagnosis)."""

from __future__ import annotations

from dataclasses import dataclass

from kit.diagnostic.guide import Guide
from kit.models import Diagnostic

CHANGES = {1: "En progrès", 0: "Pareil", -1: "En recul"}


@dataclass(frozen=True)
class Row:
    label: str
    before: str
    after: str
    change: str  # « En progrès », « Pareil », « En recul », or "" when a side was not observed


@dataclass(frozen=True)
class Comparison:
    before: Diagnostic
    after: Diagnostic
    level: Row
    tasks: tuple[Row, ...]


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def compare(guide: Guide, before: Diagnostic, after: Diagnostic) -> Comparison:
    """The level and each task of the guide, before and after."""
    order = [lv.id for lv in guide.levels]
    points = {r.id: r.number for r in guide.results}
    labels = {r.id: r.label for r in guide.results}

    def level_label(diagnostic: Diagnostic) -> str:
        level = guide.named("levels", diagnostic.level)
        return level.label if level else "—"

    level_change = ""
    if before.level in order and after.level in order:
        level_change = CHANGES[_sign(order.index(after.level) - order.index(before.level))]
    level = Row("Niveau", level_label(before), level_label(after), level_change)
    first = {o.task_id: o.result for o in before.observations}
    last = {o.task_id: o.result for o in after.observations}
    rows = []
    for task in guide.tasks:
        old, new = first.get(task.id), last.get(task.id)
        change = CHANGES[_sign(points[new] - points[old])] if old in points and new in points else ""
        rows.append(Row(task.question, labels.get(old or "", "Non observée"), labels.get(new or "", "Non observée"),
                        change))
    return Comparison(before, after, level, tuple(rows))
