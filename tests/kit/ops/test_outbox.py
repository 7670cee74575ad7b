"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): delivery, retries, giving up, claims."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.models import MailMessage, MailStatus, Role
from kit.models.base import as_utc, utcnow
from kit.ops.outbox import BACKOFF, claim, queue_mail, run_pass, send_due
from kit.ops.smtp import SmtpSettings
from tests.conftest import free_port, make_app
from tests.factories import login, make_user
from tests.kit.ops.smtp_server import Inbox, start_smtp, start_starttls_smtp

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\nUID:1@test\r\n" \
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270309T083000Z\r\nDTEND:20270309T113000Z\r\nSUMMARY:Formation\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield port, inbox
    controller.stop()


def mail_app(database: str, port: int, **overrides: object) -> Flask:
    return make_app(database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none",
                    MAIL_FROM="Kit Animateur <kit@test.fr>", MAIL_TIMEOUT=5, **overrides)


def test_a_queued_message_reaches_the_smtp_server(database: str, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    app = mail_app(database, port)
    with app.app_context():
        queued = queue_mail("cip-nord@test.fr", "Inscription de Karim B. à la formation",
                            "Bonjour,\n\nKarim B. est inscrit·e à la formation « Bases du smartphone ».",
                            "enrolled", ICS)
        assert queued is not None and queued.status == MailStatus.PENDING
        db.session.commit()
        done = send_due()
        row = db.session.get(MailMessage, queued.id)
        assert row is not None
        assert (done.sent, row.status, row.attempts, row.last_error) == (1, MailStatus.SENT, 1, None)
        assert row.sent_at is not None
    assert len(inbox.received) == 1
    sender, recipients, message = inbox.received[0]
    assert sender == "kit@test.fr" and recipients == ["cip-nord@test.fr"]
    assert message["Subject"] == "Inscription de Karim B. à la formation"
    assert message["Date"] and message["Message-ID"].endswith("@test.fr>")
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",))
    assert body is not None and "inscrit·e à la formation « Bases du smartphone »" in body.get_content()
    attachments = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(attachments) == 1 and attachments[0].get_filename() == "formation.ics"
    ics = attachments[0].get_payload(decode=True)
    assert isinstance(ics, bytes) and ics.decode() == ICS  # byte for byte, CRLF kept
    assert len(list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))) == 1


def test_without_a_server_nothing_is_sent(database: str) -> None:
    app = make_app(database)
    with app.app_context():
        kept = queue_mail("cip-nord@test.fr", "Sujet", "Corps", "enrolled")
        assert kept is not None and kept.status == MailStatus.UNSENT
        pending = MailMessage(to_address="x@test.fr", subject="s", body="b", kind="enrolled")  # queued by hand
        db.session.add(pending)
        db.session.commit()
        done = send_due()
        assert done.held == 1 and done.sent == 0
        assert db.session.get(MailMessage, pending.id).status == MailStatus.UNSENT  # type: ignore[union-attr]


def test_a_server_down_is_retried_with_backoff_then_given_up(database: str) -> None:
    app = mail_app(database, free_port(), MAIL_MAX_ATTEMPTS=3)  # nobody listens there
    with app.app_context():
        message = queue_mail("cip-nord@test.fr", "Sujet", "Corps", "enrolled")
        assert message is not None
        db.session.commit()
        message_id, now = message.id, utcnow()
        for attempt in (1, 2):
            done = send_due(now=now)
            row = db.session.get(MailMessage, message_id)
            assert row is not None
            assert (done.retried, row.status, row.attempts) == (1, MailStatus.PENDING, attempt)
            assert row.last_error and "injoignable" in row.last_error
            wait = as_utc(row.next_attempt_at) - utcnow()
            assert timedelta(seconds=BACKOFF[attempt - 1] - 5) < wait <= timedelta(seconds=BACKOFF[attempt - 1])
            assert send_due(now=now).retried == 0  # not due again before its time
            now = as_utc(row.next_attempt_at) + timedelta(seconds=1)
        done = send_due(now=now)
        row = db.session.get(MailMessage, message_id)
        assert row is not None
        assert (done.failed, row.status, row.attempts) == (1, MailStatus.FAILED, 3)
        assert send_due(now=now + timedelta(days=2)).failed == 0  # never tried again


