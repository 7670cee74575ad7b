"""Images uploaded for the modules: recognised by their content, size-limited, SVG sanitized.

The name a file arrives with is never trusted: Pillow decodes a PNG, JPEG or WebP in full (a
forged or truncated file fails there, and a decompression bomb is refused by its pixel count
before it is decoded), and the stored name gets the extension of what it really is. An SVG is
parsed with defusedxml (no DTD, no entities) and rebuilt from an allowlist: no script, no event
handler, no external link.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

import sqlalchemy as sa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from flask import current_app
from PIL import Image, UnidentifiedImageError

from kit.content.files import image_path
from kit.extensions import db
from kit.models import ModuleImage, User

KINDS = {"png": ("image/png", "png"), "jpeg": ("image/jpeg", "jpg"), "webp": ("image/webp", "webp"),
         "svg": ("image/svg+xml", "svg")}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 100  # nesting levels: deeper, the sanitizer's and the serializer's recursion would fail
# 25 megapixels: a 1 MB file may decode to far more (a decompression bomb); this bounds the memory.
MAX_PIXELS = 25_000_000
OPENED = ["PNG", "JPEG", "WEBP"]  # the decoders Pillow may try: none other is ever run on an upload
PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "WEBP": "webp"}  # MPO: a JPEG with a preview
NAMES = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP"}

SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker", "style", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite",
    "feMerge", "feMergeNode", "feColorMatrix", "feDropShadow",
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "style", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "width",
    "height", "d", "points", "transform", "viewBox", "preserveAspectRatio", "version", "fill", "fill-opacity",
    "fill-rule", "clip-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity", "color", "display", "visibility",
    "overflow", "vector-effect", "paint-order", "shape-rendering", "text-rendering", "font-family", "font-size",
    "font-weight", "font-style", "font-variant", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "textLength",
    "lengthAdjust", "dx", "dy", "rotate", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "spreadMethod", "patternUnits", "patternTransform", "patternContentUnits", "clip-path",
    "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "marker-start", "marker-mid", "marker-end",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient", "filter", "filterUnits",
    "primitiveUnits", "stdDeviation", "in", "in2", "result", "mode", "operator", "k1", "k2", "k3", "k4",
    "values", "type", "flood-color", "flood-opacity", "role", "aria-label", "aria-hidden", "aria-labelledby",
    "focusable", "lang", "href", "media",
})
# url(...) may only point inside the picture itself: url(#gradient).
URL = re.compile(r"url\s*\(\s*(['\"]?)\s*([^)'\"]*)\1\s*\)", re.I)
# A backslash is refused too: CSS escapes could spell url( or @import in disguise.
DANGEROUS_CSS = re.compile(r"@import|expression\s*\(|javascript:|vbscript:|behaviou?r\s*:|-moz-binding|</|\\", re.I)


class ImageError(Exception):
    """An image refused, with a French message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed every check, with its safe name and its (sanitized) bytes."""

    name: str
    kind: str
    data: bytes

    @property
    def mimetype(self) -> str:
        """The type it is served with."""
        return KINDS[self.kind][0]


def _too_big(detail: str = "") -> ImageError:
    return ImageError(f"L'image est trop grande{detail} : {MAX_PIXELS // 1_000_000} millions de pixels au plus. "
                      "Réduisez-la, puis envoyez-la de nouveau.")


def sniff(data: bytes) -> str | None:
    """What the bytes are: "png", "jpeg", "webp", "svg", or None (read from the header, not decoded).

    Raises ImageError for a header announcing so many pixels that Pillow refuses to open it.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in data[:4096].lower():
        return "svg"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked afterwards
            with Image.open(io.BytesIO(data), formats=OPENED) as image:
                return PILLOW_FORMATS.get(image.format or "")
    except Image.DecompressionBombError as error:
        raise _too_big() from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return _announced(data)


def _announced(data: bytes) -> str | None:
    """The format that the first bytes claim, for a file Pillow cannot open: then it is broken, and said so."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return "webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else None


def _check_raster(kind: str, data: bytes) -> None:
    """Decode the whole image: a forged or truncated file fails here; a huge one is refused before."""
    broken = f"Ce fichier {NAMES[kind]} est abîmé ou incomplet."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=OPENED) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_big(f" ({width} × {height} pixels)")
                image.verify()  # PNG: every chunk and its checksum, up to IEND
            with Image.open(io.BytesIO(data), formats=OPENED) as image:
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise _too_big() from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageError(broken) from error


def _local(name: str, expected: str = SVG_NS) -> str | None:
    """The local name of an element or attribute in `expected` namespace (or none)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return local if namespace == expected else None
    return name


def _safe_value(name: str, value: str) -> bool:
    """An attribute value that cannot load anything from outside nor run anything."""
    if DANGEROUS_CSS.search(value):
        return False
    if name == "href":
        return value.strip().startswith("#")
    targets = URL.findall(value)
    if re.sub(r"\s+", "", value.lower()).count("url(") != len(targets):
        return False  # an url( the pattern could not read: refused rather than guessed
    return all(target.strip().startswith("#") for _quote, target in targets)


