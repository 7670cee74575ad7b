"""Saving, publishing and restoring module revisions, and comparing two of them.

Plain functions, no request: the editor's views and the CLI call them. The rules:
- a save names the version it started from; if another version was saved since, it is
  a conflict, never a silent overwrite;
- text that does not compile, or that came too late, is kept as a draft: nothing typed
  is lost;
- publishing moves the `published` flag only; sessions keep the revision they pinned.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kit.content.library import compile_text, deck_for
from kit.extensions import db
from kit.models import ModuleRevision, User
from slides import DeckError, SourceError


class RevisionError(Exception):
    """An action refused, with a French message for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(RevisionError):
    """Someone saved the module after the version this edit started from."""

    def __init__(self, base: ModuleRevision | None, latest: ModuleRevision | None, draft: ModuleRevision) -> None:
        who = f" par {latest.author}" if latest and latest.author else ""
        super().__init__(f"Quelqu'un a enregistré ce module pendant que vous le modifiiez "
                         f"({latest.label if latest else 'une version'}{who}). Votre texte n'est pas perdu : "
                         f"il est gardé ici et en {draft.label}.")
        self.base = base
        self.latest = latest
        self.draft = draft


class InvalidTextError(RevisionError):
    """The text has errors: it was kept as a draft, not saved as a version."""

    def __init__(self, errors: Sequence[SourceError], draft: ModuleRevision) -> None:
        count = len(errors)
        super().__init__(f"Le module a {count} erreur{'s' if count > 1 else ''}. Votre texte est gardé en "
                         f"{draft.label} : corrigez, puis enregistrez de nouveau.")
        self.errors = list(errors)
        self.draft = draft


def normalize(text: str) -> str:
    """The text as it is stored: browsers send textarea lines with CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def digest(text: str) -> str:
    """The hash that identifies a text (and its compiled deck)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def latest(slug: str) -> ModuleRevision | None:
    """The last saved version of a module (drafts are not versions)."""
    return db.session.scalar(sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ~ModuleRevision.is_draft)
                             .order_by(ModuleRevision.id.desc()).limit(1))


def published(slug: str) -> ModuleRevision | None:
    """The version new sessions use."""
    return db.session.scalar(sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ModuleRevision.published))


def history(slug: str) -> list[ModuleRevision]:
    """Every version and draft of a module, newest first."""
    return list(db.session.scalars(sa.select(ModuleRevision).where(ModuleRevision.slug == slug)
                                   .order_by(ModuleRevision.id.desc())))


def module_slugs() -> list[str]:
    """Every module that has at least one version, in order."""
    return list(db.session.scalars(sa.select(ModuleRevision.slug).where(~ModuleRevision.is_draft).distinct()
                                   .order_by(ModuleRevision.slug)))


def revision_of(slug: str, revision_id: int) -> ModuleRevision | None:
    """A revision of this module, or None."""
    revision = db.session.get(ModuleRevision, revision_id)
    return revision if revision is not None and revision.slug == slug else None


def latest_draft(slug: str, author: User | None) -> ModuleRevision | None:
    """This person's last draft of the module, when it is newer than the last version."""
    if author is None:
        return None
    newest = latest(slug)
    query = sa.select(ModuleRevision).where(ModuleRevision.slug == slug, ModuleRevision.is_draft,
                                            ModuleRevision.author_id == author.id)
    if newest is not None:
        query = query.where(ModuleRevision.id > newest.id)
    return db.session.scalar(query.order_by(ModuleRevision.id.desc()).limit(1))


def _author_fields(author: User | str | None) -> dict[str, object]:
    if isinstance(author, User):
        return {"author": author.name[:120], "author_id": author.id}
    return {"author": (author or "")[:120], "author_id": None}


def record_version(slug: str, text: str, *, author: User | str | None, message: str,
                   parent: ModuleRevision | None = None, publish: bool = False) -> ModuleRevision:
    """Add the next version of a module after `parent` (by default the latest).

    No conflict check here: imports and restores use it too. The caller commits. Two
    versions racing for the same number make the insert fail (IntegrityError).
    """
    parent = parent if parent is not None else latest(slug)
    # The number follows the parent's: two edits of the same version ask for the same number,
    # and the unique constraint refuses the second, however close together they come.
    number = (parent.number if parent is not None and parent.number else
              db.session.scalar(sa.select(sa.func.max(ModuleRevision.number)).where(ModuleRevision.slug == slug))
              or 0) + 1
    revision = ModuleRevision(slug=slug, number=number, source=text, source_hash=digest(text),
                              message=message[:200], parent_id=parent.id if parent else None, is_draft=False,
                              **_author_fields(author))
    db.session.add(revision)
    db.session.flush()
    if publish:
        _publish(revision)
    return revision


