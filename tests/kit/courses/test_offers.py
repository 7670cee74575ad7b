"""Publishing an offer: the checks (French, by field) and what it creates."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.courses.offers import OfferError, Slot, check_offer, publish_offer
from kit.extensions import db
from kit.models import TrainingSession
from tests.factories import make_user
from tests.kit.courses.support import draft, make_offer, make_structure

TODAY = date(2026, 12, 1)


def slots(*days: int, start: time = time(9), end: time = time(12)) -> tuple[Slot, ...]:
    return tuple(Slot(TODAY + timedelta(days=d), start, end) for d in days)


def test_checks(app: Flask) -> None:
    with app.app_context():
        animator = make_user("anim@test.fr", siae=make_structure("Régie", animatrice=True))
        assert check_offer(draft(animator, TODAY + timedelta(days=10)), TODAY) == {}
        past = check_offer(draft(animator, slots=slots(-1, 7, 14, 21)), TODAY)
        assert past["day_1"] == "Cette date est passée."
        backwards = (Slot(TODAY + timedelta(days=7), time(12), time(9)), *slots(8, 9, 10))
        reversed_ = check_offer(draft(animator, slots=backwards), TODAY)
        assert reversed_["end_1"] == "L'heure de fin doit venir après l'heure de début."
        order = check_offer(draft(animator, slots=slots(7, 14, 10, 21)), TODAY)
        assert "doit venir après la demi-journée 2" in order["day_3"]
        overlap = check_offer(draft(animator, slots=slots(7, 7, 14, 21)), TODAY)
        assert "chevauche" in overlap["day_2"]
        afternoon = (*slots(7, 14, 21), Slot(TODAY + timedelta(days=21), time(14), time(17)))
        assert check_offer(draft(animator, slots=afternoon, enrol_deadline=TODAY), TODAY) == {}
        late = check_offer(draft(animator, slots=slots(7, 14, 21, 28), enrol_deadline=TODAY + timedelta(days=8)),
                           TODAY)
        assert "précéder la première demi-journée" in late["enrol_deadline"]
        assert "passée" in check_offer(draft(animator, slots=slots(7, 14, 21, 28),
                                             enrol_deadline=TODAY - timedelta(days=1)), TODAY)["enrol_deadline"]
        assert check_offer(draft(animator, TODAY + timedelta(days=7), capacity=13), TODAY)["capacity"] == (
            "Le nombre de places va de 1 à 12.")
        assert "capacity" in check_offer(draft(animator, TODAY + timedelta(days=7), capacity=0), TODAY)
        app.config["COURSE_MAX_CAPACITY"] = 20
        assert check_offer(draft(animator, TODAY + timedelta(days=7), capacity=13), TODAY) == {}


def test_publish_creates_group_and_planned_sessions(app: Flask) -> None:
    with app.app_context():
        home = make_structure("Régie", animatrice=True)
        animator = make_user("anim@test.fr", siae=home)
        offer = make_offer(animator)
        assert (offer.region, offer.departement, offer.capacity, offer.seats_taken) == ("Hauts-de-France", "59", 8, 0)
        assert offer.group.animator_id == animator.id and offer.group.siae_id == home.id
        sessions = list(db.session.scalars(sa.select(TrainingSession).where(
            TrainingSession.group_id == offer.group_id).order_by(TrainingSession.day)))
        assert [s.status for s in sessions] == ["planned"] * 4
        assert [h.number for h in offer.half_days] == [1, 2, 3, 4]
        assert [h.session_id for h in offer.half_days] == [s.id for s in sessions]
        assert [s.module_slug for s in sessions] == [h.module_slug for h in offer.half_days]
        assert sessions[0].module_slug.startswith("01-") and sessions[3].module_slug.startswith("04-")
        assert all(s.revision.published for s in sessions)
        # 9:00 in Lille in winter is 8:00 UTC.
        assert offer.half_days[0].starts_at.hour in (8, 7)


def test_only_an_siae_animatrice(app: Flask) -> None:
    with app.app_context():
        animator = make_user("anim@test.fr", siae=make_structure("Chantier", animatrice=False))
        with pytest.raises(OfferError, match="SIAE animatrice"):
            publish_offer(draft(animator), animator, date.today())
        with pytest.raises(OfferError, match="passée"):
            publish_offer(draft(animator, date.today() - timedelta(days=1)), animator, date.today())