def test_a_refused_recipient_is_given_up_at_once(database: str, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    inbox.refuse_with = "550 5.1.1 Utilisateur inconnu"
    app = mail_app(database, port)
    with app.app_context():
        message = queue_mail("personne@test.fr", "Sujet", "Corps", "enrolled")
        assert message is not None
        db.session.commit()
        assert send_due().failed == 1
        row = db.session.get(MailMessage, message.id)
        assert row is not None and row.status == MailStatus.FAILED and row.attempts == 1
        assert row.last_error and "destinataire refusé (550" in row.last_error
    assert inbox.received == []


def test_a_row_is_claimed_by_one_process_only(database: str) -> None:
    app = mail_app(database, free_port())
    with app.app_context():
        message = queue_mail("a@test.fr", "Sujet", "Corps", "enrolled")
        assert message is not None
        db.session.commit()
        now = utcnow()
        assert claim(message.id, 0, now) is True
        assert claim(message.id, 0, now) is False  # the same attempt, seen by a second process
        assert claim(message.id, 1, now) is False  # no longer due: leased for a while


def test_two_senders_at_once_send_each_message_once(database: str) -> None:
    app = mail_app(database, free_port())
    with app.app_context():
        for index in range(12):
            queue_mail(f"p{index}@test.fr", "Sujet", "Corps", "enrolled")
        db.session.commit()
    delivered: list[str] = []
    lock = threading.Lock()

    def record(_settings: SmtpSettings, message: EmailMessage) -> None:
        with lock:
            delivered.append(str(message["To"]))

    def sender() -> None:
        with app.app_context():
            send_due(send=record)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(delivered) == sorted(f"p{index}@test.fr" for index in range(12))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(MailMessage.status == MailStatus.SENT)) == 12


def test_a_dedupe_key_queues_once(database: str) -> None:
    app = mail_app(database, free_port())
    with app.app_context():
        assert queue_mail("a@test.fr", "Rappel", "Corps", "reminder", dedupe_key="reminder:enrolment:1") is not None
        assert queue_mail("a@test.fr", "Rappel", "Corps", "reminder", dedupe_key="reminder:enrolment:1") is None
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 1


