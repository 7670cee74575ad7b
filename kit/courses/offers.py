"""Publish a course offer: check what was typed, then create the group, its 4 planned sessions and half-days.

The 4 half-days are the 4 modules, in order (half-day n gives module n). Each planned session is pinned
to its module's published revision, as a session planned by hand is (kit/people/views/sessions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask import current_app

from kit.content.library import published_modules
from kit.courses.times import local, to_utc
from kit.extensions import db
from kit.models import CourseHalfDay, CourseOffer, OfferStatus, Siae, TrainingGroup, TrainingSession, User

HALF_DAYS = 4
DEFAULT_CAPACITY = 8


class OfferError(Exception):
    """An offer that cannot be published; `message` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Slot:
    """One half-day as typed: its date, start and end (French local time)."""

    day: date
    start: time
    end: time


@dataclass(frozen=True)
class OfferDraft:
    """What the publishing form gives, already typed."""

    animator: User
    slots: tuple[Slot, ...]
    place_name: str
    place_address: str
    departement: str
    capacity: int
    enrol_deadline: date
    contact_phone: str


def max_capacity() -> int:
    """The most seats an offer may have: 12 unless COURSE_MAX_CAPACITY says otherwise."""
    return int(current_app.config.get("COURSE_MAX_CAPACITY", 12))


def check_slots(slots: tuple[Slot, ...], today: date) -> dict[str, str]:
    """French errors by form field (`day_n`, `end_n`) for past, reversed, out-of-order or overlapping half-days."""
    errors: dict[str, str] = {}
    for number, slot in enumerate(slots, start=1):
        if slot.day < today:
            errors[f"day_{number}"] = "Cette date est passée."
        elif slot.end <= slot.start:
            errors[f"end_{number}"] = "L'heure de fin doit venir après l'heure de début."
    for number in range(2, len(slots) + 1):
        before, slot = slots[number - 2], slots[number - 1]
        if f"day_{number}" in errors or f"end_{number - 1}" in errors or f"end_{number}" in errors:
            continue
        if slot.day < before.day:
            errors[f"day_{number}"] = (f"La demi-journée {number} doit venir après la demi-journée {number - 1} "
                                       f"(module {number} après module {number - 1}).")
        elif slot.day == before.day and slot.start < before.end:
            errors[f"day_{number}"] = (f"La demi-journée {number} chevauche la demi-journée {number - 1} "
                                       "ou commence avant elle.")
    return errors


def check_offer(draft: OfferDraft, today: date) -> dict[str, str]:
    """Every French error of a draft, by form field; empty when it can be published."""
    errors = check_slots(draft.slots, today)
    most = max_capacity()
    if not 1 <= draft.capacity <= most:
        errors["capacity"] = f"Le nombre de places va de 1 à {most}."
    if draft.enrol_deadline < today:
        errors["enrol_deadline"] = "La date limite d'inscription est passée."
    elif draft.slots and "day_1" not in errors and draft.enrol_deadline > draft.slots[0].day:
        errors["enrol_deadline"] = ("La date limite d'inscription doit précéder la première demi-journée "
                                    "(ou être ce jour-là).")
    return errors


def publish_offer(draft: OfferDraft, by: User, today: date) -> CourseOffer:
    """Publish the offer for the animator's SIAE; OfferError (French) if it cannot be. Commits."""
    errors = check_offer(draft, today)
    if errors:
        raise OfferError(next(iter(errors.values())))
    siae: Siae | None = draft.animator.siae
    if siae is None or not siae.animatrice:
        raise OfferError("L'animateur ou l'animatrice choisi·e n'est pas d'une SIAE animatrice.")
    modules = {m.deck.meta.number: m for m in published_modules()}
    missing = [n for n in range(1, HALF_DAYS + 1) if n not in modules]
    if missing:
        raise OfferError(f"Le module {missing[0]} n'est pas publié : la formation ne peut pas être proposée.")
    group = TrainingGroup(name=f"Formation du {draft.slots[0].day:%d/%m/%Y} — {draft.place_name}"[:120],
                          siae_id=siae.id, animator_id=draft.animator.id)
    db.session.add(group)
    db.session.flush()
    offer = CourseOffer(siae_id=siae.id, group_id=group.id, animator_id=draft.animator.id,
                        place_name=draft.place_name, place_address=draft.place_address, region=siae.region,
                        departement=draft.departement, capacity=draft.capacity, seats_taken=0,
                        enrol_deadline=draft.enrol_deadline, contact_phone=draft.contact_phone,
                        status=OfferStatus.PUBLISHED.value, created_by_id=by.id)
    for number, slot in enumerate(draft.slots, start=1):
        module = modules[number]
        session = TrainingSession(group_id=group.id, animator_id=draft.animator.id, module_slug=module.slug,
                                  revision_id=module.revision_id, day=slot.day)
        offer.half_days.append(CourseHalfDay(number=number, module_slug=module.slug, session=session,
                                             starts_at=to_utc(slot.day, slot.start),
                                             ends_at=to_utc(slot.day, slot.end)))
    db.session.add(offer)
    db.session.commit()
    return offer


def first_day(offer: CourseOffer) -> date:
    """The date of the offer's first half-day (French local)."""
    return local(offer.half_days[0].starts_at).date()
