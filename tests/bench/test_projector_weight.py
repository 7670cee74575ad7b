"""Weight of the projector page of each module: HTML and everything it loads, raw and gzipped."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.test_shipped_modules import MODULES

pytestmark = pytest.mark.bench

ASSET = re.compile(r'(?:src|href)="(/(?:static|modules/images)/[^"]+)"')


def transfer(client: object, url: str) -> tuple[int, int]:
    """(raw bytes, bytes sent with Accept-Encoding: gzip) of one URL."""
    raw = client.get(url)  # type: ignore[attr-defined]
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})  # type: ignore[attr-defined]
    sizes = len(raw.get_data()), len(gz.get_data())
    raw.close()
    gz.close()
    return sizes


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_projector_page_weight(app: Flask, path: object) -> None:
    client = app.test_client()
    page = f"/modules/{path.stem}/projection"  # type: ignore[attr-defined]
    html = client.get(page).get_data(as_text=True)
    urls = [page, *sorted(set(ASSET.findall(html)))]
    total_raw = total_gz = 0
    for url in urls:
        raw, gz = transfer(client, url)
        total_raw += raw
        total_gz += gz
    print(f"\n{path.stem}: {len(urls)} fichiers, {total_raw / 1024:.1f} Ko bruts, "  # type: ignore[attr-defined]
          f"{total_gz / 1024:.1f} Ko compressés (gzip)")
    assert total_gz < 400 * 1024
