"""Checking Socket.IO payloads before anything is done with them."""

from __future__ import annotations

import json
from typing import Any

from kit.live.errors import LiveError

MAX_PAYLOAD_BYTES = 1024


def payload(data: object, allowed: set[str]) -> dict[str, Any]:
    """The payload as a small dict with only known keys, or a LiveError."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LiveError("Message mal formé : un objet était attendu.", "mal_forme")
    unknown = set(data) - allowed
    if unknown:
        raise LiveError(f"Message mal formé : champ inconnu « {sorted(unknown)[0][:30]} ».", "mal_forme")
    try:
        size = len(json.dumps(data))
    except (TypeError, ValueError) as exc:
        raise LiveError("Message mal formé.", "mal_forme") from exc
    if size > MAX_PAYLOAD_BYTES:
        raise LiveError("Message trop long.", "mal_forme")
    return data


def integer(data: dict[str, Any], key: str, low: int, high: int, label: str) -> int:
    """A required integer within bounds."""
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise LiveError(f"Message mal formé : « {key} » doit être un nombre.", "mal_forme")
    if not low <= value <= high:
        raise LiveError(f"{label} n'existe pas.", "hors_limites")
    return value


def choices(data: dict[str, Any]) -> list[int]:
    """A list of 1 to 6 answer indexes."""
    value = data.get("choices")
    if not isinstance(value, list) or not 1 <= len(value) <= 6:
        raise LiveError("Choisissez une réponse.", "choix_invalide")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise LiveError("Message mal formé : les réponses doivent être des nombres.", "mal_forme")
    return value


def boolean(data: dict[str, Any], key: str) -> bool:
    """A required boolean."""
    value = data.get(key)
    if not isinstance(value, bool):
        raise LiveError(f"Message mal formé : « {key} » doit être vrai ou faux.", "mal_forme")
    return value


def choice_of(data: dict[str, Any], key: str, options: tuple[str, ...]) -> str:
    """A required string among `options`."""
    value = data.get(key)
    if value not in options:
        raise LiveError(f"Message mal formé : « {key} » doit être l'un de {', '.join(options)}.", "mal_forme")
    return str(value)


def nullable_choice_of(data: dict[str, Any], key: str, options: tuple[str, ...]) -> str | None:
    """A required key whose value is one of `options`, or null (JSON `null`: clear it)."""
    if key not in data:
        raise LiveError(f"Message mal formé : « {key} » manque.", "mal_forme")
    value = data[key]
    if value is None:
        return None
    if value not in options:
        raise LiveError(f"Message mal formé : « {key} » doit être l'un de {', '.join(options)}, ou null.", "mal_forme")
    return str(value)


def text(data: dict[str, Any], key: str, longest: int) -> str:
    """A required short string."""
    value = data.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise LiveError(f"Message mal formé : « {key} » doit être un texte court.", "mal_forme")
    return value
