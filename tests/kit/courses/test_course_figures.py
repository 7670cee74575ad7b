"""The course's monthly figures, computed on both sides: the SIAE orientatrice and the SIAE animatrice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from flask import Flask

from kit.extensions import db
from kit.models import EnrolmentStatus, Siae
from kit.reports.course_charts import COURSE_COLUMNS
from kit.reports.enrolment_figures import CourseFigures, course_figures, region_course_figures
from kit.reports.rules import ABSENT, EXCUSED, PRESENT
from kit.reports.views.monthly import COLUMNS
from tests.factories import login
from tests.histories import make_coordinator, make_siae
from tests.kit.courses.attend_support import Course, enrol, hold, make_course

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def november_course() -> Course:
    """Karim comes 4 times; Awa comes once, is excused once, absent twice; Bintou never comes; Dan waits;
    Eva, of another orientatrice, comes twice. Half-day 4 lasts too little to count."""
    course = make_course()
    enrol(course, "Karim")
    enrol(course, "Awa", oriented=datetime(2026, 10, 20, 10, tzinfo=UTC))
    enrol(course, "Bintou")
    enrol(course, "Dan", status=EnrolmentStatus.WAITING.value)
    other = make_siae("Chantier Voisin")
    enrol(course, "Eva", siae=other, seat_at=datetime(2026, 10, 30, tzinfo=UTC))
    hold(course, 1, {"Karim": PRESENT, "Awa": PRESENT, "Eva": PRESENT})
    hold(course, 2, {"Karim": PRESENT, "Awa": EXCUSED, "Eva": PRESENT})
    hold(course, 3, {"Karim": PRESENT, "Awa": ABSENT})
    hold(course, 4, {"Karim": PRESENT})
    return course


def test_the_orientatrice_side(app: Flask) -> None:
    with app.app_context():
        course = november_course()
        figures = course_figures(course.orientatrice, *NOVEMBER)
        # Seats this month: Karim, Awa, Bintou (Dan waits). Expected: 3 seats × 4 half-days.
        assert (figures.enrolled, figures.attended, figures.completed) == (3, 2, 1)
        # Absent: Awa at 3 and 4 (no row is absent), Bintou 4 times; Awa excused once.
        assert (figures.expected, figures.no_shows, figures.excused) == (12, 2 + 4, 1)
        assert figures.no_show_rate == 0.5
        # Orientation → first half-day attended: Karim 2 Nov → 10 Nov (8), Awa 20 Oct → 10 Nov (21).
        assert figures.waits == (8, 21) and figures.median_wait_days == 14.5
        assert figures.animator_minutes == 0  # it has no animator
        assert course_figures(course.orientatrice, date(2026, 10, 1), date(2026, 10, 31)) == CourseFigures()


def test_the_animatrice_side(app: Flask) -> None:
    with app.app_context():
        course = november_course()
        figures = course_figures(course.animatrice, *NOVEMBER)
        assert figures.animator_minutes == 4 * 210 and figures.animator_hours == 14
        assert (figures.enrolled, figures.attended, figures.expected) == (0, 0, 0)  # it sent nobody
        # A half-day too short does not count for the payment (rules.py): the 4th one, 20 minutes.
        course.sessions[3].ended_at = course.sessions[3].started_at.replace(minute=50)
        db.session.commit()
        assert course_figures(course.animatrice, *NOVEMBER).animator_minutes == 3 * 210
        assert course_figures(course.orientatrice, *NOVEMBER).completed == 0  # Karim's 4th no longer counts


def test_the_region_sums_both_sides(app: Flask) -> None:
    with app.app_context():
        course = november_course()
        make_siae("Loin", region="Bretagne")
        db.session.commit()
        regions = dict(region_course_figures(list(db.session.scalars(db.select(Siae))), *NOVEMBER))
        north = regions["Hauts-de-France"]
        assert (north.enrolled, north.attended, north.animator_minutes, north.expected) == (3, 3, 840, 16)
        assert north.waits == (8, 8, 21)  # Eva's too, pooled for the regional median
        assert regions["Bretagne"] == CourseFigures()
        assert course.offer.seats_taken == 4


def test_screen_csv_and_coordinator(app: Flask) -> None:
    with app.app_context():
        course = november_course()
        make_coordinator("coord@test.fr", "Hauts-de-France")
        siae_id = course.orientatrice.id
        animatrice_id = course.animatrice.id
    client = app.test_client()
    login(client, "coord@test.fr")
    text = client.get(f"/coordination/rapport/csv?structure={siae_id}&mois=2026-11").data.decode("utf-8")[1:]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    assert [name for name, _ in COLUMNS][-len(COURSE_COLUMNS):] == [name for name, _ in COURSE_COLUMNS]
    assert {k: rows[0][k] for k, _ in COURSE_COLUMNS} == {
        "formation_inscrits": "3", "formation_venus": "2", "formation_terminee": "1", "heures_animees": "0",
        "places_attendues": "12", "absences": "6", "taux_absence": "50", "excuses": "1",
        "delai_orientation_jours": "14,5"}
    text = client.get(f"/coordination/rapport/csv?structure={animatrice_id}&mois=2026-11").data.decode("utf-8")[1:]
    assert next(csv.DictReader(io.StringIO(text), delimiter=";"))["heures_animees"] == "14"
    page = client.get(f"/coordination/rapport/?structure={siae_id}&mois=2026-11").get_data(as_text=True)
    assert "Formation entre SIAE" in page and 'role="img"' in page and "<table" in page
    assert "Taux d&#39;absence (%)" in page and "14,5" in page
    assert client.get("/coordination/").status_code == 200


def test_coordinator_regional_table(app: Flask) -> None:
    with app.app_context():
        november_course()
        make_coordinator("coord@test.fr", "Hauts-de-France")
    client = app.test_client()
    login(client, "coord@test.fr")
    page = client.get("/coordination/").get_data(as_text=True)
    # The regional sum is of the current month (December here): the section and its chart are there.
    assert "Formation entre SIAE" in page and "formation-regions" in page and "Hauts-de-France" in page
