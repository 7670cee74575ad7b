"""Lighthouse targets of issue 17 on the session's pages (tests/bench/lighthouse_pages.py does the runs).

Run: .venv/bin/pytest tests/bench/test_lighthouse_pages.py -m bench -q -s -p no:cacheprovider
"""

from __future__ import annotations

import pytest

from tests.bench.lighthouse_pages import audit_pages, lighthouse_binary

pytestmark = pytest.mark.bench


def test_lighthouse_targets() -> None:
    """Best practices 100 and performance ≥ 95 on the phone, projector and presenter pages (mobile)."""
    binary = lighthouse_binary()
    if binary is None:
        pytest.skip("Lighthouse n'est pas installé (npm install lighthouse hors du dépôt, ou LIGHTHOUSE=…)")
    for audit in audit_pages(binary, 1):
        assert audit.scores["best-practices"] == 100, (audit.page, audit.failing)
        assert audit.scores["performance"] >= 95, (audit.page, audit.metrics, audit.failing)
