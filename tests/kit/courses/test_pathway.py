"""The counselor's pathway of an employee and the « action nécessaire » list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Flask

from kit.courses.pathway import actions_needed, pathway
from kit.extensions import db
from kit.models import Attendance, BadgeAssertion, EnrolmentStatus, utcnow
from kit.reports.rules import ABSENT, EXCUSED, PRESENT
from tests.factories import login
from tests.kit.courses.attend_support import enrol, hold, make_course
from tests.kit.diagnostic.support import make_diagnostic, make_employee


def test_the_pathway_step_by_step(app: Flask) -> None:
    with app.app_context():
        course = make_course()
        karim = enrol(course, "Karim")
        path = pathway(karim.employee)
        assert (path.diagnosed_at is not None, path.oriented_at is not None, path.enrolled, path.attended,
                path.step) == (True, True, True, 0, 3)
        hold(course, 1, {"Karim": PRESENT})
        hold(course, 2, {"Karim": EXCUSED})
        path = pathway(karim.employee)
        assert (path.attended, path.count(EXCUSED), path.count(ABSENT), path.step) == (1, 1, 0, 4)
        assert [h.state for h in path.half_days] == [PRESENT, EXCUSED, None, None]
        hold(course, 3, {"Karim": PRESENT}, confirm=False)  # not confirmed: does not count yet
        assert pathway(karim.employee).attended == 1
        course.sessions[2].attendance_confirmed_at = utcnow()
        db.session.commit()
        hold(course, 4, {"Karim": PRESENT})
        assert (pathway(karim.employee).attended, pathway(karim.employee).completed) == (3, False)
        # Module 2 again: he came after all (the animator corrected it).
        row = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == course.sessions[1].id))
        row.present, row.excused = True, False
        db.session.commit()
        path = pathway(karim.employee)
        assert (path.attended, path.completed, path.step) == (4, True, 5)
        db.session.add(BadgeAssertion(uid="b1", badge_slug="participant", participant_id=karim.participant_id,
                                      recipient_type="url"))
        db.session.commit()
        assert pathway(karim.employee).step == 6


def test_the_actions_needed(app: Flask) -> None:
    with app.app_context():
        course = make_course()
        enrol(course, "Karim")  # absent twice
        enrol(course, "Awa")  # absent once, excused once: nothing to do
        enrol(course, "Bintou", status=EnrolmentStatus.WAITING.value)
        cancelled = enrol(course, "Dan", status=EnrolmentStatus.CANCELLED.value)
        cancelled.cancelled_at = datetime(2026, 11, 7, tzinfo=UTC)
        hold(course, 1, {"Awa": EXCUSED})
        hold(course, 2, {})
        late = make_employee(course.orientatrice, "Eva", "L")
        make_diagnostic(late, when=datetime(2026, 11, 2, 10, tzinfo=UTC))
        recent = make_employee(course.orientatrice, "Fanny", "R")
        make_diagnostic(recent, when=datetime(2026, 11, 30, 10, tzinfo=UTC))
        not_oriented = make_employee(course.orientatrice, "Gil", "N")
        make_diagnostic(not_oriented, recommendation="non_necessaire")
        db.session.commit()
        everyone = [*course.employees.values(), late, recent, not_oriented]
        found = [(a.pathway.employee.first_name, a.kind) for a in actions_needed(everyone, date(2026, 12, 4))]
        assert found == [("Karim", "absent"), ("Dan", "cancelled"), ("Eva", "not_enrolled"), ("Bintou", "waiting")]
        texts = {a.kind: a.text for a in actions_needed(everyone, date(2026, 12, 4))}
        assert texts["absent"].startswith("Absent·e 2 fois") and "32 jours" in texts["not_enrolled"]
        # Re-enrolled after the cancellation: no longer « cancelled » (and, absent twice since, « absent »).
        enrolment = enrol(course, "Dan2")
        enrolment.employee_id = course.employees["Dan"].id
        db.session.commit()
        kinds = [(a.pathway.employee.first_name, a.kind) for a in actions_needed(everyone, date(2026, 12, 4))]
        assert ("Dan", "cancelled") not in kinds and ("Dan", "absent") in kinds


def test_the_counselor_sees_the_pathway_and_the_actions(app: Flask) -> None:
    with app.app_context():
        course = make_course()
        karim = enrol(course, "Karim")
        hold(course, 1, {"Karim": PRESENT})
        hold(course, 2, {"Karim": ABSENT})
        hold(course, 3, {})
        employee_id = karim.employee_id
    client = app.test_client()
    login(client, "cip@test.fr")
    page = client.get(f"/diagnostic/salaries/{employee_id}").get_data(as_text=True)
    for text in ("Parcours", "Diagnostiqué·e le 02/11/2026", "Inscrit·e", "Maison des associations", "1/4",
                 "Demi-journée 2 (12/11/2026) :", "Absent·e",
                 "pas encore eu lieu", "Formation terminée"):
        assert text in page, text
    dashboard = client.get("/diagnostic/").get_data(as_text=True)
    assert "Action nécessaire (1)" in dashboard and "Absent·e 2 fois" in dashboard
