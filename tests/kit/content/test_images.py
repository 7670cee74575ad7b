"""Uploaded images: checked by content, size-limited, SVG sanitized, served strictly, found by the compiler."""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from kit.content.images import ImageError, check_image, safe_name, sanitize_svg, sniff, store_image
from kit.content.library import compile_text
from kit.content.views import uploads
from slides import DeckError
from tests.slides.helpers import module

ROOT = Path(__file__).resolve().parents[3]


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def encoded(kind: str, width: int = 16, height: int = 16) -> bytes:
    """A real picture, encoded by Pillow."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (192, 32, 32)).save(out, kind)
    return out.getvalue()


def forged_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces width × height pixels (what a decompression bomb looks like)."""
    real = png()
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return real[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + real[33:]


JPEG = encoded("JPEG")
WEBP = encoded("WEBP")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Un carre</title>'
       b'<rect width="5" height="5"/></svg>')

HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect onclick="alert(2)" width="1"/></svg>',
    "foreignObject": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/'
                     b'xhtml"><script>alert(1)</script></body></foreignObject></svg>',
    "javascript-link": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a>'
                       b'</svg>',
    "external-use": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                    b'<use xlink:href="https://evil.example/x.svg#a"/><use href="data:image/svg+xml,x"/></svg>',
    "external-image": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
    "style-import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);'
                    b'</style><rect width="1"/></svg>',
    "style-url": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/p)" '
                 b'fill="url( \'https://evil.example/g\' )" width="1"/></svg>',
    "css-escape": b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:\\75rl(https://evil.example)}</style>'
                  b'</svg>',
    "animate-href": b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/>'
                    b'<animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
    "iframe": b'<svg xmlns="http://www.w3.org/2000/svg"><iframe xmlns="http://www.w3.org/1999/xhtml" '
              b'src="https://evil.example"/></svg>',
    "handler-case": b'<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="alert(1)" OnMouseOver="x" width="1"/>'
                    b'</svg>',
}
XML_ATTACKS = {
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                      b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>',
    "xxe": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    "doctype": b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
               b'<svg xmlns="http://www.w3.org/2000/svg"/>',
}


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """A request context of the app."""
    with app.test_request_context():
        yield app



