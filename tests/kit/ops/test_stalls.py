"""The stall watch measures how long the event loop was held, and by what."""

from __future__ import annotations

import time
from collections.abc import Iterator

import gevent
import pytest

from kit.ops import stalls


@pytest.fixture
def watch() -> Iterator[stalls.Stalls]:
    watching = stalls.watch(0.05)
    gevent.sleep(0.05)  # the ticker and the monitor thread are running
    yield watching
    watching.stop()


def hold_the_loop(seconds: float) -> None:
    time.sleep(seconds)  # not patched in the test process: a C sleep that gevent cannot switch away from


def test_a_stall_is_measured_with_the_stack_that_caused_it(watch: stalls.Stalls,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    gevent.spawn(hold_the_loop, 0.3).join()
    gevent.sleep(0.05)  # the ticker wakes and logs
    assert len(watch.lengths) == 1 and 0.28 <= watch.lengths[0] < 2.0
    [record] = [r for r in caplog.records if r.name == "kit.hub" and r.levelname == "WARNING"]
    assert "bloquée" in record.getMessage()
    assert "hold_the_loop" in record.stack  # type: ignore[attr-defined]


def test_a_loop_that_yields_is_not_a_stall(watch: stalls.Stalls) -> None:
    for _ in range(20):
        gevent.spawn(hold_the_loop, 0.005).join()  # short work, then the loop goes on
        gevent.sleep(0.01)
    assert watch.lengths == []


def test_a_busy_loop_of_short_tasks_is_a_delay_not_a_stall(watch: stalls.Stalls) -> None:
    def short_task() -> None:
        hold_the_loop(0.003)

    gevent.joinall([gevent.spawn(short_task) for _ in range(60)])  # 180 ms of work, each task yielding
    gevent.sleep(0.05)
    assert watch.lengths == [] and watch.busy, (watch.lengths, watch.busy)


def test_stopping_ends_the_monitor_thread(watch: stalls.Stalls) -> None:
    watch.stop()
    assert gevent.get_hub().periodic_monitoring_thread is None
    assert watch.ticker is not None and watch.ticker.dead
    gevent.spawn(hold_the_loop, 0.2).join()
    gevent.sleep(0.05)
    assert watch.lengths == []
