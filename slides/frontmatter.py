"""The module's front matter: YAML between two `---` lines at the top of the file."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import SourceError
from .model import Competence, ModuleMeta
from .text import Line, fold

COMPETENCE = re.compile(r"^(Pix|DigComp)\s+(\d+(?:\.\d+)*)\s*:\s*(\S.*)$", re.I)
KNOWN_KEYS = ("titre", "numero", "duree", "marge", "objectifs", "competences")


TOP_LEVEL_KEY = re.compile(r"^([^\s:#-][^:]*):")


def key_lines(lines: list[Line]) -> dict[str, int]:
    """The line of each top-level key of the front matter (folded: « Durée » and « duree » are one key)."""
    found: dict[str, int] = {}
    for line in lines:
        match = TOP_LEVEL_KEY.match(line.text)
        if match:
            found.setdefault(fold(match.group(1).strip()), line.number)
    return found


def split_front_matter(
    lines: list[Line], source: str, errors: list[SourceError]
) -> tuple[dict[str, Any] | None, int, list[Line], dict[str, int]]:
    """Return the raw front matter, its first line number, the lines after it, and each key's line.

    The front matter is None when it could not be read (the error is recorded).
    """
    first = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    if first is None or lines[first].text.strip() != "---":
        errors.append(SourceError(source, 1, "le fichier doit commencer par un en-tête entre deux lignes « --- »"))
        return None, 1, lines, {}
    end = next((i for i in range(first + 1, len(lines)) if lines[i].text.strip() == "---"), None)
    if end is None:
        errors.append(SourceError(source, lines[first].number, "l'en-tête n'est pas fermé par une ligne « --- »"))
        return None, 1, [], {}
    start_line = lines[first].number
    text = "\n".join(line.text for line in lines[first + 1 : end])
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start_line + 1 + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or "syntaxe incorrecte"
        errors.append(SourceError(source, line, f"en-tête illisible ({problem})"))
        return None, start_line, lines[end + 1 :], {}
    if not isinstance(data, dict):
        errors.append(SourceError(source, start_line + 1, "l'en-tête doit être une liste de « clé: valeur »"))
        data = {}
    return data, start_line, lines[end + 1 :], key_lines(lines[first + 1 : end])


def parse_meta(raw: dict[str, Any] | None, line: int, source: str, errors: list[SourceError],
               lines_of: dict[str, int] | None = None) -> ModuleMeta:
    """Validate the front matter and build the module's metadata.

    An error about a key is reported at that key's line (`lines_of`, from split_front_matter); a missing
    key, at the header's first line.
    """
    if raw is None:  # unreadable: its error is already recorded, don't pile up more
        return ModuleMeta("", 0, 0, (), ())
    where = lines_of or {}

    def fail(message: str, key: str | None = None) -> None:
        errors.append(SourceError(source, where.get(key or "", line), message))

    data = {fold(str(key)): value for key, value in raw.items()}
    for key in raw:
        if fold(str(key)) not in KNOWN_KEYS:
            fail(f"clé inconnue dans l'en-tête : « {key} » (attendu : titre, numéro, durée, marge, objectifs, "
                 "compétences)", fold(str(key)))

    title = data.get("titre")
    if not isinstance(title, str) or not title.strip():
        fail("l'en-tête doit avoir un « titre »", "titre")
        title = ""
    number = data.get("numero")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        fail("« numéro » doit être un nombre entier à partir de 1", "numero")
        number = 0
    minutes = data.get("duree")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        fail("« durée » doit être un nombre entier de minutes, par exemple 210", "duree")
        minutes = 0
    slack = data.get("marge", 0)
    if not isinstance(slack, int) or isinstance(slack, bool) or slack < 0 or (minutes and slack >= minutes):
        fail("« marge » doit être un nombre entier de minutes, plus petit que la durée, par exemple 10", "marge")
        slack = 0
    objectives = _string_list(data.get("objectifs"), "objectifs", lambda message: fail(message, "objectifs"))
    competences = []
    for item in _string_list(data.get("competences"), "compétences", lambda message: fail(message, "competences")):
        match = COMPETENCE.match(item)
        if match:
            framework = "Pix" if match.group(1).lower() == "pix" else "DigComp"
            competences.append(Competence(framework, match.group(2), match.group(3).strip()))
        else:
            fail(f"compétence mal écrite : « {item} » (attendu : « Pix 1.1 : intitulé » ou « DigComp 1.1 : intitulé »)",
                 "competences")
    return ModuleMeta(title.strip(), number, minutes, tuple(objectives), tuple(competences), slack)


def _string_list(value: Any, name: str, fail: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"« {name} » doit être une liste non vide de lignes « - texte »")
        return []
    return [v.strip() for v in value]
