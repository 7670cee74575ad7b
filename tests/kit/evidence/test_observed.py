"""A participant's observed skills read back per skill, and the animator's observation outside a slide."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.evidence.observed import ObservationError, observe_outside, observed_skills, outside_levels, skills_alone
from kit.extensions import db
from kit.models import SkillObservation, utcnow
from kit.reports.figures import participant_history
from tests.factories import make_user
from tests.histories import make_animator_group, make_siae, run_course


def test_the_best_level_counts_and_when_and_where_it_was_seen(app: Flask) -> None:
    with app.app_context():
        group = make_animator_group(make_user(siae=make_siae()), size=1)
        sessions = run_course(group)
        person = group.participants[0]
        now = utcnow()
        db.session.add_all([
            SkillObservation(participant_id=person.id, session_id=sessions[0].id, skill="wifi", level="avec_aide",
                             observed_at=now - timedelta(days=20)),
            SkillObservation(participant_id=person.id, session_id=sessions[3].id, skill="wifi", level="seul",
                             observed_at=now - timedelta(days=2)),
            SkillObservation(participant_id=person.id, session_id=sessions[2].id, skill="recherche",
                             level="seul", observed_at=now - timedelta(days=5)),
            SkillObservation(participant_id=person.id, session_id=sessions[3].id, skill="recherche",
                             level="pas_encore", observed_at=now - timedelta(days=2)),
            SkillObservation(participant_id=person.id, session_id=sessions[3].id, skill="application",
                             level="avec_aide", observed_at=now)])
        db.session.commit()
        seen = observed_skills(person.id)
        assert list(seen) == ["wifi", "recherche", "application"]  # the guide's order
        assert (seen["wifi"].level, seen["wifi"].module, seen["wifi"].count) == ("seul", 4, 2)
        # Done alone once in module 3 stays « seul », even if a later try in module 4 was not.
        assert (seen["recherche"].level, seen["recherche"].module, seen["recherche"].latest) == ("seul", 3,
                                                                                                "pas_encore")
        assert seen["application"].words == "avec de l'aide"
        assert skills_alone(person.id) == {"wifi", "recherche"}
        assert participant_history(person.id).skills_alone == {"wifi", "recherche"}


def test_an_observation_outside_a_slide_is_one_row_changed_in_place(app: Flask) -> None:
    with app.app_context():
        group = make_animator_group(make_user(siae=make_siae()), size=1)
        person = group.participants[0]
        observe_outside(person.id, "application", "avec_aide", None)
        observe_outside(person.id, "application", "seul", None)
        assert outside_levels(person.id) == {"application": "seul"}
        assert observed_skills(person.id)["application"].module is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillObservation)) == 1
        # The partial unique index: a second row with no session for the same skill is refused.
        db.session.add(SkillObservation(participant_id=person.id, skill="application", level="seul"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        observe_outside(person.id, "application", "", None)
        assert outside_levels(person.id) == {}
        with pytest.raises(ObservationError):
            observe_outside(person.id, "voler", "seul", None)
        with pytest.raises(ObservationError):
            observe_outside(person.id, "wifi", "expert", None)
