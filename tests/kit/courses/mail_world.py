"""A course offer with enrolled people, made directly with the models, for the mail and convocation tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kit.extensions import db
from kit.models import CourseHalfDay, CourseOffer, Employee, Enrolment, EnrolmentStatus, Role, Siae, TrainingGroup, User
from tests.factories import make_user
from tests.histories import make_siae
from tests.kit.diagnostic.support import make_employee

SLUGS = ("01-smartphone-wifi", "02-naviguer-web", "03-rechercher-information", "04-installer-applications")
FIRST = datetime(2027, 3, 9, 8, 30, tzinfo=UTC)  # a Tuesday, 9 h 30 in Paris


@dataclass
class World:
    animatrice: Siae
    orientatrice: Siae
    animator: User
    counselor: User
    offer: CourseOffer
    enrolments: list[Enrolment]


def make_offer(siae: Siae, animator: User, first: datetime = FIRST, place: str = "Salle des fêtes") -> CourseOffer:
    """A published offer whose 4 half-days are on the 4 days from `first`, 3 hours each."""
    group = TrainingGroup(name=f"Formation {place}", siae_id=siae.id, animator_id=animator.id)
    db.session.add(group)
    db.session.flush()
    offer = CourseOffer(siae_id=siae.id, group_id=group.id, animator_id=animator.id, place_name=place,
                        place_address="3 rue de la Paix, 59000 Lille", region=siae.region, departement="59",
                        enrol_deadline=(first - timedelta(days=3)).date(), contact_phone="03 20 00 00 00",
                        created_by_id=animator.id)
    for number, slug in enumerate(SLUGS, start=1):
        start = first + timedelta(days=number - 1)
        offer.half_days.append(CourseHalfDay(number=number, module_slug=slug, starts_at=start,
                                             ends_at=start + timedelta(hours=3)))
    db.session.add(offer)
    db.session.commit()
    return offer


def enrol(offer: CourseOffer, employee: Employee, counselor: User, status: str = EnrolmentStatus.ENROLLED.value,
          at: datetime | None = None) -> Enrolment:
    """An enrolment as booking would leave it (the seat counter moved when it has a seat)."""
    at = at or datetime(2027, 2, 1, 10, tzinfo=UTC)
    enrolment = Enrolment(offer_id=offer.id, employee_id=employee.id, status=status, enrolled_by_id=counselor.id,
                          created_at=at, seat_at=at if status == EnrolmentStatus.ENROLLED.value else None)
    if status == EnrolmentStatus.ENROLLED.value:
        offer.seats_taken += 1
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def make_world(first: datetime = FIRST) -> World:
    """An SIAE animatrice (its animator) and an SIAE orientatrice (its counselor, with a phone) in one region;
    Karim and Awa enrolled, Bintou on the waiting list."""
    animatrice = make_siae("Atelier Numérique")
    animatrice.animatrice, animatrice.contact_email = True, "contact-atelier@test.fr"
    orientatrice = make_siae("Régie Nord")
    animator = make_user("animatrice@test.fr", siae=animatrice)
    counselor = make_user("cip-nord@test.fr", Role.COUNSELOR.value, siae=orientatrice)
    counselor.name, counselor.phone = "Nadia Conseil", "06 12 34 56 78"
    db.session.commit()
    offer = make_offer(animatrice, animator, first)
    people = [make_employee(orientatrice, name, "B") for name in ("Karim", "Awa", "Bintou")]
    enrolments = [enrol(offer, people[0], counselor), enrol(offer, people[1], counselor),
                  enrol(offer, people[2], counselor, EnrolmentStatus.WAITING.value)]
    return World(animatrice, orientatrice, animator, counselor, offer, enrolments)


def convocation_ids(siae: Siae, animator: User, counselor_email: str = "cip@test.fr") -> dict[str, int]:
    """For the roles matrix: `siae` becomes an SIAE animatrice with an offer by `animator`, in which its own
    counselor has enrolled Sami."""
    siae.animatrice = True
    counselor = db.session.query(User).filter_by(email=counselor_email).one()
    offer = make_offer(siae, animator)
    enrolment = enrol(offer, make_employee(siae, "Sami", "K"), counselor)
    return {"conv_offer": offer.id, "conv_enrolment": enrolment.id}
