"""Trial badges: the whole flow of issuing a badge tried on one laptop, never mistaken for a real badge.

Only an instance that `flask setup --demo` marked (instance/demo, read into BADGES_TRIAL by kit/config.py) and
whose PUBLIC_BASE_URL is unset issues them: on the server's own address (http://localhost:PORT) and with a demo
issuer e-mail. Such a badge cannot be verified once this computer is off, and each of its pages says so. A
production instance is never a demo one: it either has PUBLIC_BASE_URL, or issues nothing and says why.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import current_app

from kit.models import BadgeAssertion

TRIAL_ISSUER_EMAIL = "badges-essai@example.org"  # a reserved domain: nobody receives it
TRIAL_WARNING = "Badge d'essai : non vérifiable hors de cet ordinateur."
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def trial_mode() -> bool:
    """Whether badges issued now are trial ones: a demo instance, and no public address set."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    return bool(current_app.config.get("BADGES_TRIAL")) and not configured


def trial_base_url() -> str:
    """The address trial badges are built on: this server, on this computer."""
    return str(current_app.config["BADGES_TRIAL_URL"]).rstrip("/")


def is_trial_badge(assertion: BadgeAssertion) -> bool:
    """Whether this badge was issued on this computer's own address: its signed credential says where."""
    if not assertion.credential:
        return False  # erased: revoked, with nothing left to verify anyway
    try:
        identifier = json.loads(assertion.credential).get("id", "")
    except (ValueError, AttributeError):
        return False
    return (urlsplit(str(identifier)).hostname or "") in LOCAL_HOSTS
