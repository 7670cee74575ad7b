"""Issuing and revoking badges, and erasing a participant's personal data.

A badge is issued once its criteria are all met, and only under a public base URL:
its identifiers must stay verifiable once the laptop that issued it is off. A demo instance
issues trial badges instead, on its own address (kit/badges/trial.py).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from kit.badges.criteria import BadgeClassSpec, badge_classes, class_for, earned, evaluate
from kit.badges.evidence import badge_skills, evidence_for
from kit.badges.openbadges.documents import Issuer, Recipient, Urls, ob3_credential, timestamp
from kit.badges.openbadges.keys import SigningKey, load_or_create_key
from kit.badges.openbadges.ob3 import sign_credential
from kit.badges.openbadges.recipient import hash_identity, normalize_email, normalize_phone
from kit.badges.openbadges.results import dumps
from kit.badges.trial import TRIAL_ISSUER_EMAIL, trial_base_url, trial_mode
from kit.extensions import db
from kit.models import BadgeAssertion, Participant, ParticipantDevice, User, as_utc, utcnow
from kit.reports.figures import animator_history, participant_history

LOCAL_SUFFIXES = (".localhost", ".local", ".lan", ".home", ".internal", ".intranet", ".localdomain", ".home.arpa")
ERASED_REASON = "Données personnelles effacées à la demande de la personne."
TRY_IT = ("Pour seulement essayer sur cet ordinateur, `flask --app kit setup --demo` active les badges d'essai "
          "(docs/badges.md).")


class IssuanceError(Exception):
    """A badge cannot be issued (or revoked); `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_local_host(host: str) -> bool:
    """A host nobody outside this network can reach: a private, loopback or link-local address, or a LAN name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(LOCAL_SUFFIXES) or "." not in host
    return not address.is_global


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def public_base_url() -> str:
    """The configured public base URL of the badges, or an IssuanceError saying what to do."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not configured and trial_mode():
        return trial_base_url()
    if not configured:
        raise IssuanceError("Les badges ne peuvent pas encore être délivrés : l'adresse publique du Kit "
                            "(PUBLIC_BASE_URL) n'est pas réglée. Demandez à la personne qui installe le Kit "
                            f"de l'indiquer, par exemple https://kit.exemple.fr. {TRY_IT}")
    parts = urlsplit(configured)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or parts.query or parts.fragment:
        raise IssuanceError(f"L'adresse publique du Kit (PUBLIC_BASE_URL = {configured}) n'est pas une adresse "
                            "web valide : indiquez par exemple https://kit.exemple.fr.")
    if _is_local_host(host) and not (current_app.config.get("BADGES_ALLOW_LOOPBACK") and _is_loopback(host)):
        raise IssuanceError(f"L'adresse publique du Kit ({configured}) est une adresse locale : personne ne "
                            "pourrait vérifier le badge une fois cet ordinateur éteint. Indiquez l'adresse "
                            "publique du Kit sur Internet (PUBLIC_BASE_URL).")
    return configured


def issuer() -> Issuer:
    """The issuer profile, from the configuration."""
    base = public_base_url()  # the address first: without it, nothing else matters
    email = current_app.config.get("BADGE_ISSUER_EMAIL") or (TRIAL_ISSUER_EMAIL if trial_mode() else None)
    if not email:
        raise IssuanceError("Les badges ne peuvent pas encore être délivrés : l'adresse e-mail de l'émetteur "
                            "(BADGE_ISSUER_EMAIL) n'est pas réglée. Demandez à la personne qui installe le Kit "
                            f"de l'indiquer, par exemple badges@kit.exemple.fr. {TRY_IT}")
    return Issuer(name=issuer_name(), url=current_app.config.get("BADGE_ISSUER_URL") or base,
                  email=email, description="Formation « bases du smartphone » : 14 heures animées par des pairs "
                                           "dans les structures de l'insertion par l'activité économique.")


def issuer_name() -> str:
    """The issuer's name; a trial badge's says so, in the signed credential too."""
    name = str(current_app.config["BADGE_ISSUER_NAME"])
    return f"{name} (essai, non vérifiable)" if trial_mode() else name


@dataclass(frozen=True)
class Readiness:
    """Whether badges can be issued now, told before any form: `problem` says why not and what to do."""

    problem: str | None
    trial: bool = False
    base_url: str | None = None


def readiness() -> Readiness:
    """What the pages leading to issuing a badge say first (the same checks as issuing it)."""
    try:
        issuer()
        return Readiness(None, trial_mode(), public_base_url())
    except IssuanceError as error:
        return Readiness(error.message)


def signing_key() -> SigningKey:
    """The issuer's Ed25519 key (created at first run in the instance folder)."""
    path = Path(current_app.config["BADGE_SIGNING_KEY_FILE"])
    keys: dict[Path, SigningKey] = current_app.extensions.setdefault("kit_badge_keys", {})
    if path not in keys:
        keys[path] = load_or_create_key(path)
    return keys[path]


def badge_spec(assertion: BadgeAssertion) -> BadgeClassSpec:
    """The badge class of an assertion."""
    return badge_classes()[assertion.badge_slug]


def recipient(assertion: BadgeAssertion) -> Recipient:
    """The hashed identity of an assertion."""
    if assertion.recipient_hash is None or assertion.salt is None:
        raise IssuanceError("Ce badge n'a plus de destinataire : ses données personnelles ont été effacées.")
    return Recipient(assertion.recipient_type, assertion.recipient_hash, assertion.salt)


def active_assertion(slug: str, *, animator_id: int | None = None,
                     participant_id: int | None = None) -> BadgeAssertion | None:
    """The badge of this class already issued, and not revoked, to this animator or participant."""
    query = sa.select(BadgeAssertion).where(BadgeAssertion.badge_slug == slug, BadgeAssertion.revoked_at.is_(None))
    if animator_id is not None:
        query = query.where(BadgeAssertion.animator_id == animator_id)
    else:
        query = query.where(BadgeAssertion.participant_id == participant_id)
    return db.session.scalar(query)


def _issue(spec: BadgeClassSpec, *, name: str, identity_type: str, identity: str | None, issued_by: User,
           animator: User | None = None, participant: Participant | None = None) -> BadgeAssertion:
    """Create the assertion and sign its OB 3.0 credential, with the skills observed it carries, in one commit."""
    urls = Urls(public_base_url())
    profile = issuer()
    uid = secrets.token_hex(16)
    salt = secrets.token_hex(16)
    # With no e-mail and no phone, the participant is identified by their certificate's address.
    identity = identity if identity is not None else urls.verify(uid)
    assertion = BadgeAssertion(uid=uid, badge_slug=spec.slug, animator_id=animator.id if animator else None,
                               participant_id=participant.id if participant else None, recipient_name=name,
                               recipient_type=identity_type, recipient_hash=hash_identity(identity, salt), salt=salt,
                               issued_on=utcnow().replace(microsecond=0), issued_by_id=issued_by.id)
    evidence = evidence_for(spec, participant.id) if participant else []
    assertion.evidence = dumps(evidence) if evidence else None
    key = signing_key()
    issued_on = as_utc(assertion.issued_on)
    document = ob3_credential(urls, uid, profile, spec, recipient(assertion), issued_on,
                              skills=badge_skills(spec), evidence=evidence)
    credential = sign_credential(document, key, urls.key(key.key_id), timestamp(issued_on))
    assertion.credential = json.dumps(credential, ensure_ascii=False)
    db.session.add(assertion)
    db.session.commit()
    return assertion


def issue_animator_badge(animator: User, issued_by: User) -> BadgeAssertion:
    """Issue « Animateur·rice numérique pair·e », if every criterion is met and it was not issued yet."""
    spec = class_for("animator")
    if not earned(evaluate(spec, animator_history(animator.id))):
        raise IssuanceError("Le badge ne peut pas être délivré : tous ses critères ne sont pas encore remplis.")
    if active_assertion(spec.slug, animator_id=animator.id):
        raise IssuanceError(f"{animator.name} a déjà ce badge.")
    return _issue(spec, name=animator.name, identity_type="email", identity=normalize_email(animator.email),
                  issued_by=issued_by, animator=animator)


def issue_participant_badge(participant: Participant, issued_by: User, name: str = "", email: str = "",
                            phone: str = "") -> BadgeAssertion:
    """Issue « Premiers pas sur smartphone » to a participant; the e-mail or phone number is optional."""
    spec = class_for("participant")
    if participant.erased_at is not None:
        raise IssuanceError("Les données de cette personne ont été effacées : le badge ne peut plus être délivré.")
    if not earned(evaluate(spec, participant_history(participant.id))):
        raise IssuanceError("Le badge ne peut pas être délivré : tous ses critères ne sont pas encore remplis.")
    if active_assertion(spec.slug, participant_id=participant.id):
        raise IssuanceError(f"{participant.nickname} a déjà ce badge.")
    if email.strip() and phone.strip():
        raise IssuanceError("Indiquez l'e-mail ou le numéro de téléphone, pas les deux.")
    identity_type, identity = "url", None
    if email.strip():
        identity_type, identity = "email", normalize_email(email)
    elif phone.strip():
        identity = normalize_phone(phone)
        if identity is None:
            raise IssuanceError("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78.")
        identity_type = "telephone"
    return _issue(spec, name=" ".join(name.split()) or participant.nickname, identity_type=identity_type,
                  identity=identity, issued_by=issued_by, participant=participant)


def revoke(assertion: BadgeAssertion, reason: str) -> None:
    """Withdraw a badge: its public addresses then answer that it is revoked (HTTP 410)."""
    if assertion.revoked_at is None:
        assertion.revoked_at = utcnow()
        assertion.revocation_reason = " ".join(reason.split())[:200] or "Badge retiré par l'émetteur."
        db.session.commit()


def erase_participant(participant: Participant) -> None:
    """Erase what is personal about a participant; attendance and answers stay, so the figures do.

    Their badges are revoked and lose their name and hashed identity; their nickname becomes
    a neutral placeholder; their phones' cookies go. Their observed skills stay, without a name, as their answers.
    """
    now = utcnow()
    for assertion in db.session.scalars(sa.select(BadgeAssertion).where(
            BadgeAssertion.participant_id == participant.id)):
        if assertion.revoked_at is None:
            assertion.revoked_at = now
            assertion.revocation_reason = ERASED_REASON
        assertion.recipient_name = None
        assertion.recipient_hash = None
        assertion.salt = None
        assertion.credential = None
        assertion.evidence = None
    db.session.execute(sa.delete(ParticipantDevice).where(ParticipantDevice.participant_id == participant.id))
    participant.nickname = f"Anonyme {participant.id}"
    participant.nickname_key = f"anonyme {participant.id}"
    participant.erased_at = now
    db.session.commit()
