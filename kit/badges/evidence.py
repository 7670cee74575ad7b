"""The skills a participant's badge carries: taken from the observations when it is issued, kept with it.

The signed OB 3.0 credential cannot change after issuance; the OB 2.0 assertion and the verification
page read the same list, stored with the assertion, so that all three always say the same thing.
"""

from __future__ import annotations

from kit.badges.criteria import BadgeClassSpec
from kit.badges.openbadges.results import SkillEvidence, loads
from kit.evidence.observed import observed_skills
from kit.evidence.skills import skill_label
from kit.models import BadgeAssertion


def badge_skills(spec: BadgeClassSpec) -> list[tuple[str, str]]:
    """The skills a badge class carries, (id, wording): its `skills_observed` criteria's."""
    return [(skill, skill_label(skill)) for skill in spec.skills()]


def evidence_for(spec: BadgeClassSpec, participant_id: int) -> list[SkillEvidence]:
    """What was observed of the badge's skills for this participant: the best level, when, in which module."""
    seen = observed_skills(participant_id)
    return [SkillEvidence(skill, label, seen[skill].level, seen[skill].when.date(), seen[skill].module)
            for skill, label in badge_skills(spec) if skill in seen]


def assertion_evidence(assertion: BadgeAssertion) -> list[SkillEvidence]:
    """The skills an issued badge carries (none for a badge issued before the grid, or erased)."""
    return loads(assertion.evidence)
