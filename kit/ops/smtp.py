"""The SMTP settings, and one message built and handed to an SMTP server.

The standard library's smtplib and email.message do it all (STARTTLS, SSL, login, a MIME attachment):
nothing to add to the dependencies, and no Flask extension whose `send` would run inside the request
(Flask-Mail sends synchronously, which is exactly what a slow server must never do here). Only the
background sender (kit/ops/outbox.py) and `flask mail test` call `deliver`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app, has_app_context


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, from MAIL_* (kit/config.py)."""

    server: str
    port: int
    security: str  # starttls, ssl or none
    username: str | None
    password: str | None
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """The settings, or None when no MAIL_SERVER is configured (nothing is sent then)."""
        server = (config.get("MAIL_SERVER") or "").strip()
        if not server:
            return None
        username = config.get("MAIL_USERNAME") or None
        sender = config.get("MAIL_FROM") or username or f"kit-animateur@{server}"
        return cls(server=server, port=int(config.get("MAIL_PORT") or 587),
                   security=str(config.get("MAIL_SECURITY") or "starttls").lower(), username=username,
                   password=config.get("MAIL_PASSWORD") or None, sender=str(sender),
                   timeout=float(config.get("MAIL_TIMEOUT") or 30))


def mail_enabled(config: Mapping[str, Any] | None = None) -> bool:
    """Whether an SMTP server is configured: the pages that queue mail say so when it is not."""
    if config is None:
        if not has_app_context():
            return False
        config = current_app.config
    return SmtpSettings.from_config(config) is not None


def build_message(sender: str, to: str, subject: str, body: str, ics: str | None = None,
                  ics_name: str = "formation.ics") -> EmailMessage:
    """A plain-text French e-mail, with the calendar attached as text/calendar when there is one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()  # built when it is sent: the date of this attempt
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office reply to a notification
    message.set_content(body, charset="utf-8")
    if ics:
        # REQUEST/PUBLISH lines are kept as written (CRLF, folded): RFC 5545 wants them byte for byte.
        message.add_attachment(ics.encode(), maintype="text", subtype="calendar", filename=ics_name,
                               params={"method": "PUBLISH", "charset": "utf-8"})
    return message


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the server; smtplib's exceptions (and OSError) tell what went wrong."""
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.username and settings.password:
            client.login(settings.username, settings.password)
        client.send_message(message)


def is_permanent(error: BaseException) -> bool:
    """A refusal that a retry cannot change (a 5xx about the recipient or the message)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPAuthenticationError):
        return 500 <= error.smtp_code < 600 and isinstance(error, smtplib.SMTPDataError | smtplib.SMTPSenderRefused)
    return False


def describe(error: BaseException) -> str:
    """What went wrong, short, for the outbox page (never the password)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"destinataire refusé ({code} {_text(text)})"[:300]
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "identifiant ou mot de passe SMTP refusé (MAIL_USERNAME, MAIL_PASSWORD)"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"refus du serveur ({error.smtp_code} {_text(error.smtp_error)})"[:300]
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "le serveur ne propose pas STARTTLS : essayez MAIL_SECURITY=ssl (port 465)"
    if isinstance(error, ssl.SSLError):
        return f"échec du chiffrement TLS avec le serveur SMTP (certificat, MAIL_SECURITY ?) : {error}"[:300]
    if isinstance(error, TimeoutError):
        return "le serveur SMTP n'a pas répondu à temps"
    if isinstance(error, OSError):
        return f"serveur SMTP injoignable ({error.strerror or error})"[:300]
    return f"{type(error).__name__} : {error}"[:300]


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value