def _clean(element: ElementTree.Element, budget: list[int]) -> None:
    for child in list(element):
        budget[0] -= 1
        tag = _local(child.tag) if isinstance(child.tag, str) else None
        if budget[0] < 0:
            raise ImageError(f"Ce SVG est trop compliqué : {MAX_SVG_ELEMENTS} éléments au plus.")
        if tag not in SVG_ELEMENTS or (tag == "style" and not _safe_value("style", child.text or "")):
            element.remove(child)
            continue
        _clean_attributes(child)
        _clean(child, budget)


def _clean_attributes(element: ElementTree.Element) -> None:
    for name in list(element.attrib):
        value = element.attrib.pop(name)
        if name in (f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"):
            element.set(name, value)
            continue
        local = "href" if name == f"{{{XLINK_NS}}}href" else _local(name, "")  # xlink:href → SVG 2 href
        if local in SVG_ATTRIBUTES and _safe_value(local, value):
            element.set(local, value)


def _depth(root: ElementTree.Element) -> int:
    """How deeply the elements nest, counted without recursion (a hostile file may nest thousands)."""
    deepest, pending = 0, [(root, 1)]
    while pending:
        element, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in element)
    return deepest


def sanitize_svg(data: bytes) -> bytes:
    """Rebuild an SVG from the allowlist; raise ImageError when it is not a well-formed SVG."""
    try:
        root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ImageError("Ce SVG contient une déclaration DOCTYPE ou des entités : elles sont refusées.") from error
    except (ElementTree.ParseError, ValueError) as error:
        raise ImageError(f"Ce fichier SVG est mal formé ({error}).") from error
    if not isinstance(root.tag, str) or root.tag not in ("svg", f"{{{SVG_NS}}}svg"):
        raise ImageError("Ce fichier n'est pas une image SVG : il doit commencer par <svg>.")
    if _depth(root) > MAX_SVG_DEPTH:
        raise ImageError(f"Ce SVG est trop imbriqué : {MAX_SVG_DEPTH} niveaux au plus.")
    if root.tag == "svg":  # no namespace: read every plain name as SVG
        for element in root.iter():
            if isinstance(element.tag, str) and not element.tag.startswith("{"):
                element.tag = f"{{{SVG_NS}}}{element.tag}"
    _clean_attributes(root)
    _clean(root, [MAX_SVG_ELEMENTS])
    # Plain names and one xmlns: the output reads like a hand-written SVG (no ns0: prefixes).
    for element in root.iter():
        element.tag = _local(element.tag) or element.tag
    root.set("xmlns", SVG_NS)
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def safe_name(filename: str, kind: str) -> str:
    """`Photo Écran (1).PNG` → `photo-ecran-1.png`: [a-z0-9-] and the extension of the content."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_stem).strip("-")[:60].strip("-") or "image"
    return f"{cleaned}.{KINDS[kind][1]}"


def check_image(filename: str, data: bytes) -> CheckedImage:
    """Check an upload by its content and size; SVG comes back sanitized."""
    limit = current_app.config["IMAGE_MAX_BYTES"]
    if not data:
        raise ImageError("Le fichier est vide.")
    if len(data) > limit:
        raise ImageError(f"L'image est trop lourde ({_size(len(data))}) : {_size(limit)} au plus. "
                         "Réduisez-la, puis envoyez-la de nouveau.")
    kind = sniff(data)
    if kind is None:
        raise ImageError("Ce fichier n'est pas une image PNG, JPEG, WebP ou SVG (son contenu a été vérifié, "
                         "pas seulement son nom).")
    if kind == "svg":
        data = sanitize_svg(data)
    else:
        _check_raster(kind, data)
    return CheckedImage(safe_name(filename, kind), kind, data)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} Mo".replace(".", ",") if count >= 1024 * 1024 else f"{count // 1024} Ko"


def store_image(filename: str, data: bytes, author: User | None) -> ModuleImage | None:
    """Check and store an image. An identical one is not stored twice (None for a shipped one).

    A name is never reused for other content: a revision, and a running session, keep
    showing the picture they were written with.
    """
    checked = check_image(filename, data)
    digest = hashlib.sha256(checked.data).hexdigest()
    shipped = image_path(checked.name)
    if shipped is not None:
        if shipped.read_bytes() in (data, checked.data):
            return None
        raise ImageError(f"Une image du Kit s'appelle déjà « {checked.name} ». Renommez votre fichier.")
    existing = db.session.scalar(sa.select(ModuleImage).where(ModuleImage.name == checked.name))
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise ImageError(f"Une autre image s'appelle déjà « {checked.name} ». Renommez votre fichier, "
                         f"par exemple « {_next_name(checked.name)} ».")
    image = ModuleImage(name=checked.name, mimetype=checked.mimetype, data=checked.data, sha256=digest,
                        size=len(checked.data), author_id=author.id if author else None)
    db.session.add(image)
    db.session.commit()
    return image


def _next_name(name: str) -> str:
    stem, extension = name.rsplit(".", 1)
    taken = set(db.session.scalars(sa.select(ModuleImage.name).where(ModuleImage.name.like(f"{stem}-%"))))
    number = 2
    while f"{stem}-{number}.{extension}" in taken:
        number += 1
    return f"{stem}-{number}.{extension}"


def uploaded_images() -> list[ModuleImage]:
    """Every uploaded image, newest first."""
    return list(db.session.scalars(sa.select(ModuleImage).order_by(ModuleImage.id.desc())))
