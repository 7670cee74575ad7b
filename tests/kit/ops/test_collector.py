"""The server process's garbage collector settings (kit/ops/collector.py)."""

from __future__ import annotations

import gc
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.ops import collector

ROOT = Path(__file__).resolve().parents[3]


def test_settle_freezes_start_up_objects_and_sets_the_thresholds() -> None:
    # In a child process: freezing pytest's own objects would hide them from later tests' collections.
    code = ("import gc, json; from kit.ops import collector; collector.settle((12345, 7, 3)); "
            "print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    frozen, thresholds = json.loads(out.stdout)
    assert frozen > 10_000  # the interpreter's and the imported modules' objects
    assert thresholds == [12345, 7, 3]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def gc_log() -> Iterator[Records]:
    """What kit.gc writes, whatever an app built by an earlier test did to the loggers' levels and propagation."""
    handler, logger = Records(), logging.getLogger("kit.gc")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_slow_collection_is_logged_in_french(gc_log: Records) -> None:
    callback = collector.watch(slow=0.0)  # every collection counts as slow
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)
    assert gc_log.records and gc_log.records[0].getMessage().startswith("pause du ramasse-miettes")
    assert gc_log.records[0].generation == 2 and gc_log.records[0].pause_ms >= 0


def test_a_quick_collection_is_not_logged(gc_log: Records) -> None:
    callback = collector.watch(slow=60.0)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)
    assert not gc_log.records
