"""Compiling module files from disk, with their images beside them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from .compiler import compile_deck
from .errors import DeckError, SourceError
from .model import Deck


def image_resolver(directory: Path, url_prefix: str = "images/") -> Callable[[str], str | None]:
    """Resolve image names to `url_prefix + name` when the file exists in `directory`."""
    def resolve(name: str) -> str | None:
        return url_prefix + name if (directory / name).is_file() else None
    return resolve


def compile_file(path: Path, source: str | None = None, url_prefix: str = "images/", *,
                 skills: Collection[str] | None = None) -> Deck:
    """Compile a module file; its images are looked up in the `images/` folder beside it.

    `skills` are the skill ids its activities may declare (see compile_deck).
    """
    label = source or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DeckError([SourceError(label, 1, f"le fichier n'est pas en UTF-8 ({exc.reason})")]) from exc
    except OSError as exc:
        raise DeckError([SourceError(label, 1, f"fichier illisible ({exc.strerror})")]) from exc
    return compile_deck(text, label, image_url=image_resolver(path.parent / "images", url_prefix),
                        skills=skills)