def upload(client: FlaskClient, filename: str, data: bytes) -> object:
    """Post one file to the images page."""
    return client.post("/editeur/images", data={"image": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("data", "kind"), [(png(), "png"), (JPEG, "jpeg"), (WEBP, "webp"), (SVG, "svg"),
                                            (b"\xef\xbb\xbf\n  <?xml version='1.0'?>\n" + SVG, "svg"),
                                            (b"GIF89a....", None), (b"<html><body>x</body></html>", None),
                                            (b"%PDF-1.4", None), (b"", None)])
def test_sniff_reads_the_content(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_names_are_normalized_and_take_the_extension_of_the_content(ctx: Flask) -> None:
    assert safe_name("Photo Écran (1).PNG", "png") == "photo-ecran-1.png"
    assert safe_name("../../etc/passwd", "svg") == "passwd.svg"
    assert safe_name("..\\..\\x.jpg", "jpeg") == "x.jpg"
    assert safe_name("???.webp", "webp") == "image.webp"
    # A PNG named .svg is a PNG; an HTML page named .png is refused.
    assert check_image("vraiment.svg", png()).name == "vraiment.png"
    with pytest.raises(ImageError, match="n'est pas une image PNG, JPEG, WebP ou SVG"):
        check_image("photo.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ImageError, match="n'est pas une image SVG"):
        check_image("page.svg", b"<html><svg></svg></html>")


def test_size_limit_and_broken_files(ctx: Flask) -> None:
    ctx.config["IMAGE_MAX_BYTES"] = 1000
    with pytest.raises(ImageError, match=r"trop lourde \(1 Ko\) : 0 Ko au plus"):
        check_image("grande.png", png() + b"\x00" * 1000)
    ctx.config["IMAGE_MAX_BYTES"] = 1024 * 1024
    with pytest.raises(ImageError, match="vide"):
        check_image("vide.png", b"")
    with pytest.raises(ImageError, match="PNG est abîmé"):
        check_image("coupee.png", png()[:40])
    with pytest.raises(ImageError, match="JPEG est abîmé"):
        check_image("coupee.jpg", JPEG[:len(JPEG) // 2])
    with pytest.raises(ImageError, match="WebP est abîmé"):
        check_image("coupee.webp", WEBP[:len(WEBP) - 8])
    # The right first bytes are not enough: the picture itself must decode.
    with pytest.raises(ImageError, match="PNG est abîmé"):
        check_image("forgee.png", png()[:41] + b"\x00" * 8 + png()[49:])
    with pytest.raises(ImageError, match="JPEG est abîmé"):
        check_image("forgee.jpg", JPEG[:200] + b"\xff" * 200 + JPEG[400:])
    with pytest.raises(ImageError, match="mal formé"):
        check_image("casse.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>")


@pytest.mark.parametrize(("width", "height"), [(5001, 5000), (20_000, 20_000)])
def test_too_many_pixels_are_refused_before_decoding(ctx: Flask, width: int, height: int) -> None:
    # 25 megapixels at most: 5001 × 5000 is just over; 400 megapixels is past Pillow's own bomb limit.
    with pytest.raises(ImageError, match=r"trop grande.*25 millions de pixels au plus"):
        check_image("bombe.png", forged_png(width, height))
    assert check_image("grande.png", encoded("PNG", 5000, 100)).kind == "png"


def test_deeply_nested_svg_is_refused_in_french(admin: FlaskClient) -> None:
    nested = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 1000 + b"</g>" * 1000 + b"</svg>"
    response = upload(admin, "poupees.svg", nested)
    assert response.status_code == 422
    assert "Ce SVG est trop imbriqué : 100 niveaux au plus." in html.unescape(response.get_data(as_text=True))
    fine = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 99 + b"</g>" * 99 + b"</svg>"
    assert upload(admin, "gigognes.svg", fine).status_code == 302


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svg_is_sanitized(name: str) -> None:
    cleaned = sanitize_svg(HOSTILE_SVGS[name])
    root = fromstring(cleaned)  # still well-formed SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = cleaned.decode().lower()
    for forbidden in ("<script", "foreignobject", "javascript:", "evil.example", "onload", "onclick", "onmouseover",
                      "<iframe", "<image", "<set", "<animate", "@import", "data:", "\\75"):
        assert forbidden not in text, (name, forbidden, text)


@pytest.mark.parametrize("name", sorted(XML_ATTACKS))
def test_xml_attacks_are_refused(name: str) -> None:
    with pytest.raises(ImageError, match="DOCTYPE"):
        sanitize_svg(XML_ATTACKS[name])


def test_internal_references_and_shipped_pictures_survive() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs>'
           b'<linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient><circle id="c" r="2"/></defs>'
           b'<rect fill="url(#g)" width="4" height="4"/><use xlink:href="#c"/><style>.a{fill:#123}</style></svg>')
    cleaned = sanitize_svg(svg).decode()
    assert 'fill="url(#g)"' in cleaned and 'href="#c"' in cleaned and ".a{fill:#123}" in cleaned
    for path in sorted((ROOT / "modules" / "images").glob("*.svg")):
        raw = path.read_bytes()
        kept = sanitize_svg(raw)
        assert len(list(fromstring(kept).iter())) == len(list(fromstring(raw).iter())), path.name


def test_upload_stores_serves_and_is_found_by_the_compiler(admin: FlaskClient, app: Flask) -> None:
    response = upload(admin, "Écran d'accueil.PNG", png())
    assert response.status_code == 302
    shown = admin.get("/editeur/images").get_data(as_text=True)
    assert "ecran-d-accueil.png" in shown and "![description](ecran-d-accueil.png)" in shown
    served = admin.get("/medias/ecran-d-accueil.png")
    assert served.status_code == 200 and served.data == png() and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    again = admin.get("/medias/ecran-d-accueil.png", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    assert app.test_client().get("/medias/absente.png").status_code == 404
    text = module("durée: 2\n\n## Images\n\n![Un écran](ecran-d-accueil.png)\n\n![Des gestes](01-gestes.svg)\n")
    with app.test_request_context():
        deck = compile_text("essai", text)
        body = deck.slides[0].html
        assert 'src="/medias/ecran-d-accueil.png"' in body and 'src="/modules/images/01-gestes.svg"' in body
        with pytest.raises(DeckError, match="image introuvable"):
            compile_text("essai", text.replace("ecran-d-accueil.png", "absente.png"))


def test_uploaded_svg_is_served_sanitized(admin: FlaskClient) -> None:
    assert upload(admin, "schema.svg", HOSTILE_SVGS["onload"]).status_code == 302
    served = admin.get("/medias/schema.svg")
    assert served.mimetype == "image/svg+xml" and b"alert" not in served.data and b"<rect" in served.data


def test_upload_errors_are_clear_and_in_french(admin: FlaskClient, app: Flask,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    response = upload(admin, "photo.png", b"<html>pas une image</html>")
    assert response.status_code == 422
    assert "n'est pas une image PNG, JPEG, WebP ou SVG" in html.unescape(response.get_data(as_text=True))
    app.config["IMAGE_MAX_BYTES"] = 4096
    response = upload(admin, "grande.png", png(200, 200) + b"\x00" * 5000)
    assert response.status_code == 422 and "trop lourde" in response.get_data(as_text=True)
    # A phone's photo of a few megabytes, over the whole app's request limit: the image's own message.
    app.config["MAX_CONTENT_LENGTH"] = 8192
    response = upload(admin, "photo.jpg", JPEG + b"\x00" * 300 * 1024)
    assert response.status_code == 422
    assert "L'image est trop lourde (300 Ko) : 4 Ko au plus." in html.unescape(response.get_data(as_text=True))
    # Beyond what an upload is read to, the server's own answer. (Bodies under 500 Ko: the test
    # client keeps larger ones in a temporary file it never closes.)
    monkeypatch.setattr(uploads, "IMAGE_UPLOAD_READ_BYTES", 100 * 1024)
    response = admin.post("/editeur/images", data={"image": (io.BytesIO(b"\x00" * 200 * 1024), "x.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 413 and "Fichier trop gros" in response.get_data(as_text=True)
    response = admin.post("/editeur/images", data={}, content_type="multipart/form-data")
    assert "Choisissez un fichier image." in response.get_data(as_text=True)


def test_a_name_is_never_reused_for_another_picture(ctx: Flask) -> None:
    first = store_image("logo.png", png(), None)
    assert store_image("logo.png", png(), None).id == first.id  # the same picture again: nothing new
    with pytest.raises(ImageError, match=re.escape("« logo-2.png »")):
        store_image("logo.png", png(3, 3), None)
    shipped = (ROOT / "modules" / "images" / "01-gestes.svg").read_bytes()
    assert store_image("01-gestes.svg", shipped, None) is None  # the Kit's own picture: already there
    with pytest.raises(ImageError, match="image du Kit"):
        store_image("01-gestes.svg", SVG, None)


def test_a_deeply_nested_svg_is_refused_in_french(admin: FlaskClient, ctx: Flask) -> None:
    """1,000 nested <g> was a RecursionError, a 500 (issue 13); 100 levels still pass."""
    def nested(depth: int) -> bytes:
        return (b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * depth + b'<rect width="1"/>'
                + b"</g>" * depth + b"</svg>")

    with pytest.raises(ImageError, match="trop imbriqué : 100 niveaux au plus"):
        check_image("profond.svg", nested(1000))
    assert b"<rect" in check_image("raisonnable.svg", nested(98)).data
    response = upload(admin, "profond.svg", nested(1000))
    assert response.status_code == 422  # the page again, with the error other bad images get; never a 500
    assert "trop imbriqué" in html.unescape(response.get_data(as_text=True))
