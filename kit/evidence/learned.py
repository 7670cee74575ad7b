"""« Ce que j'ai appris »: what a participant's own phone shows at the end of the course, in plain words.

The skills the animator observed, said as what the person did (never a score); their before/after
check, paired item by item, said as numbers only when the numbers tell a progress; the summary sheets
to open again; their badge once issued. See docs/badges.md, « Fin de formation ».
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from kit.content.library import Module, deck_by_revision_id, published_modules
from kit.evidence.observed import ObservedSkill, observed_skills
from kit.extensions import db
from kit.models import Answer, SkillLevel, TrainingSession

COURSE = (1, 2, 3, 4)  # the modules whose sheets the participant takes away


@dataclass(frozen=True)
class Said:
    """One skill, said kindly."""

    skill: str
    level: str
    text: str


@dataclass(frozen=True)
class CheckPairs:
    """The before/after check of one person: items answered both times, right before, right after."""

    pairs: int = 0
    before: int = 0
    after: int = 0

    @property
    def shows_progress(self) -> bool:
        """Numbers are shown only when they tell a progress (or everything right at the end)."""
        return self.pairs > 0 and (self.after > self.before or self.after == self.pairs)


def _task(label: str) -> str:
    return label[:1].lower() + label[1:]


def say(seen: ObservedSkill) -> Said:
    """« Vous avez réussi seul·e à … », « Avec un peu d'aide, vous avez réussi à … », « À continuer : … »."""
    task = _task(seen.label)
    if seen.level == SkillLevel.ALONE:
        text = f"Vous avez réussi seul·e à {task}."
    elif seen.level == SkillLevel.WITH_HELP:
        text = f"Avec un peu d'aide, vous avez réussi à {task}."
    else:
        text = f"À continuer : {task}."
    return Said(seen.skill, seen.level, text)


def said_skills(participant_id: int) -> list[Said]:
    """The skills observed for this person, what they did alone first, what is still to practise last."""
    order = {SkillLevel.ALONE.value: 0, SkillLevel.WITH_HELP.value: 1, SkillLevel.NOT_YET.value: 2}
    seen = sorted(observed_skills(participant_id).values(), key=lambda s: order.get(s.level, 3))
    return [say(skill) for skill in seen]


def pair_check(answers: list[tuple[str, str, bool]]) -> CheckPairs:
    """Pair (phase « avant »/« apres », item, right?) answers by item; the last answer of a phase counts."""
    phases: dict[str, dict[str, bool]] = {"avant": {}, "apres": {}}
    for phase, item, right in answers:
        if phase in phases:
            phases[phase][item] = right
    items = phases["avant"].keys() & phases["apres"].keys()
    return CheckPairs(len(items), sum(phases["avant"][i] for i in items), sum(phases["apres"][i] for i in items))


def check_pairs(participant_id: int) -> CheckPairs:
    """This person's before/after check, from their answers to the check's questions (Quiz.check, check_item)."""
    rows = db.session.execute(
        sa.select(Answer.quiz_number, Answer.choices, TrainingSession.revision_id)
        .join(TrainingSession, TrainingSession.id == Answer.session_id)
        .where(Answer.participant_id == participant_id)
        .order_by(Answer.answered_at, Answer.id)).all()
    answers = []
    for number, choices, revision_id in rows:
        quizzes = deck_by_revision_id(revision_id).quizzes
        quiz = quizzes[number - 1] if 1 <= number <= len(quizzes) else None
        if quiz is not None and quiz.check and quiz.check_item:
            answers.append((quiz.check, quiz.check_item, sorted(choices or []) == sorted(quiz.correct)))
    return pair_check(answers)


def course_sheets() -> list[Module]:
    """The published modules of the course, whose summary sheets the participant may open again."""
    return [m for m in published_modules() if m.deck.meta.number in COURSE]
