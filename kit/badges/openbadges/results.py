"""The skills a badge carries, as Open Badges say them: OB 3.0 results, OB 2.0 and 3.0 evidence.

Built from plain values (a list of SkillEvidence), like documents.py. In OB 3.0, the achievement
describes each skill (`resultDescription`: a rubric of three levels, « seul·e » required) and the
subject says the level reached (`result`); when and where it was observed goes in `evidence`, as
OB 2.0 carries it too. Every identifier is a fragment of a public page that shows it: the criteria
page for the rubric, the verification page for the evidence.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

LEVELS = (  # id suffix, stored value, name, description
    ("seul", "seul", "Seul·e", "A fait la tâche sans aide, sous les yeux de l'animateur·rice."),
    ("avec-aide", "avec_aide", "Avec de l'aide", "A fait la tâche avec un peu d'aide de l'animateur·rice."),
    ("pas-encore", "pas_encore", "Pas encore", "N'a pas encore fait la tâche pendant la formation."),
)
_SUFFIX = {value: suffix for suffix, value, _, _ in LEVELS}
_WORDS = {"seul": "seul·e", "avec_aide": "avec de l'aide", "pas_encore": "pas encore"}
REQUIRED = "seul"
GENRE = "Observation"


@dataclass(frozen=True)
class SkillEvidence:
    """One skill as a badge carries it: what was observed, and when."""

    skill: str  # a skill id (kit/evidence/skills.py)
    label: str  # its wording when the badge was issued, « Se connecter à un réseau Wi-Fi »
    level: str  # « seul », « avec_aide » or « pas_encore »
    observed_on: date
    module: int | None  # the module of the session; None when seen outside a session

    @property
    def words(self) -> str:
        """The level in plain French."""
        return _WORDS.get(self.level, self.level)

    @property
    def where(self) -> str:
        """« module 1 », or « hors séance »."""
        return f"module {self.module}" if self.module else "hors séance"

    @property
    def narrative(self) -> str:
        """« Se connecter à un réseau Wi-Fi : seul·e, observé le 12/11/2026 (module 1) »."""
        return f"{self.label} : {self.words}, observé le {self.observed_on.strftime('%d/%m/%Y')} ({self.where})"

    @property
    def sentence(self) -> str:
        """What the verification page says: « A su se connecter à un réseau Wi-Fi seul·e »."""
        task = self.label[:1].lower() + self.label[1:]
        if self.level == "seul":
            return f"A su {task} seul·e"
        if self.level == "avec_aide":
            return f"A su {task} avec un peu d'aide"
        return f"A commencé à apprendre à {task}"


def dumps(items: list[SkillEvidence]) -> str:
    """The evidence as stored with the assertion (JSON)."""
    return json.dumps([asdict(item) | {"observed_on": item.observed_on.isoformat()} for item in items],
                      ensure_ascii=False)


def loads(text: str | None) -> list[SkillEvidence]:
    """The stored evidence; nothing for a badge issued before it existed, or unreadable."""
    try:
        rows = json.loads(text) if text else []
        return [SkillEvidence(str(r["skill"]), str(r["label"]), str(r["level"]), date.fromisoformat(r["observed_on"]),
                              int(r["module"]) if r.get("module") else None) for r in rows]
    except (ValueError, TypeError, KeyError):
        return []


def description_id(criteria_url: str, skill: str) -> str:
    """A skill's ResultDescription: an anchor of the criteria page."""
    return f"{criteria_url}#competence-{skill}"


def level_id(criteria_url: str, skill: str, level: str) -> str:
    """One level of a skill's rubric."""
    return f"{description_id(criteria_url, skill)}-{_SUFFIX.get(level, level)}"


def evidence_id(verify_url: str, skill: str) -> str:
    """Where the evidence of a skill is shown: an anchor of the verification page."""
    return f"{verify_url}#competence-{skill}"


def result_descriptions(criteria_url: str, skills: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """OB 3.0 `Achievement.resultDescription`: per skill (id, label), a rubric whose required level is « seul »."""
    return [{"id": description_id(criteria_url, skill), "type": ["ResultDescription"], "name": label,
             "resultType": "RubricCriterionLevel",
             "requiredLevel": level_id(criteria_url, skill, REQUIRED),
             "rubricCriterionLevel": [{"id": level_id(criteria_url, skill, value), "type": ["RubricCriterionLevel"],
                                       "name": name, "description": description, "level": name}
                                      for _, value, name, description in LEVELS]}
            for skill, label in skills]


def ob3_results(criteria_url: str, items: list[SkillEvidence]) -> list[dict[str, Any]]:
    """OB 3.0 `AchievementSubject.result`: the level reached for each skill."""
    return [{"type": ["Result"], "resultDescription": description_id(criteria_url, item.skill),
             "achievedLevel": level_id(criteria_url, item.skill, item.level)} for item in items]


def ob3_evidence(verify_url: str, items: list[SkillEvidence]) -> list[dict[str, Any]]:
    """OB 3.0 credential `evidence`: what was observed, and when."""
    return [{"id": evidence_id(verify_url, item.skill), "type": ["Evidence"], "name": item.label,
             "narrative": item.narrative, "genre": GENRE} for item in items]


def ob2_evidence(verify_url: str, items: list[SkillEvidence]) -> list[dict[str, Any]]:
    """OB 2.0 Assertion `evidence`: the same, one Evidence per skill."""
    return [{"id": evidence_id(verify_url, item.skill), "type": "Evidence", "name": item.label,
             "narrative": item.narrative, "genre": GENRE} for item in items]
