"""Baking: the badge's data carried inside its image, so that the image alone can be verified.

- PNG: an uncompressed `iTXt` chunk, keyword `openbadges` (OB 2.0 assertion) or
  `openbadgecredential` (OB 3.0 credential), placed before `IEND`.
- SVG: an `<openbadges:assertion verify="…">` element holding the assertion JSON.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from xml.sax.saxutils import quoteattr

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, checked for structure."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("ce fichier n'est pas une image PNG")
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind = png[position + 4:position + 8]
        chunks.append((kind, png[position + 8:position + 8 + length]))
        position += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def itxt(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk: keyword, flags 0 0, no language, no translated keyword."""
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8"))


def _itxt_value(data: bytes) -> tuple[str, str] | None:
    keyword, _, rest = data.partition(b"\0")
    if len(rest) < 2 or rest[0] != 0:  # compressed chunks are not ours (and not allowed for badges)
        return None
    rest = rest[2:]
    _language, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return keyword.decode("latin-1"), text.decode("utf-8")


def bake_png(png: bytes, payloads: dict[str, str]) -> bytes:
    """The PNG with one iTXt chunk per keyword (an older chunk of the same keyword is replaced)."""
    out = [PNG_SIGNATURE]
    for kind, data in _chunks(png):
        if kind == b"iTXt":
            value = _itxt_value(data)
            if value and value[0] in payloads:
                continue
        if kind == b"IEND":
            out.extend(itxt(keyword, text) for keyword, text in payloads.items())
        out.append(_chunk(kind, data))
    return b"".join(out)


def png_text_chunks(png: bytes) -> dict[str, str]:
    """The uncompressed iTXt chunks of a PNG, by keyword (what a verifier unbakes)."""
    found = {}
    for kind, data in _chunks(png):
        value = _itxt_value(data) if kind == b"iTXt" else None
        if value:
            found[value[0]] = value[1]
    return found


def bake_svg(svg: str, assertion: dict[str, Any]) -> str:
    """The SVG with the assertion in `<openbadges:assertion verify="its URL">`, right after `<svg …>`."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    tag = svg[start:end]
    if "xmlns:openbadges" not in tag:
        tag += ' xmlns:openbadges="http://openbadges.org"'
    # JSON may say "\u003e" for ">": the CDATA section then cannot be closed early by the data.
    data = json.dumps(assertion, ensure_ascii=False, indent=2).replace(">", "\\u003e")
    element = f"<openbadges:assertion verify={quoteattr(assertion['id'])}><![CDATA[{data}]]></openbadges:assertion>"
    return svg[:start] + tag + ">" + element + svg[end + 1:]


def svg_assertion(svg: str) -> dict[str, Any] | None:
    """The assertion baked in an SVG, if any."""
    marker = svg.find("<openbadges:assertion")
    if marker < 0:
        return None
    start = svg.index("<![CDATA[", marker) + len("<![CDATA[")
    return json.loads(svg[start:svg.index("]]>", start)])
