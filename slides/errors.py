"""Errors that point editors at the exact line of their module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceError:
    """One problem in a module, located at a line of its file."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class DeckError(Exception):
    """Raised when a module has at least one error: no deck is ever half-built."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.source, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))
