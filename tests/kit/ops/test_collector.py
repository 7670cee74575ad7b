"""The server process's garbage collector settings (kit/ops/collector.py)."""

from __future__ import annotations

import gc
import json
import logging
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import gevent
import pytest

from kit.ops import collector
from tests.kit.ops.support import demo_sqlite, free_port, run_py

ROOT = Path(__file__).resolve().parents[3]


def test_settle_freezes_start_up_objects_and_sets_the_thresholds() -> None:
    # In a child process: freezing pytest's own objects would hide them from later tests' collections.
    code = ("import gc, json; from kit.ops import collector; collector.settle((12345, 7, 3)); "
            "print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    frozen, thresholds = json.loads(out.stdout)
    assert frozen > 10_000  # the interpreter's and the imported modules' objects
    assert thresholds == [12345, 7, 3]


def test_a_middle_collection_walks_a_few_young_generations_while_everything_survives() -> None:
    # A wave of connections, where nearly every object survives. What a middle collection walks is what it
    # pauses the process for (docs/performance.md: 33 to 68 ms with Python's 10 young collections per middle one).
    code = ("import gc, json; from kit.ops import collector; collector.settle(); walked = []\n"
            "def watch(phase, info):\n"
            "    if phase == 'start' and info['generation'] == 1:\n"
            "        walked.append(len(gc.get_objects(0)) + len(gc.get_objects(1)))\n"
            "gc.callbacks.append(watch); kept = [[i] for i in range(300_000)]; gc.callbacks.remove(watch)\n"
            "print(json.dumps([walked, collector.THRESHOLDS[0]]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    walked, young = json.loads(out.stdout)
    assert walked  # 300,000 survivors: middle collections were made
    # Python makes one when more young collections than the threshold (3) have run since the last one: it walks
    # those survivors and the young generation, some 100,000 objects here (240,000 with 10).
    assert max(walked) <= 6 * young


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
        assert not gc_log.records  # noted inside the collector, logged outside it
    finally:
        collector.unwatch(callback)  # reports what was noted
    assert gc_log.records and gc_log.records[0].getMessage().startswith("pause du ramasse-miettes")
    assert gc_log.records[0].generation == 2 and gc_log.records[0].pause_ms >= 0


def test_a_quick_collection_is_not_logged(gc_log: Records) -> None:
    callback = collector.watch(slow=60.0)
    try:
        gc.collect()
    finally:
        collector.unwatch(callback)
    assert not gc_log.records and callback not in gc.callbacks


def test_the_callback_logs_nothing_and_touches_no_greenlet() -> None:
    """Inside the collector, the callback must not call logging or greenlet: both break at finalization.

    A child process stands for the interpreter's last collections: greenlet.getcurrent raises there as it does
    once Python is finalizing, and logging would raise too.
    """
    code = """
import gc, logging, greenlet
from kit.ops import collector
from tests.kit.ops.support import demo_sqlite, free_port, run_py
def refuse(*args, **kwargs):
    raise RuntimeError("greenlet is being finalized")
greenlet.getcurrent = refuse
logging.Logger.warning = refuse
callback = collector.watch(slow=0.0)
for _ in range(50):
    gc.collect()
gc.callbacks.remove(callback)
print(len(collector._noted))
collector._noted.clear()  # nothing for the report at exit, which this fake logging would refuse
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-2000:]
    assert int(done.stdout) == 50


def test_a_process_that_exits_while_watching_prints_nothing() -> None:
    """The callback is removed at exit, and what it noted is logged then."""
    code = ("import gc, logging, sys; logging.basicConfig(stream=sys.stdout); from kit.ops import collector; "
            "collector.watch(slow=0.0); gc.collect()")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-2000:]
    assert "pause du ramasse-miettes" in done.stdout


def test_stopping_a_server_many_times_prints_no_ignored_exception(tmp_path: Path) -> None:
    """About 1 stop in 9 printed "Exception ignored in: <function watch.<locals>.on_collection>" (issue 13).

    GC_SLOW_PAUSE_MS=0 makes every collection a slow one, the interpreter's last ones too: the old callback
    then failed at every stop, not 1 in 9.
    """
    database = f"sqlite:///{demo_sqlite(tmp_path)}"
    for batch in range(2):
        servers = [run_py(database, free_port(), tmp_path / f"{batch}-{n}.log", GC_SLOW_PAUSE_MS="0",
                          LOG_FORMAT="text") for n in range(4)]
        try:
            for server in servers:
                server.start()
            for server in servers:
                assert server.signal(signal.SIGTERM) == 0
        finally:
            for server in servers:
                server.kill()
        for server in servers:
            output = server.output()
            assert "Exception ignored" not in output and "Traceback" not in output, output[-3000:]
            assert "greenlet is being finalized" not in output
            assert "arrêt propre" in output


class FullCollections:
    """The full collections made while a test runs, and a loop kept busy on demand."""

    def __init__(self) -> None:
        self.made = 0
        self.spinning = False
        self.busy: gevent.Greenlet | None = None

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            self.made += 1

    def spin(self) -> None:
        """Keep the loop busy: a greenlet always ready to run again."""
        self.spinning = True

        def run() -> None:
            while self.spinning:
                gevent.sleep(0)

        self.busy = gevent.spawn(run)

    def rest(self) -> None:
        self.spinning = False
        if self.busy is not None:
            self.busy.join()

    def wait_for(self, count: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self.made < count and time.monotonic() < deadline:
            gevent.sleep(0.01)
        return self.made >= count


@pytest.fixture
def full_collections() -> Iterator[FullCollections]:
    watched, thresholds = FullCollections(), gc.get_threshold()
    gc.callbacks.append(watched)
    yield watched
    watched.rest()
    gc.callbacks.remove(watched)
    gc.set_threshold(*thresholds)


def make_a_full_collection_due() -> None:
    for _ in range(collector.FULL_AFTER):
        gc.collect(1)  # each counts one middle-generation collection toward the next full one


def test_a_due_full_collection_waits_while_the_loop_is_busy_and_runs_once_it_is_idle(
        full_collections: FullCollections) -> None:
    worker = gevent.spawn(collector.full_collections_when_idle, 0.01, 600)
    try:
        gevent.sleep(0.05)
        assert gc.get_threshold()[2] == collector.FULL_OFF  # Python makes none by itself
        full_collections.spin()
        make_a_full_collection_due()
        gevent.sleep(0.5)
        assert full_collections.made == 0, "a full collection ran while the loop was busy"
        full_collections.rest()
        assert full_collections.wait_for(1, 10), "no full collection once the loop was idle"
        gevent.sleep(0.2)
        assert full_collections.made == 1  # not again until FULL_AFTER more middle collections
    finally:
        worker.kill()


def test_a_loop_that_is_never_idle_cannot_put_off_a_full_collection_for_ever(
        full_collections: FullCollections) -> None:
    worker = gevent.spawn(collector.full_collections_when_idle, 0.01, 0.2)
    try:
        gevent.sleep(0.05)
        full_collections.spin()
        make_a_full_collection_due()
        assert full_collections.wait_for(1, 10), "the busy loop put the full collection off for ever"
        assert full_collections.spinning and not full_collections.busy.dead  # type: ignore[union-attr]
    finally:
        worker.kill()


def test_what_survives_a_full_collection_is_frozen_and_thawed_from_time_to_time(
        full_collections: FullCollections) -> None:
    """The next full collections walk only what came since; every `thaw_every`, everything once more.

    Two workers, so that no clock decides: one that never thaws within the test, then one that always does.
    """
    frozen_before = gc.get_freeze_count()
    worker = gevent.spawn(collector.full_collections_when_idle, 0.01, 600, 3600)
    try:
        gevent.sleep(0.05)
        make_a_full_collection_due()
        assert full_collections.wait_for(1, 10)
        kept = [[n] for n in range(5000)]  # survivors of the next full collection
        frozen = gc.get_freeze_count()
        assert frozen > frozen_before
        make_a_full_collection_due()
        assert full_collections.wait_for(2, 10)
        assert gc.get_freeze_count() >= frozen + len(kept)  # frozen in their turn
        holder = SelfCycle()  # a cycle, frozen alive, that dies afterwards
        ref = weakref.ref(holder)
        make_a_full_collection_due()
        assert full_collections.wait_for(3, 10)
        del holder
        make_a_full_collection_due()
        assert full_collections.wait_for(4, 10)
        assert ref() is not None  # frozen: a full collection does not walk it
        worker.kill()
        worker = gevent.spawn(collector.full_collections_when_idle, 0.01, 600, 0)  # thaws before each one
        gevent.sleep(0.05)
        make_a_full_collection_due()
        assert full_collections.wait_for(5, 10)
        assert ref() is None  # walked again, and freed
    finally:
        worker.kill()
        gc.unfreeze()  # pytest's process freezes nothing: later tests' collections see everything again


class SelfCycle:
    """An object that only a collection can free: it refers to itself."""

    def __init__(self) -> None:
        self.me = self
