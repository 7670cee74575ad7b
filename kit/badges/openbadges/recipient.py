"""The recipient of a badge: an identity (e-mail, phone number or URL) stored only as a salted hash."""

from __future__ import annotations

import hashlib
import re

PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
OB3_IDENTITY_TYPES = {"email": "emailAddress", "telephone": "ext:phoneNumber", "url": "identifier"}


def hash_identity(identity: str, salt: str) -> str:
    """The Open Badges hash: "sha256$" + hex(sha256(identity + salt))."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    """An e-mail as verifiers will type it: trimmed, lower case."""
    return email.strip().lower()


def normalize_phone(phone: str) -> str | None:
    """A phone number in E.164 ("+33612345678"), French numbers understood; None when it is not one."""
    digits = re.sub(r"[\s.\-()/]", "", phone.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif re.fullmatch(r"0[1-9]\d{8}", digits):
        digits = "+33" + digits[1:]
    return digits if PHONE.match(digits) else None
