"""Offers, counselors and employees made through the services, for the courses' tests."""

from __future__ import annotations

from datetime import date, time, timedelta

from kit.courses.offers import OfferDraft, Slot, publish_offer
from kit.extensions import db
from kit.models import CourseOffer, Employee, Role, Siae, User
from tests.factories import make_user
from tests.kit.diagnostic.support import make_employee


def make_structure(name: str, region: str = "Hauts-de-France", animatrice: bool = False,
                   orientatrice: bool = True, departement: str = "59") -> Siae:
    siae = Siae(name=name, region=region, kind="ACI", departement=departement, animatrice=animatrice,
                orientatrice=orientatrice, contact_email=f"contact-{len(name)}@{name[:3].lower()}.fr")
    db.session.add(siae)
    db.session.commit()
    return siae


def draft(animator: User, start: date | None = None, capacity: int = 8, **changes: object) -> OfferDraft:
    """A valid draft: 4 Monday mornings from `start` (in three weeks by default)."""
    first = start or date.today() + timedelta(days=21)
    slots = tuple(Slot(first + timedelta(days=7 * n), time(9, 0), time(12, 30)) for n in range(4))
    values: dict[str, object] = {"animator": animator, "slots": slots, "place_name": "Salle A",
                                 "place_address": "1 rue de la Paix, 59000 Lille", "departement": "59",
                                 "capacity": capacity, "enrol_deadline": first - timedelta(days=2),
                                 "contact_phone": "03 20 00 00 00"}
    return OfferDraft(**(values | changes))  # type: ignore[arg-type]


def make_offer(animator: User, capacity: int = 8, start: date | None = None) -> CourseOffer:
    return publish_offer(draft(animator, start, capacity), animator, date.today())


def counselor_with_people(email: str, siae: Siae, names: tuple[str, ...]) -> tuple[User, list[Employee]]:
    counselor = make_user(email, Role.COUNSELOR.value, siae=siae)
    return counselor, [make_employee(siae, name, "X") for name in names]


def offer_form(animator: str, start: date | None = None) -> dict[str, str]:
    """The publishing form's fields for a valid offer (4 mornings from `start`, three weeks ahead by default)."""
    first = start or date.today() + timedelta(days=21)
    data = {"animator": animator, "place_name": "Salle B", "place_address": "2 rue Haute, 59000 Lille",
            "departement": "59", "capacity": "8", "enrol_deadline": (first - timedelta(days=1)).isoformat(),
            "contact_phone": "03 20 11 22 33"}
    for n in range(1, 5):
        data |= {f"day_{n}": (first + timedelta(days=7 * (n - 1))).isoformat(), f"start_{n}": "09:00",
                 f"end_{n}": "12:00"}
    return data
