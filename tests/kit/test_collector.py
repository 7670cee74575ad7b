"""The server process's garbage collector settings (kit/collector.py)."""

from __future__ import annotations

import gc
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from kit import collector

ROOT = Path(__file__).resolve().parent.parent.parent


def test_settle_freezes_start_up_objects_and_sets_the_thresholds() -> None:
    # In a child process: freezing pytest's own objects would hide them from later tests' collections.
    code = ("import gc, json; from kit import collector; collector.settle((12345, 7, 3)); "
            "print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    frozen, thresholds = json.loads(out.stdout)
    assert frozen > 10_000  # the interpreter's and the imported modules' objects
    assert thresholds == [12345, 7, 3]


def test_a_slow_collection_is_logged_in_french(caplog: pytest.LogCaptureFixture) -> None:
    callback = collector.watch(slow=0.0)  # every collection counts as slow
    try:
        with caplog.at_level(logging.WARNING, logger="kit.gc"):
            gc.collect()
    finally:
        gc.callbacks.remove(callback)
    records = [r for r in caplog.records if r.name == "kit.gc"]
    assert records and records[0].getMessage().startswith("pause du ramasse-miettes")
    assert records[0].generation == 2 and records[0].pause_ms >= 0


def test_a_quick_collection_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    callback = collector.watch(slow=60.0)
    try:
        with caplog.at_level(logging.WARNING, logger="kit.gc"):
            gc.collect()
    finally:
        gc.callbacks.remove(callback)
    assert not [r for r in caplog.records if r.name == "kit.gc"]
