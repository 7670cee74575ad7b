"""The JSON documents of Open Badges 2.0 (hosted) and 3.0 (before signing), built from plain values.

Every identifier is an absolute URL on the public base URL, laid out by `Urls` (the routes of
kit/badges/views/public.py serve exactly these paths; a test checks that they match).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from kit.badges.openbadges.ob3 import CONTEXT_OB3, CONTEXT_VC2
from kit.badges.openbadges.recipient import OB3_IDENTITY_TYPES
from kit.badges.openbadges.results import SkillEvidence, ob2_evidence, ob3_evidence, ob3_results, result_descriptions

CONTEXT_OB2 = "https://w3id.org/openbadges/v2"


@dataclass(frozen=True)
class Urls:
    """The public addresses of the issuer, the badge classes, the assertions and the key."""

    base: str

    @property
    def issuer(self) -> str:
        """The issuer profile (OB 2.0 Issuer JSON)."""
        return f"{self.base}/badges/emetteur"

    def badge_class(self, slug: str) -> str:
        """A BadgeClass (OB 2.0) — also the OB 3.0 Achievement's id."""
        return f"{self.base}/badges/classes/{slug}"

    def criteria(self, slug: str) -> str:
        """The human page of a badge class's criteria."""
        return f"{self.base}/badges/classes/{slug}/criteres"

    def class_image(self, slug: str) -> str:
        """A badge class's image (PNG)."""
        return f"{self.base}/badges/classes/{slug}/image.png"

    def assertion(self, uid: str) -> str:
        """A hosted OB 2.0 Assertion."""
        return f"{self.base}/badges/assertions/{uid}"

    def baked_png(self, uid: str) -> str:
        """The assertion baked in a PNG."""
        return f"{self.base}/badges/assertions/{uid}/badge.png"

    def baked_svg(self, uid: str) -> str:
        """The assertion baked in an SVG."""
        return f"{self.base}/badges/assertions/{uid}/badge.svg"

    def credential(self, uid: str) -> str:
        """The signed OB 3.0 credential (JSON)."""
        return f"{self.base}/badges/credentials/{uid}"

    def credential_png(self, uid: str) -> str:
        """The OB 3.0 credential baked in a PNG."""
        return f"{self.base}/badges/credentials/{uid}/badge.png"

    def verify(self, uid: str) -> str:
        """The French verification page (what the certificate's QR code opens)."""
        return f"{self.base}/badges/verifier/{uid}"

    def key(self, key_id: str) -> str:
        """The issuer's public key, as a Multikey document (the proofs' verificationMethod)."""
        return f"{self.base}/badges/cles/{key_id}"


@dataclass(frozen=True)
class Issuer:
    """Who issues the badges."""

    name: str
    url: str
    email: str
    description: str = ""


class BadgeClassLike(Protocol):
    """What the documents need of a badge class (kit.badges.criteria.BadgeClassSpec)."""

    # Read-only, as the frozen dataclass's fields are.
    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def achievement_type(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def narrative(self) -> str: ...


@dataclass(frozen=True)
class Recipient:
    """A hashed recipient identity."""

    type: str  # "email", "telephone" or "url"
    identity_hash: str
    salt: str


def timestamp(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp to the second, as both specifications expect."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ob2_issuer(urls: Urls, issuer: Issuer) -> dict[str, Any]:
    """The OB 2.0 Issuer profile."""
    document = {"@context": CONTEXT_OB2, "type": "Issuer", "id": urls.issuer, "name": issuer.name,
                "url": issuer.url, "email": issuer.email}
    if issuer.description:
        document["description"] = issuer.description
    return document


def ob2_badge_class(urls: Urls, badge: BadgeClassLike) -> dict[str, Any]:
    """The OB 2.0 BadgeClass."""
    return {"@context": CONTEXT_OB2, "type": "BadgeClass", "id": urls.badge_class(badge.slug), "name": badge.name,
            "description": badge.description, "image": urls.class_image(badge.slug),
            "criteria": {"id": urls.criteria(badge.slug), "narrative": badge.narrative},
            "issuer": urls.issuer, "tags": list(badge.tags)}


def ob2_assertion(urls: Urls, uid: str, badge: BadgeClassLike, recipient: Recipient,
                  issued_on: datetime, evidence: list[SkillEvidence] | None = None) -> dict[str, Any]:
    """The hosted OB 2.0 Assertion: its id is its own URL, on the issuer's origin; the skills observed as evidence."""
    document: dict[str, Any] = {"@context": CONTEXT_OB2, "type": "Assertion", "id": urls.assertion(uid),
                "recipient": {"type": recipient.type, "hashed": True, "salt": recipient.salt,
                              "identity": recipient.identity_hash},
                "badge": urls.badge_class(badge.slug), "verification": {"type": "hosted"},
                "issuedOn": timestamp(issued_on), "image": urls.baked_png(uid)}
    if evidence:
        document["evidence"] = ob2_evidence(urls.verify(uid), evidence)
    return document


def ob2_revoked(urls: Urls, uid: str, reason: str | None) -> dict[str, Any]:
    """What a revoked hosted assertion answers (with HTTP 410)."""
    document: dict[str, Any] = {"@context": CONTEXT_OB2, "id": urls.assertion(uid), "revoked": True}
    if reason:
        document["revocationReason"] = reason
    return document


def ob3_credential(urls: Urls, uid: str, issuer: Issuer, badge: BadgeClassLike, recipient: Recipient,
                   issued_on: datetime, skills: list[tuple[str, str]] | None = None,
                   evidence: list[SkillEvidence] | None = None) -> dict[str, Any]:
    """The OpenBadgeCredential, before its proof. `@context` is exactly VC 2.0 then OB 3.0.3.

    `skills` (id, label) are described in the achievement; `evidence` says what was observed of them.
    """
    credential = _ob3_credential(urls, uid, issuer, badge, recipient, issued_on)
    if skills:
        credential["credentialSubject"]["achievement"]["resultDescription"] = result_descriptions(
            urls.criteria(badge.slug), skills)
    if evidence:
        credential["credentialSubject"]["result"] = ob3_results(urls.criteria(badge.slug), evidence)
        credential["evidence"] = ob3_evidence(urls.verify(uid), evidence)
    return credential


def _ob3_credential(urls: Urls, uid: str, issuer: Issuer, badge: BadgeClassLike, recipient: Recipient,
                    issued_on: datetime) -> dict[str, Any]:
    return {
        "@context": [CONTEXT_VC2, CONTEXT_OB3],
        "id": urls.credential(uid),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "issuer": {"id": urls.issuer, "type": ["Profile"], "name": issuer.name, "url": issuer.url,
                   "email": issuer.email},
        "validFrom": timestamp(issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": recipient.identity_hash,
                            "identityType": OB3_IDENTITY_TYPES[recipient.type], "hashed": True,
                            "salt": recipient.salt}],
            "achievement": {
                "id": urls.badge_class(badge.slug),
                "type": ["Achievement"],
                "achievementType": badge.achievement_type,
                "name": badge.name,
                "description": badge.description,
                "criteria": {"id": urls.criteria(badge.slug), "narrative": badge.narrative},
                "image": {"id": urls.class_image(badge.slug), "type": "Image"},
                "inLanguage": "fr",
            },
        },
    }


def multikey_document(urls: Urls, key_id: str, public_multibase: str) -> dict[str, Any]:
    """The issuer's public key, published at the proofs' verificationMethod."""
    return {"@context": ["https://w3id.org/security/multikey/v1"], "id": urls.key(key_id), "type": "Multikey",
            "controller": urls.issuer, "publicKeyMultibase": public_multibase}
