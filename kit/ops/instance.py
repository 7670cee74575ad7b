"""The instance folder's secrets: made once, by `flask setup` or the first start, never by building an app.

- `secret_key` signs the session cookies. Every process of a server must read the same one.
- the badge issuer's Ed25519 key signs the Open Badges 3.0 credentials (kit/badges/openbadges/keys.py).
Neither is ever committed: `instance/` is in .gitignore.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from kit.badges.openbadges.keys import load_or_create_key

SECRET_FILE = "secret_key"


def read_secret(instance: Path) -> str | None:
    """The secret made earlier in this instance folder, or None before the first setup."""
    path = instance / SECRET_FILE
    if not path.exists():
        return None
    secret = path.read_text().strip()
    if not secret:  # read while another process was writing it
        time.sleep(0.2)
        secret = path.read_text().strip()
    return secret or None


def make_secret(instance: Path) -> str:
    """The instance's secret, generated if it does not exist yet; private to its owner."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / SECRET_FILE
    # Exclusive creation: processes starting together must all end up with the same secret,
    # or a cookie signed by one would be refused by the others.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    secret = read_secret(instance)
    if secret is None:
        raise RuntimeError(f"{path} est vide : supprimez-le, puis relancez `flask --app kit setup`.")
    return secret


def prepare_instance(app: Flask) -> None:
    """Make what a first start needs and the app does not have: the secret, and the badge issuer's key."""
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = make_secret(instance)
    load_or_create_key(Path(app.config["BADGE_SIGNING_KEY_FILE"]))
