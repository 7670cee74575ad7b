"""Compile Kit Animateur module markdown into slide decks. Pure Python, no Flask.

    deck = compile_deck(text, "modules/01-smartphone-wifi.md", image_url=lambda name: ...)

See docs/authoring.md for the format.
"""

from .compiler import compile_deck
from .errors import DeckError, SourceError
from .files import compile_file, image_resolver
from .model import Choice, Competence, Deck, Image, ModuleMeta, Quiz, Slide
from .sanitize import sanitize_html

__all__ = [
    "Choice", "Competence", "Deck", "DeckError", "Image", "ModuleMeta", "Quiz", "Slide", "SourceError",
    "compile_deck", "compile_file", "image_resolver", "sanitize_html",
]
