"""The issuer's Ed25519 key: generated at first run into the instance folder, never committed."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as a varint


def b58encode(data: bytes) -> str:
    """base58btc (the Bitcoin alphabet), leading zero bytes kept as '1'."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    """The inverse of b58encode."""
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def multikey(public: Ed25519PublicKey) -> str:
    """The key as a Multikey `publicKeyMultibase`: 'z' + base58btc(0xed01 + the 32 raw bytes)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """Read back a Multikey Ed25519 public key."""
    raw = b58decode(value[1:]) if value.startswith("z") else b""
    if raw[:2] != ED25519_PUB_PREFIX or len(raw) != 34:
        raise ValueError("ce n'est pas une clé Ed25519 au format Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass(frozen=True)
class SigningKey:
    """The private key and the short, stable name of its public half (used in its URL)."""

    private: Ed25519PrivateKey

    @property
    def public_multibase(self) -> str:
        """The public key as a Multikey."""
        return multikey(self.private.public_key())

    @property
    def key_id(self) -> str:
        """12 hex digits of the public key's hash: a new key gets a new URL, old proofs keep theirs."""
        return hashlib.sha256(self.public_multibase.encode()).hexdigest()[:12]

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature."""
        return self.private.sign(data)


def load_or_create_key(path: Path) -> SigningKey:
    """Read the PEM key at `path`, creating it (mode 0600) on first use.

    Creation is exclusive, so two server processes starting together end with one key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process wrote it first: use theirs
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} ne contient pas une clé Ed25519")
    return SigningKey(private)
