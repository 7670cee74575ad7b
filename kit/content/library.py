"""The module library: revisions in the database, compiled into decks on demand."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from kit.content.files import SHIPPED_IMAGES_URL, UPLOADED_IMAGES_URL, image_path
from kit.evidence.skills import skills
from kit.extensions import db
from kit.models import ModuleImage, ModuleRevision
from slides import Deck, DeckError, SourceError, compile_deck


@dataclass(frozen=True)
class Module:
    """A published module: its slug, the revision it comes from and its deck."""

    slug: str
    revision_id: int
    deck: Deck


def uploaded_image_names() -> set[str]:
    """The names of the images the content team uploaded (stored in the database)."""
    return set(db.session.scalars(sa.select(ModuleImage.name)))


def image_resolver(extra: Collection[str] = ()) -> Callable[[str], str | None]:
    """Map an image name to the URL it is served at: uploaded images first, then shipped ones.

    `extra` names images about to be imported, accepted as if they were uploaded already. The URLs are
    the fixed paths that the media and decks pages are registered at: a compiled deck is cached for the
    whole process, so it cannot depend on one request's URL building.
    """
    uploaded = uploaded_image_names() | set(extra)

    def resolve(name: str) -> str | None:
        if name in uploaded:
            return UPLOADED_IMAGES_URL + name
        if image_path(name) is not None:
            return SHIPPED_IMAGES_URL + name
        return None

    return resolve


def compile_text(slug: str, text: str, extra_images: Collection[str] = ()) -> Deck:
    """Compile a module's markdown with the app's images; too long or malformed text is an error.

    Raises DeckError with `modules/<slug>.md:line: message` errors.
    """
    source = f"modules/{slug}.md"
    limit = current_app.config["MODULE_MAX_BYTES"]
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise DeckError([SourceError(source, 1, f"le module est trop long ({size // 1024} Ko) : "
                                                f"{limit // 1024} Ko au plus")])
    bad = next((i for i, line in enumerate(text.split("\n"), 1) if "\x00" in line), None)
    if bad is not None:
        raise DeckError([SourceError(source, bad, "caractère nul : ce texte n'est pas un fichier markdown")])
    return compile_deck(text, source, image_url=image_resolver(extra_images), skills=skill_ids())


def skill_ids() -> tuple[str, ...]:
    """The skills an activity may declare in `compétences:`: the diagnostic guide's task ids, in its order."""
    return tuple(skills())


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
        deck = compile_deck(revision.source, f"modules/{revision.slug}.md", image_url=image_resolver(),
                            skills=skill_ids())
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




def module_titles() -> list[tuple[int, str]]:
    """The published modules, as (number, title)."""
    return [(m.deck.meta.number, m.deck.meta.title) for m in published_modules()]