def keep_draft(slug: str, text: str, base: ModuleRevision | None, author: User | str | None,
               message: str = "") -> ModuleRevision:
    """Store text that is not a version, so that it is never lost; the same text is kept once."""
    # PostgreSQL's text cannot hold NUL: a visible replacement character keeps the rest, and its place.
    text = text.replace("\x00", "\ufffd")
    message = message.replace("\x00", "\ufffd")
    fields = _author_fields(author)
    same = db.session.scalar(sa.select(ModuleRevision).where(
        ModuleRevision.slug == slug, ModuleRevision.is_draft, ModuleRevision.source_hash == digest(text),
        ModuleRevision.author_id == fields["author_id"],
        ModuleRevision.parent_id == (base.id if base else None)).limit(1))
    if same is not None:
        return same
    draft = ModuleRevision(slug=slug, number=None, source=text, source_hash=digest(text), message=message[:200],
                           parent_id=base.id if base else None, is_draft=True, **fields)
    db.session.add(draft)
    db.session.commit()
    return draft


def save_revision(slug: str, text: str, base_revision_id: int | None, author: User | str | None,
                  message: str = "", *, publish: bool = False) -> ModuleRevision:
    """Save an edit made from version `base_revision_id` (None for a new module).

    Returns the new version, or the base itself when the text did not change. Raises
    ConflictError when another version was saved since the base, InvalidTextError when the text does
    not compile; in both cases the text is kept as a draft first.
    """
    text = normalize(text)
    base = db.session.get(ModuleRevision, base_revision_id) if base_revision_id else None
    if base_revision_id and (base is None or base.slug != slug or base.is_draft):
        raise RevisionError("La version de départ de cette modification est inconnue. Rechargez la page.")
    current = latest(slug)
    if (current.id if current else None) != (base.id if base else None):
        raise ConflictError(base, current, keep_draft(slug, text, base, author, message))
    try:
        compile_text(slug, text)
    except DeckError as error:
        raise InvalidTextError(error.errors, keep_draft(slug, text, base, author, message)) from error
    if current is not None and current.source_hash == digest(text):
        if publish and not current.published:
            _publish(current)
            db.session.commit()
        return current
    try:
        revision = record_version(slug, text, author=author, message=message.strip() or "Modification",
                                  parent=current, publish=publish)
        db.session.commit()
    except IntegrityError:
        # Another process saved the next version between our check and our write.
        db.session.rollback()
        raise ConflictError(base, latest(slug), keep_draft(slug, text, base, author, message)) from None
    return revision


def _publish(revision: ModuleRevision) -> None:
    db.session.execute(sa.update(ModuleRevision).where(ModuleRevision.slug == revision.slug,
                                                       ModuleRevision.id != revision.id)
                       .values(published=False))
    revision.published = True


def publish(revision: ModuleRevision) -> None:
    """Make this version the one new sessions use. Sessions already planned keep theirs."""
    if revision.is_draft:
        raise RevisionError("Un brouillon ne peut pas être publié : ouvrez-le dans l'éditeur, corrigez-le, "
                            "puis enregistrez-le.")
    try:
        deck_for(revision)
    except DeckError as error:
        raise RevisionError(f"Cette version a des erreurs et ne peut pas être publiée : {error.errors[0]}") from error
    _publish(revision)
    db.session.commit()


def restore(revision: ModuleRevision, author: User | str | None, *, publish: bool = False) -> ModuleRevision:
    """Make an old version's text the newest version again (history is never rewritten)."""
    if revision.is_draft:
        raise RevisionError("Un brouillon s'ouvre dans l'éditeur : il ne peut pas être restauré tel quel.")
    current = latest(revision.slug)
    return save_revision(revision.slug, revision.source, current.id if current else None, author,
                         f"Retour à la {revision.label}", publish=publish)


@dataclass(frozen=True)
class DiffLine:
    """One line of a comparison: kept (" "), removed ("-") or added ("+"), with its line numbers."""

    op: str
    old: int | None
    new: int | None
    text: str


@dataclass(frozen=True)
class Diff:
    """The changes from one text to another, in hunks with a few lines of context."""

    hunks: tuple[tuple[DiffLine, ...], ...]
    added: int
    removed: int


def diff(old: str, new: str, context: int = 3) -> Diff:
    """Compare two texts line by line (difflib), like `diff -u`."""
    a, b = normalize(old).split("\n"), normalize(new).split("\n")
    hunks, added, removed = [], 0, 0
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine(" ", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            if tag in ("replace", "delete"):
                lines += [DiffLine("-", i + 1, None, a[i]) for i in range(i1, i2)]
                removed += i2 - i1
            if tag in ("replace", "insert"):
                lines += [DiffLine("+", None, j + 1, b[j]) for j in range(j1, j2)]
                added += j2 - j1
        hunks.append(tuple(lines))
    return Diff(tuple(hunks), added, removed)
