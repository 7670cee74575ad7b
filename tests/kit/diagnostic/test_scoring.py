"""The scoring rules, table by table: a profile goes in, a level and a recommendation come out."""

from __future__ import annotations

import pytest

from kit.diagnostic.guide import load
from kit.diagnostic.scoring import score

GUIDE = load()
ANDROID = {"smartphone": "oui", "systeme": "android", "francais": "oui", "disponibilite": "oui"}
S, A, P = "seul", "avec_aide", "pas_encore"
TASKS = ("deverrouiller", "wifi", "navigateur", "recherche", "application")


def seen(*results: str) -> dict[str, str]:
    """The five tasks' results, in the guide's order ("" : skipped)."""
    return {task: result for task, result in zip(TASKS, results, strict=True) if result}


# (name, answers, tasks, level, recommendation, reason)
PROFILES = [
    ("tout seul", ANDROID, seen(S, S, S, S, S), "autonome", "non_necessaire", None),
    ("presque tout", ANDROID, seen(S, S, S, S, A), "presque_autonome", "formation", None),
    ("le public visé", ANDROID, seen(S, A, A, P, P), "debutant", "formation", None),
    ("rien seul", ANDROID, seen(A, P, P, P, P), "non_autonome", "formation", None),
    ("tâches passées", ANDROID, seen("", "", "", "", ""), "non_autonome", "formation", None),
    ("pas de smartphone", {"smartphone": "non", "francais": "oui", "disponibilite": "oui"}, {}, "non_autonome",
     "prealable", "sans_smartphone"),
    ("iPhone sans compte", {**ANDROID, "systeme": "iphone_sans_compte"}, seen(S, A, A, P, P), "debutant", "prealable",
     "iphone_sans_compte"),
    ("iPhone avec compte", {**ANDROID, "systeme": "iphone_compte"}, seen(S, A, A, P, P), "debutant", "formation",
     None),
    ("français sous B1", {**ANDROID, "francais": "non"}, seen(S, A, A, P, P), "debutant", "prealable", "francais"),
    ("français sous B1, autonome", {**ANDROID, "francais": "non"}, seen(S, S, S, S, S), "autonome", "prealable",
     "francais"),
    ("pas disponible", {**ANDROID, "disponibilite": "non"}, seen(S, A, A, P, P), "debutant", "prealable",
     "disponibilite"),
    ("autonome, pas disponible", {**ANDROID, "disponibilite": "non"}, seen(S, S, S, S, S), "autonome",
     "non_necessaire", None),
    ("sans téléphone ni français : le téléphone d'abord", {"smartphone": "non", "francais": "non"}, {},
     "non_autonome", "prealable", "sans_smartphone"),
    ("français non demandé (passé)", {"smartphone": "oui", "systeme": "android"}, seen(S, A, A, P, P), "debutant",
     "formation", None),
]


@pytest.mark.parametrize(("name", "answers", "tasks", "level", "recommendation", "reason"), PROFILES,
                         ids=[p[0] for p in PROFILES])
def test_profile(name: str, answers: dict[str, str], tasks: dict[str, str], level: str, recommendation: str,
                 reason: str | None) -> None:
    result = score(GUIDE, answers, tasks)
    assert (result.level.id, result.recommendation.id, result.reason.id if result.reason else None) == (
        level, recommendation, reason)


@pytest.mark.parametrize(("points", "level"), [(0, "non_autonome"), (2, "non_autonome"), (3, "debutant"),
                                               (6, "debutant"), (7, "presque_autonome"), (9, "presque_autonome"),
                                               (10, "autonome")])
def test_level_boundaries(points: int, level: str) -> None:
    results = [S] * (points // 2) + [A] * (points % 2)
    results += [P] * (5 - len(results))
    assert score(GUIDE, ANDROID, seen(*results)).level.id == level


def test_the_skills_to_work_on_map_to_outcomes_and_modules() -> None:
    result = score(GUIDE, ANDROID, seen(S, A, S, P, ""))
    assert [(s.task.id, s.result, s.outcome.id, s.module.number) for s in result.skills] == [
        ("wifi", "avec_aide", "connexion", 1), ("recherche", "pas_encore", "navigation", 3),
        ("application", "non_observe", "applications", 4)]
    assert (result.points, result.max_points) == (5, 10)


def test_a_prior_step_says_where_to_go() -> None:
    result = score(GUIDE, {"smartphone": "non"}, {})
    assert result.reason is not None and "Emmaüs Connect" in result.reason.text
