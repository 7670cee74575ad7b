"""Static files under content-hashed names, cached for a year: a phone that comes back downloads nothing again.

`url_for('static', filename='css/phone.css')` gives /static/css/phone.1a2b3c4d.css, where 1a2b3c4d starts the
SHA-256 of the file's bytes. That name is served with `Cache-Control: public, max-age=31536000, immutable`:
when the file changes, so does its name, and the pages name the new one.
- the plain name (/static/css/phone.css) still works, cached PLAIN_MAX_AGE: old pages, hand-typed addresses;
- a hashed name whose hash is not the file's (a page from before an update) gets the current file, revalidated
  each time (no-cache), never a year of the wrong content under that name;
- an unknown file is the French 404.

Hand-written rather than Flask-Static-Digest: that library writes digested copies and a manifest in a build
step (`flask digest compile`) that every install, update and test run would have to remember. Here the name is
computed from the file itself when a URL is built, and the hash kept in memory until the file's size or
modification time changes: every process behind nginx finds the same names from the same bytes, with no
manifest to share, and an edited CSS file gets a new name at once, in development too.

nginx (deploy/nginx.conf) serves the same names from disk: it strips the hash, and gives them the same header.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, send_from_directory
from werkzeug.security import safe_join

DIGEST_LENGTH = 8
# name.<8 hex digits>.suffix; nginx's location for hashed names uses the same pattern.
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{8})(?P<suffix>\.[A-Za-z0-9]+)$")
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
PLAIN_MAX_AGE = 300  # seconds: the plain names are only in pages from before an update, or typed by hand
NOT_FOUND = "Ce fichier n'existe pas, ou plus. Rechargez la page."


@dataclass
class StaticDigests:
    """The hash of each static file, computed once per version of the file (its size and modification time)."""

    folder: Path
    _known: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def digest(self, filename: str) -> str | None:
        """The first DIGEST_LENGTH hex digits of the file's SHA-256; None when there is no such file."""
        path = safe_join(str(self.folder), filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        known = self._known.get(filename)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:DIGEST_LENGTH]
        except OSError:  # a folder, or a file that went away between the two calls
            return None
        self._known[filename] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest

    def hashed_name(self, filename: str) -> str:
        """css/phone.css → css/phone.1a2b3c4d.css; a missing file or one without a suffix keeps its name."""
        folder, _, base = filename.rpartition("/")
        stem, dot, suffix = base.rpartition(".")
        digest = self.digest(filename) if dot and stem else None
        if digest is None:
            return filename
        return f"{folder}/{stem}.{digest}.{suffix}" if folder else f"{stem}.{digest}.{suffix}"

    def resolve(self, requested: str) -> tuple[str, int | None, bool] | None:
        """(file to send, max-age or None for no-cache, immutable) for a requested name; None if unknown."""
        if self.digest(requested) is not None:
            return requested, PLAIN_MAX_AGE, False
        match = HASHED.match(requested)
        if match is None:
            return None
        original = match["stem"] + match["suffix"]
        digest = self.digest(original)
        if digest is None:
            return None
        if digest == match["digest"]:
            return original, IMMUTABLE_MAX_AGE, True
        return original, None, False  # a stale or made-up hash: the current file, revalidated every time

    def warm(self) -> int:
        """Hash every file now, before the server listens, rather than in the first pages; how many."""
        count = 0
        for path in self.folder.rglob("*"):
            if path.is_file() and self.digest(path.relative_to(self.folder).as_posix()):
                count += 1
        return count


def digests() -> StaticDigests:
    """This app's digests."""
    found: StaticDigests = current_app.extensions["static_digests"]
    return found


def serve_static(filename: str) -> Response:
    """The view of /static/<path:filename>, in place of Flask's."""
    resolved = digests().resolve(filename)
    if resolved is None:
        abort(404, NOT_FOUND)
    name, max_age, immutable = resolved
    response = send_from_directory(str(current_app.static_folder), name, max_age=max_age or 0)
    if max_age is None:
        response.headers["Cache-Control"] = "no-cache, max-age=0"
    elif immutable:
        response.cache_control.immutable = True
    return response


def _hashed_static_url(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = digests().hashed_name(values["filename"])


def init_static_files(app: Flask) -> None:
    """Every `url_for('static', …)` gives the hashed name, and /static/ serves both kinds of names."""
    app.extensions["static_digests"] = StaticDigests(Path(str(app.static_folder)))
    app.url_default_functions.setdefault(None, []).append(_hashed_static_url)
    app.view_functions["static"] = serve_static
