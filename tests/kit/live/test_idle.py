"""kit/live/idle.py: work done when the event loop is idle, after the events already waiting, once per key."""

from __future__ import annotations

import time
from collections.abc import Hashable

import gevent
import gevent.socket

from kit.live.idle import IdleQueue


def stream(count: int, order: list[object]) -> list[gevent.Greenlet]:
    """A reader and a writer exchanging `count` bytes over a socket pair, one event of the loop per byte."""
    left, right = gevent.socket.socketpair()

    def read() -> None:
        for number in range(count):
            right.recv(1)
            order.append(number)
        right.close()

    def write() -> None:
        for _ in range(count):
            left.send(b"x")
            gevent.sleep(0)
        left.close()

    return [gevent.spawn(read), gevent.spawn(write)]


def test_the_work_waits_for_the_events_already_coming_and_runs_once_per_key() -> None:
    order: list[object] = []
    queue = IdleQueue(lambda key: order.append(("run", key)), longest_wait=5)
    greenlets = stream(200, order)
    gevent.sleep(0)
    queue.add("a")
    queue.add("b")
    queue.add("a")  # already waiting: not twice
    gevent.joinall(greenlets, timeout=10)
    gevent.sleep(0.05)
    assert order[-2:] == [("run", "a"), ("run", "b")], order[:5]
    assert order[:200] == list(range(200))
    assert queue.waiting() == 0


def test_a_busy_loop_delays_the_work_but_cannot_starve_it() -> None:
    ran: list[float] = []
    queue = IdleQueue(lambda key: ran.append(time.monotonic()), longest_wait=0.05)
    def spin() -> None:  # always ready to run again: the loop is never idle
        while True:
            gevent.sleep(0)

    busy = gevent.spawn(spin)
    started = time.monotonic()
    queue.add(1)
    queue.add(2)
    deadline = started + 5  # generous: a loaded machine may keep this process off the CPU for a while
    while len(ran) < 2 and time.monotonic() < deadline:
        gevent.sleep(0.01)
    assert len(ran) == 2 and busy.dead is False  # both ran while the loop was still busy: not starved
    assert all(at - started >= 0.04 for at in ran), [at - started for at in ran]  # they waited for longest_wait
    busy.kill()


def test_a_failed_run_does_not_keep_the_other_keys_waiting() -> None:
    ran: list[Hashable] = []

    def run(key: Hashable) -> None:
        if key == "cassé":
            raise RuntimeError("exprès")
        ran.append(key)

    queue = IdleQueue(run, longest_wait=0.05)
    for key in ("cassé", "a", "b"):
        queue.add(key)
    gevent.sleep(0.2)
    assert ran == ["a", "b"]
    queue.add("c")  # the queue still works afterwards
    gevent.sleep(0.1)
    assert ran == ["a", "b", "c"]


def test_overdue_work_still_lets_the_loop_run_between_two_keys() -> None:
    """Keys that waited past `longest_wait` run one per turn of the loop, not all in one go (a stall)."""
    turns: list[str] = []
    queue = IdleQueue(lambda key: turns.append("run"), longest_wait=0.0)

    def tick() -> None:
        for _ in range(5):
            turns.append("tick")
            gevent.sleep(0)

    for key in range(5):
        queue.add(key)
    ticker = gevent.spawn(tick)
    gevent.sleep(0.05)
    ticker.join()
    assert turns.count("run") == 5
    assert "run,run" not in ",".join(turns), turns


def test_the_work_waits_while_heavier_work_is_still_coming() -> None:
    """An idle loop while `busy` says other rooms' moves still wait: the work runs once they are done."""
    ran: list[float] = []
    coming = [True]
    queue = IdleQueue(lambda key: ran.append(time.monotonic()), longest_wait=5, busy=lambda: coming[0])
    queue.add("a")
    gevent.sleep(0.1)  # the loop is idle all this time
    assert ran == []
    done = time.monotonic()
    coming[0] = False
    gevent.sleep(0.05)
    assert len(ran) == 1 and ran[0] >= done


def test_heavier_work_that_never_ends_cannot_starve_the_queue() -> None:
    ran: list[float] = []
    queue = IdleQueue(lambda key: ran.append(time.monotonic()), longest_wait=0.05, busy=lambda: True)
    started = time.monotonic()
    queue.add("a")
    deadline = started + 5
    while not ran and time.monotonic() < deadline:
        gevent.sleep(0.01)
    assert len(ran) == 1 and ran[0] - started >= 0.04
