"""Static files under content-hashed names (kit/ops/static_files.py): names, headers, stale and unknown names."""

from __future__ import annotations

import os
import re
from pathlib import Path

from flask import Flask, url_for
from flask.testing import FlaskClient

from kit.ops.static_files import HASHED, StaticDigests

ROOT = Path(__file__).resolve().parents[3]
IMMUTABLE = "public, max-age=31536000, immutable"


def test_the_name_follows_the_content(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "phone.css"
    sheet.write_text("body { color: black }")
    digests = StaticDigests(tmp_path)
    first = digests.hashed_name("css/phone.css")
    assert re.fullmatch(r"css/phone\.[0-9a-f]{8}\.css", first)
    assert digests.hashed_name("css/phone.css") == first  # the same bytes, the same name
    sheet.write_text("body { color: navy }")
    os.utime(sheet, ns=(1, 1))  # a new modification time, as an edit or an update gives
    second = digests.hashed_name("css/phone.css")
    assert second != first and re.fullmatch(r"css/phone\.[0-9a-f]{8}\.css", second)
    # Both resolve to the file: the new name for a year, the old one revalidated every time.
    assert digests.resolve(second) == ("css/phone.css", 365 * 24 * 3600, True)
    assert digests.resolve(first) == ("css/phone.css", None, False)
    assert digests.resolve("css/phone.css") == ("css/phone.css", 300, False)


def test_names_without_a_file_or_a_suffix_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT")
    digests = StaticDigests(tmp_path)
    assert digests.hashed_name("LICENSE") == "LICENSE"
    assert digests.hashed_name("missing.css") == "missing.css"
    assert digests.hashed_name("../kit/config.py") == "../kit/config.py"
    assert digests.resolve("missing.12345678.css") is None
    assert digests.resolve("../LICENSE") is None
    assert digests.warm() == 1


def test_no_shipped_static_file_looks_hashed() -> None:
    """A real file named like a hashed one would be served by nginx as another file (deploy/nginx.conf)."""
    hashed = [p for p in (ROOT / "static").rglob("*") if p.is_file() and HASHED.match(p.name)]
    assert hashed == []


def test_url_for_gives_the_hashed_name(app: Flask) -> None:
    with app.test_request_context():
        url = url_for("static", filename="css/phone.css")
        vendor = url_for("static", filename="vendor/socket.io.min.js")
    assert re.fullmatch(r"/static/css/phone\.[0-9a-f]{8}\.css", url)
    assert re.fullmatch(r"/static/vendor/socket\.io\.min\.[0-9a-f]{8}\.js", vendor)


def test_pages_name_only_hashed_static_files(client: FlaskClient) -> None:
    html = client.get("/j").get_data(as_text=True)
    names = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert names, html[:500]
    assert all(HASHED.match(name.rsplit("/", 1)[1]) for name in names), names


def test_hashed_names_are_immutable_for_a_year(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        url = url_for("static", filename="css/phone.css")
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["Content-Encoding"] == "gzip"  # Flask-Compress still compresses it
    # The same for every visitor: no Vary: Cookie, no session cookie (kit/ops/headers.py).
    assert response.headers["Vary"] == "Accept-Encoding" and "Set-Cookie" not in response.headers
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_plain_names_still_work_for_a_short_while(client: FlaskClient) -> None:
    response = client.get("/static/css/phone.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.get_data() == (ROOT / "static" / "css" / "phone.css").read_bytes()


def test_a_stale_hash_gets_the_current_file_revalidated(client: FlaskClient) -> None:
    response = client.get("/static/css/phone.00000000.css")
    assert response.status_code == 200
    assert response.get_data() == (ROOT / "static" / "css" / "phone.css").read_bytes()
    assert "no-cache" in response.headers["Cache-Control"] and "immutable" not in response.headers["Cache-Control"]


def test_unknown_files_are_the_french_404(client: FlaskClient) -> None:
    for path in ("/static/css/nope.css", "/static/css/nope.12345678.css", "/static/../kit/config.py",
                 "/static/css", "/static/css/phone.css/x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page introuvable" in response.get_data(as_text=True), path
