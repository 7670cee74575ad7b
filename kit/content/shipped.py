"""The module files shipped with the app: checking them, and importing them as revisions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from kit.content.files import modules_dir
from kit.content.library import skill_ids
from kit.content.revisions import record_version
from kit.extensions import db
from kit.models import ModuleRevision
from slides import Deck, DeckError, SourceError, compile_file


def check_files() -> tuple[list[tuple[Path, Deck]], list[SourceError]]:
    """Compile every module file; return the decks and all the errors."""
    decks, errors = [], []
    known = skill_ids()
    for path in sorted(modules_dir().glob("*.md")):
        try:
            decks.append((path, compile_file(path, f"modules/{path.name}", skills=known)))
        except DeckError as exc:
            errors.extend(exc.errors)
    return decks, errors


def import_files(author: str = "import des fichiers", only_new: bool = False) -> list[str]:
    """Publish every module file whose text differs from its published revision.

    With `only_new`, only modules that have no revision yet are imported: the shipped
    files are the first revision, and a later `flask setup` never overwrites what the
    content team edited since. Files with errors are not imported. Returns the slugs
    that got a new revision.
    """
    decks, errors = check_files()
    if errors:
        raise DeckError(errors)
    changed = []
    for path, _deck in decks:
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        slug = path.stem
        if only_new and db.session.scalar(sa.select(ModuleRevision.id).where(ModuleRevision.slug == slug)):
            continue
        current = db.session.scalar(
            sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ModuleRevision.published)
        )
        if current and current.source_hash == digest:
            continue
        record_version(slug, text, author=author, message=f"Import de modules/{path.name}", publish=True)
        changed.append(slug)
    db.session.commit()
    return changed
