"""The evaluation from the database: cohort, pairing, gain and interval, items, skills, levels, suppression.

The world (`world`): in Hauts-de-France, « Régie A » (group G1, 6 people) and « Chantier B » (G2, 4 people,
another animator); in Bretagne, « Atelier C » (G3, 5 people). The hand-computed figures are in each test.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from kit.evidence.cohort import Filters
from kit.evidence.evaluation import evaluate
from kit.evidence.stats import FLAG_EASY, FLAG_HARD
from kit.extensions import db
from kit.models import (
    CourseOffer,
    Diagnostic,
    Employee,
    Enrolment,
    TrainingGroup,
)


def hauts(**kwargs: object) -> Filters:
    return Filters(siae_ids=frozenset(kwargs.pop("siae_ids")), **kwargs)  # type: ignore[arg-type]


def test_the_region_gain_and_its_interval(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        found = evaluate(hauts(siae_ids={world["a"], world["b"]}))
    # People: p1–p6 and q1–q4; completed: p1–p4 (p5 missed module 4, p6 module 3) and q1–q4.
    assert (found.people, found.completed) == (10, 8)
    # Pairs: p1 +1, p2 +2/3, p3 +1/3, p4 0, p6 0 (wifi only), q1–q4 +1; p5 has no « après ».
    # mean 6/9; s² = (5·(1/3)² + (1/3)² + 2·(2/3)²) / 8 = 14/72; t(8) = 2.306.
    half = 2.306 * math.sqrt(14 / 72) / 3
    assert found.gain.n == 9
    assert found.gain.mean == pytest.approx(6 / 9)
    assert found.gain.low == pytest.approx(6 / 9 - half) and found.gain.high == pytest.approx(6 / 9 + half)
    assert dict(found.distribution) == {"En recul": 0, "Pareil": 2, "+1 à +25": 0, "+26 à +50": 1,
                                        "+51 à +75": 1, "+76 à +100": 5}


def test_items_are_tallied_and_flagged(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        items = {item.id: item for item in evaluate(hauts(siae_ids={world["a"], world["b"]})).items}
    assert set(items) == {"t-wifi", "t-recherche", "t-appli", "t-facile", "t-dur"}
    wifi = items["t-wifi"]
    # Before: right for p2, p4, p6 of 10; after: all 9 who answered.
    assert (wifi.before.answered, wifi.before.right, wifi.before.chosen) == (10, 3, (7, 3, 0))
    assert (wifi.after.answered, wifi.after.right) == (9, 9)
    assert wifi.flags == ()
    assert items["t-facile"].flags == (FLAG_EASY,)
    assert items["t-dur"].flags == (FLAG_HARD,) and items["t-dur"].after.chosen == (0, 1, 5)
    assert items["t-dur"].question == "Difficile ?" and items["t-dur"].choices[0] == "A. faux"


def test_skills_seul_rates(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        skills = {s.id: s for s in evaluate(hauts(siae_ids={world["a"], world["b"]})).skills}
    assert (skills["wifi"].observed, skills["wifi"].alone) == (9, 8)
    assert skills["wifi"].rate == pytest.approx(8 / 9)
    assert skills["recherche"].observed == 1 and skills["recherche"].rate is None  # under 5: not shown


def test_filters_and_suppression(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        region = evaluate(hauts(siae_ids={world["a"], world["b"]}))
        structures = {cell.label: cell for cell in region.breakdowns["structure"]}
        # B has 4 people: hidden; A would then be the total minus B: hidden too.
        assert structures["Chantier B"].hidden and structures["Régie A"].hidden
        assert structures["Chantier B"].gain.mean is None and structures["Chantier B"].completion is None
        only_a = evaluate(hauts(siae_ids={world["a"], world["b"]}, siae_id=world["a"]))
        assert (only_a.people, only_a.gain.n) == (6, 5)
        assert only_a.gain.mean == pytest.approx((1 + 2 / 3 + 1 / 3) / 5)
        assert not only_a.breakdowns["structure"][0].hidden
        only_b = evaluate(hauts(siae_ids={world["a"], world["b"]}, siae_id=world["b"]))
        assert only_b.people == 4 and not only_b.visible
        assert only_b.gain.mean is None and only_b.items == () and only_b.completion is None
        assert evaluate(hauts(siae_ids={world["a"], world["b"]}, animator_id=world["anim_a"])).people == 6
        everything = evaluate(Filters())
        assert everything.people == 15
        # B (4) hidden, and the smallest other (C, 5) with it: only A is shown.
        assert {c.label for c in everything.breakdowns["structure"] if not c.hidden} == {"Régie A"}
        assert evaluate(Filters(region="Bretagne")).people == 5
        assert evaluate(Filters(month=date(2026, 11, 1))).people == 15  # all three courses ended in November
        assert evaluate(Filters(month=date(2026, 12, 1))).people == 0


def test_level_at_diagnosis_and_after(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        group = db.session.get(TrainingGroup, world["g1"])
        offer = CourseOffer(siae_id=world["a"], group_id=group.id, animator_id=world["anim_a"], place_name="Salle",
                            place_address="1 rue", region="Hauts-de-France", departement="59", capacity=8,
                            enrol_deadline=date(2026, 10, 30), contact_phone="0600000000")
        db.session.add(offer)
        db.session.flush()
        people = sorted(group.participants, key=lambda p: p.nickname)
        for index, person in enumerate(people):
            employee = Employee(siae_id=world["a"], first_name=person.nickname, family_initial="X",
                                pathway_month=date(2026, 10, 1), consent_version="test")
            db.session.add(employee)
            db.session.flush()
            db.session.add(Enrolment(offer_id=offer.id, employee_id=employee.id, status="enrolled",
                                     participant_id=person.id))
            db.session.add(Diagnostic(employee_id=employee.id, guide_version="t", level="debutant",
                                      completed_at=datetime(2026, 10, 15, tzinfo=UTC)))
            if index < 5:  # five re-diagnosed after the course (which ended on 23 November)
                db.session.add(Diagnostic(employee_id=employee.id, guide_version="t",
                                          level="autonome" if index < 4 else "presque_autonome",
                                          completed_at=datetime(2026, 12, 10, tzinfo=UTC)))
        db.session.commit()
        table = evaluate(hauts(siae_ids={world["a"], world["b"]})).levels
    assert (table.diagnosed, table.rediagnosed) == (6, 5) and table.visible
    assert table.cells == {("debutant", "autonome"): 4, ("debutant", "presque_autonome"): 1}
    assert table.cell("debutant", "autonome") is None  # 4 people: not shown
    assert table.cell("debutant", "non_autonome") == 0
