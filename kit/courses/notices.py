"""The e-mails an enrolment sends: rows of the outbox (MailMessage), added in the enrolment's own transaction.

To the counselor who enrolled the person, and to the SIAE animatrice (its contact e-mail, when it has one).
Only what a convocation says: first name and initial, dates, place. Never a diagnostic detail.
The sender (another module) delivers them later, with retries.
"""

from __future__ import annotations

from kit.courses.times import local
from kit.extensions import db
from kit.models import CourseOffer, Enrolment, MailMessage, MailStatus

SUBJECTS = {
    "enrolled": "Inscription confirmée",
    "waiting": "Inscription en liste d'attente",
    "promoted": "Une place s'est libérée : inscription confirmée",
    "cancelled": "Inscription annulée",
}
LEADS = {
    "enrolled": "{name} est inscrit·e à la formation « Premiers pas numériques ».",
    "waiting": "La formation est complète : {name} est sur la liste d'attente. "
               "Si une place se libère, l'inscription passe automatiquement, dans l'ordre d'arrivée.",
    "promoted": "Une place s'est libérée : {name}, qui était sur la liste d'attente, est maintenant inscrit·e.",
    "cancelled": "L'inscription de {name} est annulée.",
}


def _schedule(offer: CourseOffer) -> list[str]:
    return [f"- demi-journée {h.number} : le {local(h.starts_at):%d/%m/%Y}, de {local(h.starts_at):%H:%M} "
            f"à {local(h.ends_at):%H:%M}" for h in offer.half_days]


def body_for(enrolment: Enrolment, kind: str) -> str:
    """The plain French text of one notice."""
    offer = enrolment.offer
    lines = ["Bonjour,", "", LEADS[kind].format(name=enrolment.employee.display_name), "",
             "La formation (4 demi-journées) :", *_schedule(offer), "",
             f"Lieu : {offer.place_name}, {offer.place_address}",
             f"Places : {offer.seats_taken} / {offer.capacity}",
             f"Pour prévenir d'une absence : {offer.contact_phone}", "",
             "Ce message est envoyé par le Kit Animateur."]
    return "\n".join(lines)


def queue_notice(enrolment: Enrolment, kind: str) -> list[MailMessage]:
    """Add the notices of this event to the outbox (not committed: the caller's transaction carries them)."""
    offer = enrolment.offer
    db.session.refresh(offer, ["seats_taken"])  # moved by a conditional UPDATE, not by the ORM
    addresses = []
    if enrolment.enrolled_by is not None and enrolment.enrolled_by.email:
        addresses.append(enrolment.enrolled_by.email)
    if offer.siae.contact_email and offer.siae.contact_email not in addresses:
        addresses.append(offer.siae.contact_email)
    first = local(offer.half_days[0].starts_at) if offer.half_days else None
    subject = f"{SUBJECTS[kind]} : {enrolment.employee.display_name}" + (
        f" — formation du {first:%d/%m/%Y}" if first else "")
    messages = [MailMessage(to_address=address, subject=subject[:200], body=body_for(enrolment, kind), kind=kind,
                            status=MailStatus.PENDING.value) for address in addresses]
    db.session.add_all(messages)
    return messages
