"""OB 3.0: the Ed25519 key, its Multikey, and eddsa-rdfc-2022 proofs made offline over the vendored contexts."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator, FormatChecker
from pyld import jsonld

from kit.badges.criteria import class_for
from kit.badges.openbadges.documents import Issuer, Recipient, Urls, ob3_credential
from kit.badges.openbadges.jsonld import CONTEXT_FILES, offline_loader, schema
from kit.badges.openbadges.keys import b58decode, b58encode, load_or_create_key, multikey, public_key_from_multikey
from kit.badges.openbadges.ob3 import CONTEXT_OB3, CONTEXT_VC2, canonical, sign_credential, verify_credential
from kit.badges.openbadges.recipient import hash_identity, normalize_phone

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "openbadges"
URLS = Urls("https://kit.example.org")
ISSUER = Issuer("Kit Animateur", "https://kit.example.org", "badges@example.org")


def credential(slug: str = "participant") -> dict:
    """An unsigned credential of a badge class."""
    recipient = Recipient("email", hash_identity("a@example.org", "sel"), "sel")
    return ob3_credential(URLS, "abc", ISSUER, class_for(slug), recipient, datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


def test_base58_and_multikey(tmp_path: Path) -> None:
    assert b58encode(b"\0\0hello") == "11" + b58encode(b"hello")
    assert b58decode(b58encode(b"\0\x01\xff" * 5)) == b"\0\x01\xff" * 5
    key = load_or_create_key(tmp_path / "k.pem")
    value = multikey(key.private.public_key())
    assert value.startswith("z6Mk") and len(b58decode(value[1:])) == 34
    assert public_key_from_multikey(value).public_bytes_raw() == key.private.public_key().public_bytes_raw()
    with pytest.raises(ValueError, match="Multikey"):
        public_key_from_multikey("zabc")


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "key.pem"
    first = load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key(path).public_multibase == first.public_multibase
    assert len(first.key_id) == 12


def test_sign_then_verify_and_any_change_breaks_the_proof(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "k.pem")
    signed = sign_credential(credential(), key, URLS.key(key.key_id), "2026-11-23T09:30:00Z")
    proof = signed["proof"]
    assert isinstance(proof, list) and proof[0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof[0]["proofPurpose"] == "assertionMethod" and proof[0]["proofValue"].startswith("z")
    assert verify_credential(signed, key.public_multibase)
    for change in (lambda c: c.update(name="Autre badge"),
                   lambda c: c["credentialSubject"]["identifier"][0].update(salt="autre"),
                   lambda c: c["proof"][0].update(created="2027-01-01T00:00:00Z")):
        tampered = copy.deepcopy(signed)
        change(tampered)
        assert not verify_credential(tampered, key.public_multibase)
    other = load_or_create_key(tmp_path / "autre.pem")
    assert not verify_credential(signed, other.public_multibase)


def test_the_credential_matches_the_vendored_ob3_schema_and_context_order(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "k.pem")
    for audience in ("animator", "participant"):
        signed = sign_credential(credential(audience), key, URLS.key(key.key_id), "2026-11-23T09:30:00Z")
        assert signed["@context"] == [CONTEXT_VC2, CONTEXT_OB3]
        assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        errors = list(Draft201909Validator(schema(), format_checker=FormatChecker()).iter_errors(signed))
        assert errors == [], [e.message for e in errors]


def test_every_term_is_defined_so_nothing_is_left_unsigned() -> None:
    """Terms unknown to the contexts would be dropped by canonicalization, and so not signed."""
    document = credential()
    expanded = json.dumps(jsonld.expand(document, {"documentLoader": offline_loader}))
    for value in ("badges@example.org", "abc", "Premiers pas sur smartphone", "sha256$", "fr"):
        assert value in expanded
    assert "@vocab" not in expanded
    assert len(canonical(document).splitlines()) > 20


def test_signing_never_reaches_the_network() -> None:
    with pytest.raises(jsonld.JsonLdError):
        offline_loader("https://example.org/unknown-context")
    assert set(CONTEXT_FILES) >= {CONTEXT_VC2, CONTEXT_OB3, "https://w3id.org/openbadges/v2"}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/openbadges absent")
def test_vendored_contexts_and_schema_are_the_shared_ones() -> None:
    here = Path(__file__).resolve().parents[4] / "kit" / "badges" / "openbadges"
    for name in CONTEXT_FILES.values():
        assert (here / "contexts" / name).read_bytes() == (SHARED / "contexts" / name).read_bytes()
    name = "ob_v3p0_achievementcredential_schema.json"
    assert (here / "schemas" / name).read_bytes() == (SHARED / "schemas" / name).read_bytes()


@pytest.mark.parametrize(("typed", "expected"), [("06 12 34 56 78", "+33612345678"), ("+33 6 12 34 56 78",
                         "+33612345678"), ("0033612345678", "+33612345678"), ("12", None), ("06-12", None)])
def test_phone_numbers_become_e164(typed: str, expected: str | None) -> None:
    assert normalize_phone(typed) == expected


def test_identity_hash_is_the_open_badges_one() -> None:
    # The example of the OB 3.0 specification: 'a@example.com' salted with 'Kosher'.
    assert hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399")