def test_cli_send_and_test(database: str, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    app = mail_app(database, port)
    with app.app_context():
        queue_mail("cip-nord@test.fr", "Sujet", "Corps", "enrolled")
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 courriel(s) envoyé(s)" in result.output
    result = runner.invoke(args=["mail", "test", "admin@test.fr"])
    assert result.exit_code == 0 and "Courriel d'essai envoyé à admin@test.fr" in result.output
    assert [r for _, r, _ in inbox.received] == [["cip-nord@test.fr"], ["admin@test.fr"]]
    assert inbox.received[1][2]["Subject"] == "Kit Animateur : courriel d'essai"


def test_cli_without_a_server_says_so(database: str) -> None:
    runner = make_app(database).test_cli_runner()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Aucun serveur d'e-mail configuré" in result.output
    result = runner.invoke(args=["mail", "test", "admin@test.fr"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output


def test_cli_test_reports_a_server_down(database: str) -> None:
    result = mail_app(database, free_port()).test_cli_runner().invoke(args=["mail", "test", "admin@test.fr"])
    assert result.exit_code == 1 and "injoignable" in result.output


def test_a_wrong_security_stops_the_start(database: str) -> None:
    with pytest.raises(ValueError, match="MAIL_SECURITY='tls'"):
        make_app(database, MAIL_SERVER="smtp.test.fr", MAIL_SECURITY="tls")


def test_the_pages_say_when_no_one_will_be_emailed(database: str) -> None:
    with make_app(database).app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
    for app, warned in ((make_app(database), True), (mail_app(database, free_port()), False)):
        client = app.test_client()
        login(client, "admin@test.fr")
        html = client.get("/admin/courriels/").get_data(as_text=True)
        assert ("Aucun serveur d'e-mail n'est configuré : personne ne sera prévenu par e-mail." in html) is warned
        response = client.post("/admin/courriels/essai", data={"address": "pas une adresse"})
        assert response.status_code == 400
        assert "Cette adresse e-mail n&#39;est pas valide." in response.get_data(as_text=True)


def test_starttls_and_login(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAIL_SECURITY=starttls: the server's certificate is checked, then the login, then the message."""
    port = free_port()
    controller, inbox, certificate = start_starttls_smtp(port, tmp_path, "kit@test.fr", "secret")
    trusted = ssl.create_default_context(cafile=str(certificate))
    monkeypatch.setattr("kit.ops.smtp.ssl.create_default_context", lambda: trusted)
    try:
        app = make_app(database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="starttls",
                       MAIL_USERNAME="kit@test.fr", MAIL_PASSWORD="secret", MAIL_TIMEOUT=5)
        wrong = make_app(database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="starttls",
                         MAIL_USERNAME="kit@test.fr", MAIL_PASSWORD="faux", MAIL_TIMEOUT=5)
        with wrong.app_context():
            queue_mail("cip@test.fr", "Sujet", "Corps", "enrolled")
            db.session.commit()
            assert send_due().retried == 1
            row = db.session.scalar(sa.select(MailMessage))
            assert row is not None and row.last_error and "mot de passe SMTP refusé" in row.last_error
        with app.app_context():
            assert send_due(now=utcnow() + timedelta(minutes=2)).sent == 1
    finally:
        controller.stop()
    assert [recipients for _, recipients, _ in inbox.received] == [["cip@test.fr"]]
    assert inbox.received[0][0] == "kit@test.fr"  # MAIL_FROM unset: MAIL_USERNAME


def test_an_untrusted_certificate_is_refused(database: str, tmp_path: Path) -> None:
    port = free_port()
    controller, inbox, _ = start_starttls_smtp(port, tmp_path, "kit@test.fr", "secret")
    try:
        app = make_app(database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USERNAME="kit@test.fr",
                       MAIL_PASSWORD="secret", MAIL_TIMEOUT=5)
        with app.app_context():
            queue_mail("cip@test.fr", "Sujet", "Corps", "enrolled")
            db.session.commit()
            assert send_due().retried == 1
            row = db.session.scalar(sa.select(MailMessage))
            assert row is not None and row.last_error and "chiffrement TLS" in row.last_error
    finally:
        controller.stop()
    assert inbox.received == []


def test_old_messages_are_forgotten_but_not_the_pending_ones(database: str) -> None:
    app = mail_app(database, free_port(), MAIL_KEEP_DAYS=90)
    with app.app_context():
        old, later = utcnow() - timedelta(days=91), utcnow() + timedelta(days=1)
        for status in (MailStatus.SENT, MailStatus.FAILED, MailStatus.UNSENT, MailStatus.PENDING):
            db.session.add(MailMessage(to_address="a@test.fr", subject="s", body="Karim B.", kind="enrolled",
                                       status=status.value, created_at=old, next_attempt_at=later))
        db.session.add(MailMessage(to_address="a@test.fr", subject="s", body="b", kind="enrolled",
                                   status=MailStatus.SENT.value))
        db.session.commit()
        run_pass()
        left = sorted(db.session.scalars(sa.select(MailMessage.status)))
        assert left == [MailStatus.PENDING, MailStatus.SENT]  # the recent one, and the one still to send


def test_the_outbox_page_lists_the_messages(database: str, smtp: tuple[int, Inbox]) -> None:
    port, _ = smtp
    app = mail_app(database, port)
    with app.app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
        queue_mail("cip@test.fr", "Inscription de Karim B.", "Corps", "enrolled")
        queue_mail("refus@test.fr", "Annulation de Awa B.", "Corps", "cancelled")
        db.session.commit()
        send_due()
    client = app.test_client()
    login(client, "admin@test.fr")
    html = client.get("/admin/courriels/").get_data(as_text=True)
    assert "Inscription de Karim B." in html and "Annulation de Awa B." in html and "annulation" in html
    assert "Envoyé : <strong>2</strong>" in html and "127.0.0.1:" in html
    assert "effacé après 90 jours" in html
    assert client.post("/admin/courriels/essai", data={"address": "essai@test.fr"}).status_code == 302
    assert "Courriel d&#39;essai mis dans la file" in client.get("/admin/courriels/").get_data(as_text=True)
