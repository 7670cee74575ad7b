"""Stalls of the gevent hub, measured and logged with the stack that caused them.

One process serves every phone of every room with one event loop: a call that does not yield (a C call, a
disk `fsync`, a CPU-bound render) holds every connection at once. Such stalls were the multi-second tail
of the answers' acknowledgements (docs/performance.md). Two probes work together:

- a greenlet that wakes every `TICK` seconds measures how late the loop woke it: the stall's exact length;
- gevent's own monitor thread, a native thread that the stall cannot hold, takes the stack of the greenlet
  that blocks while it still blocks.

The monitor thread only stores what it saw: logging takes locks that belong to the hub's thread. The
ticker logs each stall once it is over, with the stacks taken during it (logger `kit.hub`).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gevent
from gevent import events

log = logging.getLogger("kit.hub")

TICK = 0.01  # seconds between the ticker's wake-ups: a stall shorter than the threshold goes unseen anyway
MAX_STACK_LINES = 40


@dataclass
class Stalls:
    """The stalls seen since the watch began: their lengths in seconds, and the latest stacks."""

    threshold: float
    lengths: list[float] = field(default_factory=list)
    stacks: deque[list[str]] = field(default_factory=lambda: deque(maxlen=8))
    ticker: gevent.Greenlet | None = None
    subscriber: Callable[[Any], None] | None = None

    def stop(self) -> None:
        """Stop watching, the monitor thread included (tests watch and stop in one process)."""
        if self.ticker is not None:
            self.ticker.kill()
        if self.subscriber in events.subscribers:
            events.subscribers.remove(self.subscriber)
        hub = gevent.get_hub()
        if hub.periodic_monitoring_thread is not None:
            hub.periodic_monitoring_thread.kill()
            hub.periodic_monitoring_thread = None
        gevent.config.monitor_thread = False


def watch(threshold: float) -> Stalls:
    """Log every stall of this process's hub longer than `threshold` seconds, with its stack."""
    stalls = Stalls(threshold)
    # The monitor samples at this period: half the threshold, so that a stall just over it is still caught.
    gevent.config.max_blocking_time = threshold / 2
    gevent.config.print_blocking_reports = False  # our log, not raw lines on stderr
    gevent.config.monitor_thread = True

    def on_event(event: Any) -> None:
        if isinstance(event, events.EventLoopBlocked):
            stalls.stacks.append(_main_stack(event.info))  # a deque's append is atomic across threads

    stalls.subscriber = on_event
    events.subscribers.append(on_event)
    gevent.get_hub().start_periodic_monitoring_thread()
    stalls.ticker = gevent.spawn(_tick, stalls)
    return stalls


def _tick(stalls: Stalls) -> None:
    expected = time.perf_counter() + TICK
    cpu, waited = time.thread_time(), _waited_for_core()
    while True:
        gevent.sleep(TICK)
        now = time.perf_counter()
        late = now - expected
        expected = now + TICK
        cpu_before, waited_before = cpu, waited
        cpu, waited = time.thread_time(), _waited_for_core()
        if late < stalls.threshold:
            stalls.stacks.clear()  # what the monitor saw belongs to a shorter stall
            continue
        stalls.lengths.append(late)
        stack = stalls.stacks[-1] if stalls.stacks else [NO_STACK]
        stalls.stacks.clear()
        # Where the time went: this thread's own work (a render, the garbage collector), a wait in a C call
        # (a disk sync, a lock), or the kernel giving the cores to other processes (a busy machine).
        log.warning("boucle d'événements bloquée %.0f ms : toutes les connexions ont attendu", 1000 * late,
                    extra={"stall_ms": round(1000 * late, 1), "cpu_ms": round(1000 * (cpu - cpu_before), 1),
                           "waited_for_core_ms": round(1000 * (waited - waited_before), 1),
                           "stack": "\n".join(stack)})


NO_STACK = "(pile non saisie : le moniteur n'a pas pu tourner, ramasse-miettes ou machine occupée)"


def _waited_for_core() -> float:
    """Seconds this thread has waited for a core since it started (Linux's schedstat); 0 elsewhere."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _main_stack(report: list[str]) -> list[str]:
    """The blocked greenlet's frames, from gevent's report (which goes on with every thread and greenlet)."""
    lines: list[str] = []
    taking = False
    for entry in report:
        for line in entry.splitlines():
            if line.startswith("Blocked Stack"):
                taking = True
            elif taking and line.startswith("Info:"):
                return lines[-MAX_STACK_LINES:]
            elif taking and line.strip():
                lines.append(line.rstrip())
    return lines[-MAX_STACK_LINES:]
