"""deploy/nginx.conf serves static files as the Kit does (kit/ops/static_files.py): hashed names a year, immutable.

nginx alone in front of one Kit (a thread of this test), with the shipped file's locations; no PostgreSQL nor
Redis needed. Skipped without nginx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.cluster import Nginx, nginx_binary
from tests.conftest import free_port

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def nginx(tmp_path: Path, live_server: str) -> Iterator[Nginx]:
    if nginx_binary() is None:
        pytest.skip("nginx n'est pas installé (apt-get install nginx)")
    port = urlsplit(live_server).port
    assert port
    server = Nginx(tmp_path / "nginx", free_port()).start([port], worker_processes="1")
    yield server
    server.stop()


def test_nginx_serves_the_hashed_names_for_a_year(nginx: Nginx, live_server: str) -> None:
    page = requests.get(nginx.url + "/j", timeout=10).text
    sheet = re.search(r'href="(/static/css/phone\.[0-9a-f]{8}\.css)"', page)
    assert sheet, page[:500]
    hashed = requests.get(nginx.url + sheet.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert hashed.status_code == 200 and hashed.headers["Server"].startswith("nginx")
    assert hashed.headers["Cache-Control"] == IMMUTABLE
    assert hashed.headers["Content-Type"].startswith("text/css") and hashed.headers["Content-Encoding"] == "gzip"
    assert "Set-Cookie" not in hashed.headers and "ETag" in hashed.headers
    plain = requests.get(nginx.url + "/static/css/phone.css", timeout=10)
    assert plain.content == hashed.content
    assert plain.headers["Cache-Control"] == "max-age=300"
    # The same name as the Kit gives, and the same bytes.
    assert requests.get(live_server + sheet.group(1), timeout=10).content == hashed.content


def test_an_unknown_static_file_is_the_kits_french_404(nginx: Nginx) -> None:
    for path in ("/static/css/nope.css", "/static/css/nope.12345678.css"):
        response = requests.get(nginx.url + path, timeout=10)
        assert response.status_code == 404, path
        assert "Page introuvable" in response.text, path
