"""YAML read with line numbers, so that a mistake in the guide or the rules says `file:line: message`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file that cannot be used: every problem, each as `file:line: message`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line where it starts."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping({str(key): value for key, value in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(path: Path) -> Mapping:
    """The file's top mapping; a syntax error or another shape is a DataFileError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError([f"{path}:1: impossible de lire le fichier ({exc})"]) from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader with one more constructor
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise DataFileError([f"{path}:{line}: YAML invalide : {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise DataFileError([f"{path}:1: YAML invalide : {exc}"]) from exc
    if not isinstance(data, Mapping):
        raise DataFileError([f"{path}:1: le fichier doit être un dictionnaire (clé: valeur)"])
    return data


class Checker:
    """Collects the problems of one file, each with the line of the mapping it is about."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[str] = []

    def error(self, where: Mapping | int | None, message: str) -> None:
        """Record a problem at the line of `where`, a mapping or a line number (the first line when unknown)."""
        line = where if isinstance(where, int) else where.line if isinstance(where, Mapping) else 0
        line = line or 1
        self.errors.append(f"{self.path}:{line}: {message}")

    def text(self, where: Mapping, key: str, required: bool = True) -> str:
        """A non-empty string field."""
        value = where.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"« {key} » doit être un texte non vide")
            return ""
        return value.strip()

    def items(self, where: Mapping, key: str) -> list[Mapping]:
        """A non-empty list of mappings."""
        value = where.get(key)
        if not isinstance(value, list) or not value:
            self.error(where, f"« {key} » doit être une liste non vide")
            return []
        good = [item for item in value if isinstance(item, Mapping)]
        if len(good) != len(value):
            self.error(where, f"chaque élément de « {key} » doit être un dictionnaire (clé: valeur)")
        return good

    def unique_id(self, where: Mapping, seen: set[str], what: str) -> str:
        """An `id` made of lowercase letters, digits and _, not used before."""
        ident = self.text(where, "id")
        if ident and (not ident.replace("_", "").isalnum() or not ident.islower() or len(ident) > 40):
            self.error(where, f"l'id « {ident} » : lettres minuscules, chiffres et _ seulement, 40 au plus")
        elif ident in seen:
            self.error(where, f"{what} « {ident} » est en double")
        seen.add(ident)
        return ident

    def done(self) -> None:
        """Raise every problem found, if any."""
        if self.errors:
            raise DataFileError(self.errors)
