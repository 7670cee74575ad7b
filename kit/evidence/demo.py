"""Demo data for the evaluation: a finished course in the demo region, so that its page shows real figures.

Four groups in three SIAE, run by two demo animators (not the demo animator Samia: her dashboard keeps its
one planned session of module 1, which the browser tests start). Each group ran modules 1 to 4, a week
apart, ended with confirmed attendance (kit/reports/rules.py), with a few absences. The participants
answered the check items of the published modules 1 (« avant ») and 4 (« après »), whatever items the decks
have (none: no answers, the page says so), and were observed on the skills of the modules' activities,
mostly « seul » by module 4. The smallest group (4 people, its own SIAE) is below the small-count threshold.
So that the item analysis shows its two flags, the first check item is one almost everyone knows already, and
the last one stays hard after the course (`EASY`, `HARD`), when the decks have five items or more.
Seeded: the same data every time (dates are relative to today).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from kit.badges.issuance import IssuanceError, issue_participant_badge
from kit.content.library import deck_by_revision_id
from kit.evidence.skills import OUTCOME_SKILLS, skills
from kit.extensions import db
from kit.models import (
    Answer,
    Attendance,
    ModuleRevision,
    Participant,
    Role,
    SessionStatus,
    Siae,
    SkillLevel,
    SkillObservation,
    TrainingGroup,
    TrainingSession,
    User,
)
from kit.people.nicknames import avatar_for, nickname_key

SLUGS = ("01-smartphone-wifi", "02-naviguer-web", "03-rechercher-information", "04-installer-applications")
ANIMATORS = (("julien@demo.fr", "Julien (démo)"), ("lea@demo.fr", "Léa (démo)"))
SIAES = (("Chantier d'insertion Les Jardins (démo)", "ACI"), ("Ressourcerie du Nord (démo)", "EI"))
# (name, SIAE: None for the demo SIAE or an index of SIAES, animator index, people, weeks ago it ended)
GROUPS = (("Parcours de septembre (démo)", None, 0, ("Amina", "Bernard", "Céline", "Dimitri", "Émilie", "Fatou",
                                                     "Gérard", "Hakim"), 9),
          ("Parcours d'octobre (démo)", 0, 1, ("Inès", "Jacques", "Karima", "Louis", "Mariam", "Nordine",
                                              "Odile"), 5),
          ("Parcours de novembre (démo)", 0, 0, ("Patrick", "Quentin", "Rachida", "Sylvie", "Thierry", "Yasmina"),
           2),
          ("Petit groupe (démo)", 1, 1, ("Ursula", "Victor", "Wassila", "Xavier"), 3))
FIRST_GROUP = GROUPS[0][0]
ABSENT = 0.07  # the chance to miss a half-day
EASY, HARD = 0.97, 0.15  # the first item's chance to be right (before and after); the last one's after


def create_evaluation_demo(region: str, demo_siae: str, password: str) -> bool:
    """Seed the finished course once (False if it exists, or the demo SIAE does not); commits."""
    siae = db.session.scalar(sa.select(Siae).where(Siae.name == demo_siae))
    if siae is None or db.session.scalar(sa.select(TrainingGroup.id).where(TrainingGroup.name == FIRST_GROUP)):
        return False
    revisions = [db.session.scalar(sa.select(ModuleRevision.id).where(ModuleRevision.slug == slug,
                                                                      ModuleRevision.published)) for slug in SLUGS]
    if any(r is None for r in revisions):
        return False
    rng = random.Random(16)
    animators = []
    for email, name in ANIMATORS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=Role.ANIMATOR.value, siae=siae)
            user.set_password(password)
            db.session.add(user)
        animators.append(user)
    others = [Siae(name=name, kind=kind, region=region) for name, kind in SIAES]
    db.session.add_all(others)
    db.session.flush()
    for name, where, who, people, weeks in GROUPS:
        group = TrainingGroup(name=name, siae_id=(siae if where is None else others[where]).id,
                              animator_id=animators[who].id)
        db.session.add(group)
        db.session.flush()
        members = [Participant(group_id=group.id, nickname=n, nickname_key=nickname_key(n), avatar=avatar_for(i))
                   for i, n in enumerate(people)]
        db.session.add_all(members)
        db.session.flush()
        last = date.today() - timedelta(weeks=weeks)
        _course(rng, group, members, [r for r in revisions if r is not None], last)
    db.session.commit()
    _issue_badges(FIRST_GROUP)
    return True


def _issue_badges(group_name: str) -> None:
    """The first group's participants who earned it get their badge, carrying the skills observed."""
    group = db.session.scalar(sa.select(TrainingGroup).where(TrainingGroup.name == group_name))
    if group is None:
        return
    for participant in group.participants:
        try:
            issue_participant_badge(participant, group.animator)
        except IssuanceError:  # not earned: absent too often, or a skill not yet seen done alone
            continue


