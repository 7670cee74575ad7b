"""Where the shipped module files and images are, and the URL paths images are served at."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app

# A module's identifier: its file name without ".md", and its address in the app.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# Where images are served; the media and decks pages register their routes at these paths.
UPLOADED_IMAGES_URL = "/medias/"
SHIPPED_IMAGES_URL = "/modules/images/"


def modules_dir() -> Path:
    """The folder of the module files shipped with the app."""
    return Path(current_app.config["MODULES_DIR"])


def images_dir() -> Path:
    """Where the images shipped with the modules are."""
    return modules_dir() / "images"


def image_path(name: str) -> Path | None:
    """The file of a module image, if the name is safe and the file exists."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = images_dir() / name
    return path if path.is_file() else None
