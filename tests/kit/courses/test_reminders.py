"""The reminder: two days before the first half-day, to each enrolled person's counselor and to the SIAE
animatrice, once only, with the .ics; then delivered by the outbox to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import sqlalchemy as sa
from flask import Flask

from kit.courses.reminders import queue_reminders
from kit.extensions import db
from kit.models import EnrolmentStatus, MailMessage, MailStatus, OfferStatus
from kit.ops.outbox import run_pass
from tests.conftest import free_port, make_app
from tests.kit.courses.mail_world import FIRST, enrol, make_world
from tests.kit.diagnostic.support import make_employee
from tests.kit.ops.smtp_server import start_smtp


def messages() -> list[MailMessage]:
    return list(db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)))


def test_queued_two_days_before_once_only(app: Flask) -> None:
    with app.app_context():
        world = make_world()
        assert queue_reminders(FIRST - timedelta(days=2, minutes=1)) == 0  # not yet
        assert queue_reminders(FIRST - timedelta(days=2)) == 3
        assert queue_reminders(FIRST - timedelta(days=1)) == 0  # once only
        sent = messages()
        assert sorted(m.to_address for m in sent) == ["cip-nord@test.fr", "cip-nord@test.fr", "contact-atelier@test.fr"]
        assert {m.kind for m in sent} == {"reminder"}
        assert all(m.status == MailStatus.UNSENT for m in sent)  # no server in this app
        counselor = [m for m in sent if m.to_address == "cip-nord@test.fr"]
        assert {m.subject for m in counselor} == {"Rappel : formation smartphone de Karim B. le mardi 9 mars 2027",
                                                  "Rappel : formation smartphone de Awa B. le mardi 9 mars 2027"}
        body = counselor[0].body
        assert "mardi 9 mars 2027, de 9 h 30 à 12 h 30" in body and "vendredi 12 mars 2027" in body
        assert "Salle des fêtes, 3 rue de la Paix" in body and "03 20 00 00 00" in body
        assert "Bintou" not in " ".join(m.body for m in sent)  # on the waiting list
        animatrice = next(m for m in sent if m.to_address == "contact-atelier@test.fr")
        assert "2 personne(s) inscrite(s) : Karim B., Awa B." in animatrice.body
        for message in sent:
            assert message.ics is not None
            assert len(list(icalendar.Calendar.from_ical(message.ics).walk("VEVENT"))) == 4
        assert world.offer.id


def test_none_once_started_or_for_a_cancelled_offer(app: Flask) -> None:
    with app.app_context():
        world = make_world()
        assert queue_reminders(FIRST + timedelta(minutes=1)) == 0
        world.offer.status = OfferStatus.CANCELLED.value
        db.session.commit()
        assert queue_reminders(FIRST - timedelta(days=1)) == 0
        assert messages() == []


def test_a_late_enrolment_has_had_its_own_mail(app: Flask) -> None:
    """Enrolled inside the two days: the enrolment e-mail has just said everything."""
    with app.app_context():
        world = make_world()
        late = enrol(world.offer, make_employee(world.orientatrice, "Lucie"), world.counselor,
                     at=FIRST - timedelta(days=1))
        assert queue_reminders(FIRST - timedelta(hours=20)) == 3
        assert "Lucie" not in " ".join(m.subject for m in messages())
        assert late.status == EnrolmentStatus.ENROLLED


def test_reminders_go_out_over_smtp(database: str) -> None:
    port = free_port()
    controller, inbox = start_smtp(port)
    try:
        app = make_app(database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none",
                       MAIL_FROM="kit@test.fr")
        with app.app_context():
            make_world()
            done = run_pass(lambda: queue_reminders(FIRST - timedelta(days=1)))
            assert done.sent == 3
            assert all(m.status == MailStatus.SENT for m in messages())
    finally:
        controller.stop()
    subjects = sorted(str(message["Subject"]) for _, _, message in inbox.received)
    assert subjects[-1] == "Rappel : votre formation commence le mardi 9 mars 2027"
    for _, _, message in inbox.received:
        calendars = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert len(calendars) == 1


def test_a_counselor_gone_is_replaced_by_their_siae(app: Flask) -> None:
    with app.app_context():
        world = make_world()
        world.counselor.active = False
        world.orientatrice.contact_email = "contact-regie@test.fr"
        db.session.commit()
        assert queue_reminders(FIRST - timedelta(days=1)) == 3
        assert sorted(m.to_address for m in messages()) == ["contact-atelier@test.fr", "contact-regie@test.fr",
                                                            "contact-regie@test.fr"]
