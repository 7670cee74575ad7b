"""The booking rules: seat, waiting list, promotion in order, cancellation, deadline, duplicates, region."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.courses.booking import DUPLICATE, BookingError, cancel, cancel_offer, enrol
from kit.extensions import db
from kit.models import (
    Attendance,
    CourseOffer,
    Employee,
    Enrolment,
    EnrolmentEvent,
    MailMessage,
    OfferStatus,
    Participant,
    User,
)
from tests.factories import make_user
from tests.kit.courses.support import counselor_with_people, make_offer, make_structure
from tests.kit.diagnostic.support import make_employee


@dataclass
class World:
    offer: CourseOffer
    animator: User
    counselor: User
    people: list[Employee]
    other: User
    others: list[Employee]


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    with app.app_context():
        home = make_structure("Régie", animatrice=True)
        animator = make_user("anim@test.fr", siae=home)
        counselor, people = counselor_with_people("cip@test.fr", make_structure("Chantier"),
                                                  ("Awa", "Bruno", "Chloé", "Driss"))
        other, others = counselor_with_people("cip2@test.fr", make_structure("Asso"), ("Awa", "Fatou"))
        yield World(make_offer(animator, capacity=2), animator, counselor, people, other, others)


def seats(offer: CourseOffer) -> int:
    db.session.refresh(offer)
    return offer.seats_taken


def test_seats_then_waiting_list(world: World) -> None:
    first = enrol(world.offer.id, world.people[0].id, world.counselor)
    second = enrol(world.offer.id, world.others[0].id, world.other)
    third = enrol(world.offer.id, world.people[1].id, world.counselor)
    assert (first.status, second.status, third.status) == ("enrolled", "enrolled", "waiting")
    assert seats(world.offer) == 2
    assert third.participant_id is None
    # Both are « Awa »: the second one gets her initial, so that the phones' list tells them apart.
    nicknames = sorted(p.nickname for p in db.session.scalars(sa.select(Participant).where(
        Participant.group_id == world.offer.group_id)))
    assert nicknames == ["Awa", "Awa X."]
    kinds = [e.kind for e in db.session.scalars(sa.select(EnrolmentEvent).order_by(EnrolmentEvent.id))]
    assert kinds == ["enrolled", "enrolled", "waiting"]
    mails = list(db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)))
    assert {m.to_address for m in mails} == {"cip@test.fr", "cip2@test.fr", world.offer.siae.contact_email}
    assert mails[-1].kind == "waiting" and mails[-1].status == "pending"
    assert all("Places : " in m.body and "diagnostic" not in m.body.lower() for m in mails)


def test_cancellation_frees_the_seat_and_promotes_in_order(world: World) -> None:
    seated = enrol(world.offer.id, world.people[0].id, world.counselor)
    enrol(world.offer.id, world.people[1].id, world.counselor)
    first_waiting = enrol(world.offer.id, world.others[1].id, world.other)
    second_waiting = enrol(world.offer.id, world.people[2].id, world.counselor)
    promoted = cancel(seated.id, world.animator, "malade", "grippe")
    assert promoted is not None and promoted.id == first_waiting.id
    assert seats(world.offer) == 2
    db.session.refresh(second_waiting)
    assert second_waiting.status == "waiting"
    db.session.refresh(seated)
    assert (seated.status, seated.cancel_reason, seated.cancel_note, seated.cancelled_by_id) == (
        "cancelled", "malade", "grippe", world.animator.id)
    assert seated.participant_id is None  # never came: the participant is gone
    assert db.session.get(Participant, promoted.participant_id).nickname == "Fatou"
    kinds = [e.kind for e in db.session.scalars(sa.select(EnrolmentEvent).order_by(EnrolmentEvent.id))]
    assert kinds[-2:] == ["promoted", "cancelled"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)
                             .where(MailMessage.kind == "promoted")) == 2  # the counselor and the SIAE animatrice


def test_cancel_a_waiting_enrolment_keeps_the_seats(world: World) -> None:
    enrol(world.offer.id, world.people[0].id, world.counselor)
    enrol(world.offer.id, world.people[1].id, world.counselor)
    waiting = enrol(world.offer.id, world.people[2].id, world.counselor)
    assert cancel(waiting.id, world.counselor, "emploi") is None
    assert seats(world.offer) == 2
    with pytest.raises(BookingError, match="déjà annulée"):
        cancel(waiting.id, world.counselor, "emploi")


def test_a_participant_who_came_is_kept(world: World) -> None:
    seated = enrol(world.offer.id, world.people[0].id, world.counselor)
    session_id = world.offer.half_days[0].session_id
    db.session.add(Attendance(session_id=session_id, participant_id=seated.participant_id))
    db.session.commit()
    kept = seated.participant_id
    cancel(seated.id, world.counselor, "autre", "déménage")
    assert db.session.get(Participant, kept) is not None
    assert seats(world.offer) == 0


def test_free_seat_without_waiting_list(world: World) -> None:
    seated = enrol(world.offer.id, world.people[0].id, world.counselor)
    assert cancel(seated.id, world.counselor, "indisponible") is None
    assert seats(world.offer) == 0
    again = enrol(world.offer.id, world.people[0].id, world.counselor)  # a cancelled enrolment may repeat
    assert again.status == "enrolled"


def test_duplicate_refused(world: World) -> None:
    enrol(world.offer.id, world.people[0].id, world.counselor)
    with pytest.raises(BookingError, match="déjà inscrit·e"):
        enrol(world.offer.id, world.people[0].id, world.counselor)
    assert seats(world.offer) == 1


def test_duplicate_caught_by_the_unique_index(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests at once both pass the first check: the partial unique index refuses the second."""
    enrol(world.offer.id, world.people[0].id, world.counselor)
    monkeypatch.setattr("kit.courses.booking._live", lambda *_args: None)
    with pytest.raises(BookingError) as refused:
        enrol(world.offer.id, world.people[0].id, world.counselor)
    assert refused.value.message == DUPLICATE
    assert seats(world.offer) == 1  # the seat taken by the refused one was given back with the rollback
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 1


