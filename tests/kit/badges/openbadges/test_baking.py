"""Baking: the assertion inside the PNG (iTXt, uncompressed) and the SVG (<openbadges:assertion>)."""

from __future__ import annotations

import struct
import zlib

import pytest

from kit.badges.openbadges.baking import bake_png, bake_svg, png_text_chunks, svg_assertion
from kit.badges.openbadges.designs import DESIGNS, design_png, design_svg

ASSERTION = {"id": "https://kit.example.org/badges/assertions/abc", "type": "Assertion", "note": "a > b ]]> c"}


def chunk_types(png: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order, each CRC checked."""
    types, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind, data = png[position + 4:position + 8], png[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        types.append(kind)
        position += 12 + length
    return types


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_designs_are_real_pngs_and_svgs(name: str) -> None:
    png = design_png(name)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert chunk_types(png) == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (width, height, depth, colour) == (256, 256, 8, 6)
    svg = design_svg(name, "Un badge")
    assert svg.startswith("<svg") and "<title>Un badge</title>" in svg and "<script" not in svg


def test_png_baking_round_trip_with_both_keywords() -> None:
    baked = bake_png(design_png("animateur"), {"openbadges": '{"id": "a"}', "openbadgecredential": '{"é": 1}'})
    assert chunk_types(baked)[-3:] == [b"iTXt", b"iTXt", b"IEND"]
    assert png_text_chunks(baked) == {"openbadges": '{"id": "a"}', "openbadgecredential": '{"é": 1}'}
    rebaked = bake_png(baked, {"openbadges": '{"id": "b"}'})
    assert png_text_chunks(rebaked) == {"openbadges": '{"id": "b"}', "openbadgecredential": '{"é": 1}'}
    itxt = next(b for b in rebaked.split(b"iTXt")[1:2])
    assert itxt.startswith(b"openbadgecredential\0\0\0") or itxt.startswith(b"openbadges\0\0\0")  # uncompressed


def test_a_non_png_is_refused() -> None:
    with pytest.raises(ValueError, match="PNG"):
        bake_png(b"GIF89a", {"openbadges": "x"})


def test_svg_baking_round_trip_and_cdata_safety() -> None:
    baked = bake_svg(design_svg("premiers-pas", "Premiers pas"), ASSERTION)
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert f'<openbadges:assertion verify="{ASSERTION["id"]}">' in baked
    assert baked.count("]]>") == 1  # the data cannot close the CDATA section early
    assert svg_assertion(baked) == ASSERTION
