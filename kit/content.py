"""The module library: revisions in the database, compiled into decks on demand."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from slides import Deck, DeckError, SourceError, compile_deck, compile_file

from .extensions import db
from .models import ModuleRevision


@dataclass(frozen=True)
class Module:
    """A published module: its slug, the revision it comes from and its deck."""

    slug: str
    revision_id: int
    deck: Deck


def modules_dir() -> Path:
    """The folder of the module files shipped with the app."""
    return Path(current_app.config["MODULES_DIR"])


def images_dir() -> Path:
    """Where module images are stored."""
    return modules_dir() / "images"


def _image_url(name: str) -> str | None:
    if not (images_dir() / name).is_file():
        return None
    # Outside a request (CLI), the app is assumed to be served at the root.
    return url_for("decks.image", name=name) if has_request_context() else f"/modules/images/{name}"


_DECKS_KEPT = 64
# Decks by the hash of their markdown: the same text compiles to the same deck, in any app.
_decks: dict[str, Deck] = {}


def _revision_hashes() -> dict[int, str]:
    # Per app: revision ids are unique within one database only, and revisions never change.
    return current_app.extensions.setdefault("kit_revision_hashes", {})


def deck_for(revision: ModuleRevision) -> Deck:
    """The compiled deck of a revision, compiled once per distinct text."""
    _revision_hashes()[revision.id] = revision.source_hash
    deck = _decks.get(revision.source_hash)
    if deck is None:
        deck = compile_deck(revision.source, f"modules/{revision.slug}.md", image_url=_image_url)
        if len(_decks) >= _DECKS_KEPT:
            _decks.pop(next(iter(_decks)))
        _decks[revision.source_hash] = deck
    return deck


def deck_by_revision_id(revision_id: int) -> Deck:
    """The compiled deck of a revision given its id.

    The hot path (a phone's answer) neither reloads nor recompiles the markdown.
    """
    digest = _revision_hashes().get(revision_id)
    deck = _decks.get(digest) if digest else None
    if deck is None:
        revision = db.session.get(ModuleRevision, revision_id)
        if revision is None:
            raise LookupError(revision_id)
        deck = deck_for(revision)
    return deck


def published_modules() -> list[Module]:
    """Every published module that compiles, ordered by its number."""
    revisions = db.session.scalars(sa.select(ModuleRevision).where(ModuleRevision.published)).all()
    modules = []
    for revision in revisions:
        try:
            modules.append(Module(revision.slug, revision.id, deck_for(revision)))
        except DeckError:
            current_app.logger.exception("module publié invalide : %s", revision.slug)
    return sorted(modules, key=lambda m: (m.deck.meta.number, m.slug))


def published_module(slug: str) -> Module | None:
    """The published revision of one module, or None."""
    revision = db.session.scalar(
        sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ModuleRevision.published)
    )
    if revision is None:
        return None
    return Module(slug, revision.id, deck_for(revision))


def check_files() -> tuple[list[tuple[Path, Deck]], list[SourceError]]:
    """Compile every module file; return the decks and all the errors."""
    decks, errors = [], []
    for path in sorted(modules_dir().glob("*.md")):
        try:
            decks.append((path, compile_file(path, f"modules/{path.name}")))
        except DeckError as exc:
            errors.extend(exc.errors)
    return decks, errors


def import_files(author: str = "import des fichiers") -> list[str]:
    """Publish every module file whose text differs from its published revision.

    Files with errors are not imported. Returns the slugs that got a new revision.
    """
    decks, errors = check_files()
    if errors:
        raise DeckError(errors)
    changed = []
    for path, _deck in decks:
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        slug = path.stem
        current = db.session.scalar(
            sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ModuleRevision.published)
        )
        if current and current.source_hash == digest:
            continue
        if current:
            current.published = False
        db.session.add(ModuleRevision(slug=slug, source=text, source_hash=digest, author=author,
                                      message=f"Import de modules/{path.name}", published=True))
        changed.append(slug)
    db.session.commit()
    return changed


def image_path(name: str) -> Path | None:
    """The file of a module image, if the name is safe and the file exists."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = images_dir() / name
    return path if path.is_file() else None