def test_refusals(world: World, app: Flask) -> None:
    offer = world.offer
    with pytest.raises(BookingError, match="closes"):
        enrol(offer.id, world.people[0].id, world.counselor, today=offer.enrol_deadline + timedelta(days=1))
    with pytest.raises(BookingError, match="pas salariée de votre structure"):
        enrol(offer.id, world.others[0].id, world.counselor)
    far_siae = make_structure("Loin", region="Bretagne")
    far, far_people = counselor_with_people("loin@test.fr", far_siae, ("Lucie",))
    with pytest.raises(BookingError, match="autre région"):
        enrol(offer.id, far_people[0].id, far)
    erased = make_employee(world.counselor.siae, "Zoé")
    erased.erased_at = offer.created_at
    db.session.commit()
    with pytest.raises(BookingError, match="effacée"):
        enrol(offer.id, erased.id, world.counselor)
    offer.status = OfferStatus.CANCELLED.value
    db.session.commit()
    with pytest.raises(BookingError, match="annulée"):
        enrol(offer.id, world.people[0].id, world.counselor)
    assert seats(offer) == 0
    with pytest.raises(BookingError, match="raison"):
        cancel(1, world.counselor, "pas-une-raison")


def test_deadline_day_itself_is_open(world: World) -> None:
    assert enrol(world.offer.id, world.people[0].id, world.counselor, today=world.offer.enrol_deadline).status == (
        "enrolled")
    assert date.today() <= world.offer.enrol_deadline


def test_cancel_offer(world: World) -> None:
    seated = enrol(world.offer.id, world.people[0].id, world.counselor)
    enrol(world.offer.id, world.others[0].id, world.other)
    waiting = enrol(world.offer.id, world.people[1].id, world.counselor)
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage))
    assert cancel_offer(world.offer.id, world.animator, "salle inondée") == 3
    assert seats(world.offer) == 0 and world.offer.status == "cancelled"
    for enrolment in (seated, waiting):
        db.session.refresh(enrolment)
        assert (enrolment.status, enrolment.cancel_reason, enrolment.cancel_note) == (
            "cancelled", "formation_annulee", "salle inondée")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant).where(
        Participant.group_id == world.offer.group_id)) == 0
    assert all(h.session_id is None for h in world.offer.half_days)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == mails + 6
    with pytest.raises(BookingError, match="déjà annulée"):
        cancel_offer(world.offer.id, world.animator)
    with pytest.raises(BookingError, match="annulée"):
        enrol(world.offer.id, world.people[2].id, world.counselor)


def test_a_name_added_at_the_same_moment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The animator adds « Awa » by hand just before the seat's participant: the initial is used instead."""
    from kit.courses import roster

    db.session.add(Participant(group_id=world.offer.group_id, nickname="Awa", nickname_key="awa", avatar="🐱"))
    db.session.commit()
    real, calls = roster._taken, []

    def stale(group_id: int) -> set[str]:
        calls.append(group_id)
        return set() if len(calls) == 1 else real(group_id)  # the first look misses the new name

    monkeypatch.setattr(roster, "_taken", stale)
    seated = enrol(world.offer.id, world.people[0].id, world.counselor)
    assert db.session.get(Participant, seated.participant_id).nickname == "Awa X."
    assert len(calls) == 2 and seats(world.offer) == 1
