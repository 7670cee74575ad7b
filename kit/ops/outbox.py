"""The outbox: queue a message as a row, and send the due rows later, with retries, from the background.

A request or a live event only calls `queue_mail` (one INSERT). `send_due` delivers what is due: it is
run by a greenlet of each serving process (`start`, from run.py's prepare_process) and by `flask mail send`
(cron). Several processes may run it at once: each row is first *claimed* by a conditional UPDATE that
only one of them can win (same attempts count, still due), which also pushes its next attempt a lease
away, so a process that dies mid-send leaves the row to be retried, never lost. Under gevent the SMTP
exchange is cooperative (patched sockets): it waits without holding the loop, and MAIL_TIMEOUT bounds it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import gevent
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from kit.extensions import db
from kit.models import MailMessage, MailStatus
from kit.models.base import utcnow
from kit.ops.smtp import SmtpSettings, build_message, deliver, describe, is_permanent, mail_enabled

log = logging.getLogger("kit.mail")

# Seconds before the next attempt, after the 1st, 2nd… failure: about five hours in all.
BACKOFF = (60, 300, 900, 3600, 14400, 43200)
LEASE = timedelta(minutes=15)  # a claimed row comes back due after this, if its process died while sending
BATCH = 50
PURGE_EVERY = 3600.0  # seconds between two purges by a serving process


def queue_mail(to: str, subject: str, body: str, kind: str, ics: str | None = None,
               dedupe_key: str | None = None) -> MailMessage | None:
    """Add a message to the outbox (in the caller's transaction, flushed, not committed).

    Without an SMTP server it is kept as UNSENT. With a `dedupe_key` already used, nothing is added and
    None is returned: a reminder goes once only, even when two processes queue it at once.
    """
    status = MailStatus.PENDING if mail_enabled() else MailStatus.UNSENT
    message = MailMessage(to_address=to.strip()[:254], subject=subject[:200], body=body, ics=ics, kind=kind,
                          dedupe_key=dedupe_key, status=status.value, attempts=0, next_attempt_at=utcnow())
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    if db.session.scalar(sa.select(MailMessage.id).where(MailMessage.dedupe_key == dedupe_key)) is not None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # another process queued the same one in between
        return None
    return message


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return timedelta(seconds=BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def claim(message_id: int, attempts: int, now: datetime) -> bool:
    """Take a due message for this process: True for exactly one of the processes that try."""
    result = db.session.execute(
        sa.update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.status == MailStatus.PENDING.value,
               MailMessage.attempts == attempts, MailMessage.next_attempt_at <= now)
        .values(attempts=attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


@dataclass
class Pass:
    """What one pass of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0  # pending messages kept as UNSENT because no server is configured


def send_due(settings: SmtpSettings | None = None, now: datetime | None = None, limit: int = BATCH,
             send: Callable[[SmtpSettings, EmailMessage], None] | None = None) -> Pass:
    """Send the messages due now; without a server, mark the pending ones UNSENT. Needs an app context."""
    settings = settings or SmtpSettings.from_config(current_app.config)
    done = Pass()
    if settings is None:
        pending = sa.select(MailMessage.id).where(MailMessage.status == MailStatus.PENDING.value).limit(1)
        if db.session.scalar(pending) is None:  # the usual case: no write at all
            db.session.rollback()
            return done
        result = db.session.execute(sa.update(MailMessage).where(MailMessage.status == MailStatus.PENDING.value)
                                    .values(status=MailStatus.UNSENT.value).execution_options(synchronize_session=False))
        db.session.commit()
        done.held = int(getattr(result, "rowcount", 0) or 0)
        return done
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS") or len(BACKOFF))
    now = now or utcnow()
    due = db.session.execute(
        sa.select(MailMessage.id, MailMessage.attempts)
        .where(MailMessage.status == MailStatus.PENDING.value, MailMessage.next_attempt_at <= now)
        .order_by(MailMessage.next_attempt_at, MailMessage.id).limit(limit)).all()
    db.session.rollback()
    for message_id, attempts in due:
        if not claim(message_id, attempts, now):
            continue  # another process has it
        row = db.session.get(MailMessage, message_id)
        if row is None:
            continue
        email = build_message(settings.sender, row.to_address, row.subject, row.body, row.ics)
        db.session.rollback()  # no transaction held while the SMTP server answers
        try:
            (send or deliver)(settings, email)
        except Exception as error:  # smtplib's errors, OSError, timeouts: all retried or given up
            outcome = _failed(message_id, attempts + 1, error, max_attempts)
            if outcome == MailStatus.FAILED:
                done.failed += 1
            else:
                done.retried += 1
            continue
        _mark(message_id, status=MailStatus.SENT.value, sent_at=utcnow(), last_error=None)
        done.sent += 1
    return done


def _failed(message_id: int, attempts: int, error: BaseException, max_attempts: int) -> MailStatus:
    reason = describe(error)
    give_up = attempts >= max_attempts or is_permanent(error)
    if give_up:
        _mark(message_id, status=MailStatus.FAILED.value, last_error=reason)
        log.warning("courriel %s abandonné après %s essai(s) : %s", message_id, attempts, reason,
                    extra={"mail_id": message_id, "attempts": attempts})
        return MailStatus.FAILED
    _mark(message_id, next_attempt_at=utcnow() + backoff(attempts), last_error=reason)
    log.info("courriel %s non envoyé (essai %s), nouvel essai plus tard : %s", message_id, attempts, reason,
             extra={"mail_id": message_id, "attempts": attempts})
    return MailStatus.PENDING


def _mark(message_id: int, **values: object) -> None:
    db.session.execute(sa.update(MailMessage).where(MailMessage.id == message_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def purge(days: int, now: datetime | None = None) -> int:
    """Forget the messages done with (sent, failed, unsent) for more than `days` days: they name people."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(
        sa.delete(MailMessage).where(MailMessage.status != MailStatus.PENDING.value, MailMessage.created_at < cutoff)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def run_pass(before: Callable[[], object] | None = None, purging: bool = True) -> Pass:
    """One pass in an app context: first `before` (the courses' reminders), then the due messages, then
    (when `purging`) the old ones forgotten."""
    if before is not None:
        before()
    done = send_due()
    if purging:
        purge(int(current_app.config.get("MAIL_KEEP_DAYS") or 0))
    return done


def start(app: Flask, period: float, before: Callable[[], object] | None = None) -> gevent.Greenlet | None:
    """Send from a greenlet of this serving process every `period` seconds; None with a period of 0."""
    if period <= 0:
        return None
    return gevent.spawn(_forever, app, period, before)


def _forever(app: Flask, period: float, before: Callable[[], object] | None) -> None:
    purged_at = 0.0
    while True:
        gevent.sleep(period)
        purging = time.monotonic() - purged_at > PURGE_EVERY
        with app.app_context():
            try:
                done = run_pass(before, purging)
                purged_at = time.monotonic() if purging else purged_at
            except Exception:  # the database is away for a moment: the next pass tries again
                log.exception("passe d'envoi des courriels impossible")
                db.session.rollback()
                continue
        if done.sent or done.failed:
            log.info("courriels : %s envoyé(s), %s en attente d'un nouvel essai, %s abandonné(s)",
                     done.sent, done.retried, done.failed, extra={"mail_sent": done.sent, "mail_failed": done.failed})
