"""Stalls of the gevent hub, measured and logged with the stack that caused them.

One process serves every phone of every room with one event loop: a call that does not yield (a C call, a
disk `fsync`, a CPU-bound render) holds every connection at once. Such stalls were the multi-second tail
of the answers' acknowledgements (docs/performance.md). Two probes work together:

- a greenlet that wakes every `TICK` seconds measures how late the loop woke it: the delay's exact length;
- gevent's monitor thread, a native thread that the stall cannot hold, sees when no greenlet switch has
  happened for half the threshold, and then takes the stack of the greenlet that holds the loop.

A delay during which the monitor saw a greenlet hold the loop, for longer than the threshold once the time
spent waiting for a core is taken off, is a stall (WARNING, with that stack). Any other delay is a busy loop
(many short tasks in turn, each yielding) or a busy machine (INFO). gevent's own
report lists every greenlet of the process, which walks the whole heap (7 % of the server's CPU in a burst of
answers, py-spy): the monitor here takes one stack instead. It only stores it, because logging takes locks
that belong to the hub's thread; the ticker logs once the delay is over (logger `kit.hub`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import gevent

# gevent's monitor thread, whose reporting step is replaced below; gevent documents that step as meant to be
# overridden at run time (_show_blocking_report), the detection itself (did_block_hub) is kept as it is.
from gevent._monitor import PeriodicMonitoringThread

log = logging.getLogger("kit.hub")

TICK = 0.01  # seconds between the ticker's wake-ups
MAX_STACK_LINES = 40
NO_STACK = "(aucune tâche bloquante vue : boucle très chargée, ramasse-miettes ou machine occupée)"


@dataclass
class Stalls:
    """What the watch has seen: the stalls' lengths in seconds, and the stacks taken during the current one."""

    threshold: float
    lengths: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)  # delays with no blocking greenlet seen
    stacks: deque[list[str]] = field(default_factory=lambda: deque(maxlen=8))
    ticker: gevent.Greenlet | None = None

    def stop(self) -> None:
        """Stop watching, the monitor thread included (tests watch and stop in one process)."""
        if self.ticker is not None:
            self.ticker.kill()
        hub = gevent.get_hub()
        if isinstance(hub.periodic_monitoring_thread, _Monitor):
            hub.periodic_monitoring_thread.kill()
            hub.periodic_monitoring_thread = None


class _Monitor(PeriodicMonitoringThread):
    """gevent's monitor thread, reporting the blocking greenlet's stack only, into `stalls.stacks`."""

    def __init__(self, hub: Any, stalls: Stalls) -> None:
        self.stalls = stalls
        super().__init__(hub)

    def monitor_blocking(self, hub: Any) -> Any:
        blocked = self._greenlet_tracer.did_block_hub(hub)
        if blocked:
            frame = sys._current_frames().get(hub.thread_ident)
            if frame is not None:
                lines = "".join(traceback.format_stack(frame, limit=MAX_STACK_LINES)).splitlines()
                self.stalls.stacks.append(lines)  # a deque's append is atomic across threads
        return blocked


def watch(threshold: float) -> Stalls:
    """Log every stall of this process's hub longer than `threshold` seconds, with its stack."""
    stalls = Stalls(threshold)
    # The monitor samples at half the threshold, so that a stall just over it is still seen.
    gevent.config.max_blocking_time = threshold / 2
    hub = gevent.get_hub()
    if hub.periodic_monitoring_thread is None:  # built in the hub's thread, as gevent requires
        hub.periodic_monitoring_thread = _Monitor(hub, stalls)
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
        # Where the time went: this thread's own work (a render, the garbage collector), a wait in a C call
        # (a disk sync, a lock), or the kernel giving the cores to other processes (a busy machine).
        for_core = waited - waited_before
        extra = {"stall_ms": round(1000 * late, 1), "cpu_ms": round(1000 * (cpu - cpu_before), 1),
                 "waited_for_core_ms": round(1000 * for_core, 1)}
        # A stall is what this process held the loop for: the time the kernel gave both cores to other
        # programs is the machine's load, logged as a delay.
        if stalls.stacks and late - for_core >= stalls.threshold:
            stalls.lengths.append(late)
            log.warning("boucle d'événements bloquée %.0f ms : toutes les connexions ont attendu", 1000 * late,
                        extra={**extra, "blocked": True, "stack": "\n".join(stalls.stacks[-1])})
        else:
            stalls.busy.append(late)
            log.info("boucle d'événements en retard de %.0f ms, sans tâche bloquante", 1000 * late,
                     extra={**extra, "blocked": False, "stack": NO_STACK})
        stalls.stacks.clear()


_schedstat: list[int] = []  # the hub thread's schedstat file, opened once: the ticker reads it 100 times a second


def _waited_for_core() -> float:
    """Seconds the hub's thread has waited for a core since it started (Linux's schedstat); 0 elsewhere."""
    try:
        if not _schedstat:  # opened from the hub's thread (the ticker's), which thread-self then names
            _schedstat.append(os.open("/proc/thread-self/schedstat", os.O_RDONLY))
        return int(os.pread(_schedstat[0], 128, 0).split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0
