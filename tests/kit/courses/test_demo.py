"""The courses' demo: an SIAE animatrice (the demo one), two SIAE orientatrices with a counselor each, one offer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from kit.courses.demo import COUNSELORS, OFFER_ANIMATOR
from kit.courses.times import today_local
from kit.diagnostic.figures import waiting_for_course
from kit.extensions import db
from kit.models import CourseOffer, Employee, Siae, User
from kit.people.demo import DEMO_SIAE_NAME, create_demo


def test_courses_demo(app: Flask) -> None:
    with app.app_context():
        create_demo()
        create_demo()  # twice: nothing doubled
        home = db.session.scalar(sa.select(Siae).where(Siae.name == DEMO_SIAE_NAME))
        assert home.animatrice and home.orientatrice and home.contact_email
        offers = list(db.session.scalars(sa.select(CourseOffer)))
        assert len(offers) == 1 and offers[0].siae_id == home.id and offers[0].capacity == 8
        assert offers[0].enrol_deadline >= today_local() and len(offers[0].half_days) == 4
        # The demo animator's own list keeps the demo session alone (tests/servers.py starts the first one).
        assert offers[0].animator.email == OFFER_ANIMATOR[0] and offers[0].animator.check_password(OFFER_ANIMATOR[1])
        for email, password, *_rest in COUNSELORS:
            counselor = db.session.scalar(sa.select(User).where(User.email == email))
            assert counselor.check_password(password) and counselor.siae.region == home.region
            assert counselor.siae.orientatrice and not counselor.siae.animatrice
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee)
                                     .where(Employee.siae_id == counselor.siae_id)) == 4
            assert len(waiting_for_course([counselor.siae_id])) == 3
    client = app.test_client()
    assert client.post("/connexion", data={"email": COUNSELORS[0][0], "password": COUNSELORS[0][1]}).status_code == 302
    assert "Places : 0 / 8" in client.get("/formations/").get_data(as_text=True)
