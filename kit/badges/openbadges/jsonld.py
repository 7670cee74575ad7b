"""A JSON-LD document loader that answers only from the vendored contexts: never the network."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

HERE = Path(__file__).resolve().parent
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
    "https://w3id.org/openbadges/v2": "openbadges-v2.json",
    "https://w3id.org/openbadges/v1": "openbadges-v1.json",
}


@cache
def _context_text(url: str) -> str:
    return (HERE / "contexts" / CONTEXT_FILES[url.rstrip("/")]).read_text(encoding="utf-8")


def context_document(url: str) -> dict[str, Any]:
    """A fresh parse of the vendored context for `url` (KeyError when it is not vendored)."""
    return json.loads(_context_text(url))


def offline_loader(url: str, options: object = None) -> dict[str, Any]:
    """pyld document loader: a vendored context, or an error (signing must never reach the Internet)."""
    try:
        document = context_document(url)
    except KeyError:
        raise jsonld.JsonLdError(f"contexte JSON-LD non disponible hors ligne : {url}", "jsonld.LoadDocumentError",
                                 code="loading document failed") from None
    return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json", "document": document}


def schema(name: str = "ob_v3p0_achievementcredential_schema.json") -> dict[str, Any]:
    """A vendored JSON Schema."""
    return json.loads((HERE / "schemas" / name).read_text(encoding="utf-8"))