def _course(rng: random.Random, group: TrainingGroup, members: list[Participant], revisions: list[int],
            last: date) -> None:
    """Modules 1–4, a week apart, ending on `last`: attendance, check answers, skills observed."""
    ability = {p.id: rng.uniform(0.1, 0.55) for p in members}  # share right before the course
    for index, (slug, revision_id) in enumerate(zip(SLUGS, revisions, strict=True)):
        day = last - timedelta(weeks=3 - index)
        start = datetime.combine(day, time(8, 30), tzinfo=UTC)
        session = TrainingSession(group_id=group.id, animator_id=group.animator_id, module_slug=slug,
                                  revision_id=revision_id, day=day, status=SessionStatus.ENDED.value,
                                  started_at=start, ended_at=start + timedelta(minutes=205),
                                  attendance_confirmed_at=start + timedelta(minutes=206))
        db.session.add(session)
        db.session.flush()
        present = [p for p in members if rng.random() > ABSENT]
        for person in members:
            db.session.add(Attendance(session_id=session.id, participant_id=person.id, present=person in present,
                                      joined_at=start, seconds_present=190 * 60 if person in present else 0))
        _answers(rng, session, present, ability, index + 1)
        _observations(rng, session, present, index + 1)


def _answers(rng: random.Random, session: TrainingSession, present: list[Participant], ability: dict[int, float],
             module: int) -> None:
    """Answers to the deck's check items: « avant » at the person's level, « après » much better."""
    checks = [(n, q) for n, q in enumerate(deck_by_revision_id(session.revision_id).quizzes, 1)
              if q.check in ("avant", "apres") and q.correct]
    for position, (number, quiz) in enumerate(checks):
        wrong = [i for i in range(len(quiz.choices)) if i not in quiz.correct] or [0]
        for person in present:
            chance = ability[person.id] if module == 1 else min(0.95, ability[person.id] + rng.uniform(0.3, 0.6))
            if len(checks) >= 5 and position == 0:  # with enough items to show a gain besides
                chance = EASY
            elif len(checks) >= 5 and position == len(checks) - 1 and module == 4:
                chance = HARD
            right = rng.random() < chance
            db.session.add(Answer(session_id=session.id, quiz_number=number, participant_id=person.id,
                                  choices=sorted(quiz.correct) if right else [rng.choice(wrong)],
                                  answered_at=session.started_at))


def _observations(rng: random.Random, session: TrainingSession, present: list[Participant], module: int) -> None:
    """The activities' skills (or the guide's skills of this module); module 4 checks the three outcomes."""
    deck = deck_by_revision_id(session.revision_id)
    practised: dict[str, int | None] = {skill: slide.number for slide in deck.slides for skill in slide.skills}
    if not practised:
        practised = {s.id: None for s in skills().values() if s.module == module}
    if module == 4:
        practised.update({skill: practised.get(skill) for skill in OUTCOME_SKILLS})
    alone = {1: 0.45, 2: 0.55, 3: 0.65, 4: 0.85}[module]
    for skill, slide in practised.items():
        for person in present:
            roll = rng.random()
            level = SkillLevel.ALONE if roll < alone else SkillLevel.WITH_HELP if roll < 0.95 else SkillLevel.NOT_YET
            db.session.add(SkillObservation(session_id=session.id, participant_id=person.id, skill=skill,
                                            level=level.value, slide=slide, observed_by_id=session.animator_id,
                                            observed_at=session.ended_at))
