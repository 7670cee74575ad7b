"""Who may see or do what in the courses between SIAE (kit/courses, docs/courses.md).

Part of the access rules (kit/people/access.py), kept apart so that each file stays small: who publishes,
sees, enrols and cancels; who prints a convocation. An SIAE animatrice sees only the first name and initial
of the people another SIAE enrolled (kit/courses/visibility.py), never their diagnostic.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from kit.extensions import db
from kit.models import CourseOffer, Enrolment, EnrolmentStatus, Role, User
from kit.people.access import is_admin


# Courses between SIAE (kit/courses, docs/courses.md): who publishes, sees, enrols, cancels.
def offers_region(user: User) -> str | None:
    """The region whose offers this account sees ("" for none); None for an admin (every region)."""
    if is_admin(user):
        return None
    return (user.region or "") if user.role == Role.COORDINATOR else (user.siae.region if user.siae else "")


def visible_offer_or_404(offer_id: int) -> CourseOffer:
    """An offer of the signed-in account's region."""
    offer, region = db.session.get(CourseOffer, offer_id), offers_region(current_user)
    if offer is None or region not in (None, offer.region):
        abort(404, "Cette formation n'existe pas, ou elle est proposée dans une autre région.")
    return offer


def may_publish_offers(user: User) -> bool:
    """Admins, and the animators of an SIAE animatrice (they name one of its active animators)."""
    return is_admin(user) or (user.role == Role.ANIMATOR and user.siae is not None and user.siae.animatrice)


def may_manage_offer(user: User, offer: CourseOffer) -> bool:
    """The offer's SIAE animatrice's animators, and admins: they see every enrolment (first name + initial)."""
    return is_admin(user) or (user.role == Role.ANIMATOR and user.siae_id == offer.siae_id)


def may_enrol_in(user: User, offer: CourseOffer) -> bool:
    """Counselors of an SIAE orientatrice of the offer's region, and admins."""
    siae = user.siae
    return is_admin(user) or (user.role == Role.COUNSELOR and siae is not None and siae.orientatrice
                              and siae.region == offer.region)


def own_enrolment_or_404(enrolment_id: int) -> Enrolment:
    """An enrolment the signed-in account sees and may cancel: the employee's counselors, the offer's managers."""
    enrolment, user = db.session.get(Enrolment, enrolment_id), current_user
    if enrolment is None or not (may_manage_offer(user, enrolment.offer) or (
            user.role == Role.COUNSELOR and user.siae_id == enrolment.employee.siae_id)):
        abort(404, "Cette inscription n'existe pas, ou elle n'est pas de votre structure.")
    return enrolment


# Convocations (kit/courses/views/convocation.py): the counselors of the employee's SIAE, the accounts of
# the SIAE animatrice (which see the first name and initial only), and admins.
def _of_animatrice(user: User, offer: CourseOffer) -> bool:
    return user.siae_id == offer.siae_id and user.role in (Role.ANIMATOR, Role.COUNSELOR)


def may_see_convocation(user: User, enrolment: Enrolment) -> bool:
    """Whether this account may print this enrolled person's convocation."""
    if enrolment.employee.erased_at is not None:
        return False
    return is_admin(user) or _of_animatrice(user, enrolment.offer) or (
        user.role == Role.COUNSELOR and user.siae_id == enrolment.employee.siae_id)


def convocation_or_404(enrolment_id: int) -> Enrolment:
    """An enrolment with a seat whose convocation the signed-in account may print."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not may_see_convocation(current_user, enrolment):
        abort(404, "Cette inscription n'existe pas, ou elle n'est pas de votre structure.")
    if enrolment.status != EnrolmentStatus.ENROLLED:
        abort(404, "Pas de convocation : cette personne n'a pas (ou plus) de place dans cette formation.")
    return enrolment


def may_print_offer_convocations(user: User, offer: CourseOffer) -> bool:
    """Whether the offer's page links to its convocations and .ics (offer_convocations_or_404's rule)."""
    return is_admin(user) or _of_animatrice(user, offer) or (
        user.role == Role.COUNSELOR and user.siae is not None and offer.region == user.siae.region)


def offer_convocations_or_404(offer_id: int) -> tuple[CourseOffer, int | None]:
    """An offer and whose convocations the account prints: every one (None) for the SIAE animatrice and
    admins, its own SIAE's (an id) for a counselor who enrolled someone in it."""
    offer = db.session.get(CourseOffer, offer_id)
    if offer is None or not current_user.is_authenticated:
        abort(404, "Cette formation n'existe pas.")
    if is_admin(current_user) or _of_animatrice(current_user, offer):
        return offer, None
    if may_print_offer_convocations(current_user, offer):
        return offer, current_user.siae_id
    abort(404, "Cette formation n'existe pas, ou elle n'est pas de votre région.")
