"""The demo's finished course: seeded once, deterministic, and what the evaluation page shows of it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from kit.evidence.cohort import Filters
from kit.evidence.evaluation import evaluate
from kit.evidence.stats import FLAG_EASY, FLAG_HARD
from kit.extensions import db
from kit.models import Answer, BadgeAssertion, CourseOffer, SkillObservation, TrainingGroup, TrainingSession, User
from kit.people.access import evaluation_siae_ids
from kit.people.demo import DEMO_COORDINATOR_EMAIL, DEMO_EMAIL, create_demo
from tests.kit.evidence.support import publish_checks


def _coordinator_view() -> Filters:
    coordinator = db.session.scalar(sa.select(User).where(User.email == DEMO_COORDINATOR_EMAIL))
    return Filters(siae_ids=evaluation_siae_ids(coordinator))


def test_the_demo_course_shows_a_gain(app: Flask) -> None:
    """With the shipped modules' own check items (docs/authoring.md)."""
    with app.app_context():
        create_demo()
        create_demo()  # twice: nothing doubled
        offered = sa.select(CourseOffer.group_id)  # the courses demo's offer has a group of its own
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingGroup)
                                 .where(TrainingGroup.id.not_in(offered))) == 5
        found = evaluate(_coordinator_view())
        assert found.people >= 20 and found.completed >= 10
        assert found.gain.n >= 15 and found.gain.mean is not None and found.gain.mean > 0.15
        assert found.gain.low is not None and found.gain.low > 0
        assert len(found.items) >= 5
        flagged = {flag for item in found.items for flag in item.flags}
        assert flagged == {FLAG_EASY, FLAG_HARD}
        groups = {cell.label: cell for cell in found.breakdowns["groupe"]}
        assert groups["Petit groupe (démo) — Ressourcerie du Nord (démo)"].hidden
        structures = {cell.label: cell for cell in found.breakdowns["structure"]}
        assert structures["Ressourcerie du Nord (démo)"].hidden
        assert all(s.rate is not None for s in found.skills if s.outcome)
        # The demo animator's dashboard keeps its single session (the browser tests start it).
        samia = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAIL))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)
                                 .where(TrainingSession.animator_id == samia.id)) == 1


def test_the_demo_with_other_check_items(app: Flask) -> None:
    """Whatever items the decks have: here three, and none flagged on purpose."""
    with app.app_context():
        publish_checks()
        create_demo()
        found = evaluate(_coordinator_view())
        assert {item.id for item in found.items} == {"t-wifi", "t-recherche", "t-appli"}
        assert found.gain.mean is not None and found.gain.mean > 0.15
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillObservation)) > 0


def test_the_demo_without_check_items_still_seeds(app: Flask) -> None:
    with app.app_context():
        publish_checks({})
        create_demo()
        found = evaluate(_coordinator_view())
        assert found.people >= 20 and found.completion is not None
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
        assert found.gain.n == 0 and found.items == ()


def test_the_demo_issues_badges_that_carry_the_skills_once_the_public_address_is_set(app: Flask) -> None:
    """Badges need a public address and an issuer e-mail (docs/badges.md); then the first group's earners get one."""
    app.config.update(PUBLIC_BASE_URL="https://kit.exemple.fr", BADGE_ISSUER_EMAIL="badges@kit.exemple.fr")
    with app.app_context():
        create_demo()
        badges = db.session.scalars(sa.select(BadgeAssertion).where(BadgeAssertion.participant_id.is_not(None))).all()
        assert 3 <= len(badges) <= 8
        assert all(badge.evidence for badge in badges)
