"""The skills an animator observes: the diagnostic guide's tasks, so that one id means one thing everywhere.

A module's activity declares the skills it practises by these ids; the observation grid, the
participant badge and the comparison with the diagnostic all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.diagnostic.guide import current_guide

# The three outcomes of the course: each must be observed « seul » by the end of module 4.
OUTCOME_SKILLS: tuple[str, ...] = ("wifi", "recherche", "application")


@dataclass(frozen=True)
class Skill:
    id: str
    label: str  # the task's wording, in plain French
    module: int  # the module where it is taught
    outcome: bool  # one of the course's three outcomes


def skills() -> dict[str, Skill]:
    """Every skill, by id, in the guide's order."""
    return {task.id: Skill(task.id, task.question.rstrip("."), task.module, task.id in OUTCOME_SKILLS)
            for task in current_guide().tasks}


def skill_label(skill_id: str) -> str:
    """A skill's wording, or its id when the guide no longer has it (old observations stay readable)."""
    found = skills().get(skill_id)
    return found.label if found else skill_id
