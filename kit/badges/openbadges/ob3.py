"""Open Badges 3.0: an OpenBadgeCredential signed with an eddsa-rdfc-2022 Data Integrity proof.

The proof follows the W3C "EdDSA Cryptosuites v1.0" (eddsa-rdfc-2022): both the proof
options and the credential are canonicalized with RDFC-1.0 (URDNA2015), hashed with SHA-256,
and the two hashes, options first, are signed with Ed25519.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from pyld import jsonld

from kit.badges.openbadges.jsonld import offline_loader
from kit.badges.openbadges.keys import SigningKey, b58decode, b58encode, public_key_from_multikey

CONTEXT_VC2 = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def canonical(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document, contexts loaded from the vendored files."""
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "safe": True, "documentLoader": offline_loader})


def _hash_data(credential: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = credential["@context"]
    return (hashlib.sha256(canonical(options).encode()).digest()
            + hashlib.sha256(canonical(unsecured).encode()).digest())


def sign_credential(credential: dict[str, Any], key: SigningKey, verification_method: str,
                    created: str) -> dict[str, Any]:
    """A copy of the credential with its proof (a one-item array, as OB 3.0 asks)."""
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    proof["proofValue"] = "z" + b58encode(key.sign(_hash_data(credential, proof)))
    signed = copy.deepcopy({k: v for k, v in credential.items() if k != "proof"})
    signed["proof"] = [proof]
    return signed


def verify_credential(credential: dict[str, Any], public_multibase: str) -> bool:
    """Whether one eddsa-rdfc-2022 proof of the credential verifies with this Multikey."""
    proofs = credential.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    key = public_key_from_multikey(public_multibase)
    for proof in proofs:
        if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-rdfc-2022":
            continue
        value = proof.get("proofValue", "")
        try:
            key.verify(b58decode(value[1:]), _hash_data(credential, proof))
        except Exception:  # InvalidSignature, or a malformed value
            continue
        return True
    return False
