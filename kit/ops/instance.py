"""The instance folder's secrets: made once, by `flask setup` or the first start, never by building an app.

- `secret_key` signs the session cookies. Every process of a server must read the same one.
- the badge issuer's Ed25519 key signs the Open Badges 3.0 credentials (kit/badges/openbadges/keys.py).
- `demo`, written by `flask setup --demo` only: this instance is a demonstration, whose badges are trial ones
  (kit/badges/trial.py). A file, so that the choice is explicit, seen with `ls instance/`, and undone by deleting it.
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
DEMO_FILE = "demo"
DEMO_TEXT = ("Instance de démonstration, faite par `flask --app kit setup --demo`.\n"
             "Sans PUBLIC_BASE_URL, ses badges sont des badges d'essai, à l'adresse http://localhost:PORT :\n"
             "non vérifiables hors de cet ordinateur. Supprimez ce fichier et réglez PUBLIC_BASE_URL\n"
             "pour délivrer de vrais badges (docs/badges.md).\n")


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


def mark_demo(instance: Path) -> None:
    """Record that this instance is a demonstration (`flask setup --demo`)."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / DEMO_FILE).write_text(DEMO_TEXT, encoding="utf-8")


def is_demo(instance: Path) -> bool:
    """Whether `flask setup --demo` made this instance a demonstration."""
    return (instance / DEMO_FILE).is_file()
