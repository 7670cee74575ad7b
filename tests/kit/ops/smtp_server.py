"""A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread), keeping what it receives, for the mail tests."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server received, and how it answers recipients (a 5xx code refuses them)."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "550 5.1.1 Utilisateur inconnu"

    async def handle_RCPT(  # noqa: N802 — aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    """A started server and its inbox; stop it with `controller.stop()`."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox
