"""Python's garbage collector, set for a server process that holds hundreds of live connections.

While the collector runs, the whole gevent process stands still: no phone gets its acknowledgement and no
question goes out. A full collection walks every tracked object; with 1,000 phones connected that is
hundreds of milliseconds, the p99 tail of docs/performance.md. These settings shorten and space out those
pauses:

- `gc.freeze()` once the app is built: the modules, the app, the compiled decks live as long as the process,
  so no collection needs to walk them again.
- a larger first-generation threshold: the objects of one request or one socket event are mostly gone before
  the next young collection, so fewer of them are promoted, and the old generation (whose growth triggers
  full collections) grows more slowly.
- a smaller middle-generation threshold: a middle collection walks the survivors of every young collection
  since the last one. While 1,800 phones connect nearly everything survives, and with Python's 10 young
  collections per middle one that was some 200,000 objects: 33 to 68 ms of CPU with every phone waiting, a
  stall that gevent's monitor cannot see (the collector holds the GIL). With 3, each walks less than half of
  that (100,000 objects against 240,000 in tests/kit/ops/test_collector.py): pauses of 15 to 18 ms instead
  (docs/performance.md, « Assez d'échantillons »).

- full collections when the event loop is idle: Python starts one inside whichever allocation crosses its
  threshold, in the middle of a burst as well, and with 1,800 live connections one walks some 300,000 objects
  (80 to 110 ms, every phone of the process waiting). In the serving process, `full_collections_when_idle`
  takes them over: as often as Python would make them (FULL_AFTER middle collections since the last one), but
  at a moment when no event is waiting, and FULL_LATEST seconds later at the most when the loop is never idle;
  what survives is frozen, so that the next full collections do not walk it again (every THAW_EVERY
  seconds, one walks everything: a cycle that died among the frozen objects is freed then).

Collections that pause the process longer than `SLOW_PAUSE` are logged (logger `kit.gc`), so that an
operator sees them in the same log as the requests.

The callback itself logs nothing: it runs inside the collector, at any allocation of any greenlet, while a
greenlet is being killed, and in the interpreter's last collections. Logging there took the logging locks and
asked threading (both gevent's once patched) for the current greenlet: during the interpreter's finalization
greenlet refuses ("RuntimeError: greenlet is being finalized", printed as "Exception ignored in ... on_collection"
in about 1 stop in 9), and a lock held by another greenlet would have switched greenlets inside the
collector. So the callback only notes the pause; `report()` logs the notes, from `report_forever()`'s greenlet
and once more at exit, after which the callback is removed.
"""

from __future__ import annotations

import atexit
import gc
import logging
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import gevent

log = logging.getLogger("kit.gc")

# Python's defaults are (700, 10, 10). A young collection of 20,000 objects takes 2 to 4 ms while phones connect.
THRESHOLDS = (20_000, 3, 10)
SLOW_PAUSE = 0.05  # seconds: a third of the latency budget
FULL_AFTER = 10  # middle-generation collections between two full ones: Python's own third threshold
FULL_LATEST = 30.0  # seconds a loop that is never idle may put off a due full collection
FULL_OFF = 2**31 - 1  # a third threshold that is never reached: Python makes no full collection by itself
THAW_EVERY = 600.0  # seconds between two full collections that walk the frozen objects too
REPORT_EVERY = 1.0  # seconds between two looks at the noted pauses
# Slow pauses noted and not logged yet; bounded, in case nothing reports them (a deque's append and popleft
# are atomic and take no lock).
_noted: deque[dict[str, Any]] = deque(maxlen=100)


def settle(thresholds: tuple[int, int, int] | None = None) -> None:
    """After start-up: what is alive now is moved out of the collector's sight, then the thresholds are set."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(thresholds or THRESHOLDS))


def full_collections_when_idle(check_every: float = 1.0, latest: float = FULL_LATEST,
                               thaw_every: float = THAW_EVERY) -> None:
    """Make the full collections when the loop is idle (run in its own greenlet, run.py; never returns).

    Python's automatic full collections are turned off first; a middle-generation collection counts one more
    in `gc.get_count()[2]`, and once FULL_AFTER have been counted the next idle moment gets a full collection.
    What survives it is frozen: the connections' objects, alive for hours, are not walked again by the next
    full collections, which stay short. Every `thaw_every` seconds the frozen objects are put back first, so
    that a cycle that died among them is freed too (one long collection, at an idle moment).
    """
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_OFF)
    thawed = time.monotonic()
    while True:
        gevent.sleep(check_every)
        if gc.get_count()[2] < FULL_AFTER:
            continue
        with gevent.Timeout(latest, False):
            gevent.idle()
        if time.monotonic() - thawed >= thaw_every:
            gc.unfreeze()
            thawed = time.monotonic()
        gc.collect(2)
        gc.freeze()


def watch(slow: float = SLOW_PAUSE) -> Callable[[str, dict[str, Any]], None]:
    """Note every collection that pauses the process for `slow` seconds or more; returns the callback.

    The notes are logged by `report()`; the callback is removed at exit, before the interpreter's finalization.
    """
    started: list[tuple[float, float]] = []

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        # Only clocks, a list and a deque here: no log, no lock, no greenlet (see the module's docstring).
        if sys.is_finalizing():
            return
        if phase == "start":
            started.append((time.perf_counter(), time.process_time()))
            return
        if not started:
            return
        wall, cpu = started.pop()
        pause = time.perf_counter() - wall
        if pause >= slow:
            # cpu_ms is the collector's own work; pause_ms adds the time the process waited for a core.
            _noted.append({"generation": info.get("generation"), "pause_ms": round(1000 * pause, 1),
                           "cpu_ms": round(1000 * (time.process_time() - cpu), 1),
                           "collected": info.get("collected"), "frozen": gc.get_freeze_count()})

    gc.callbacks.append(on_collection)
    atexit.register(unwatch, on_collection)
    return on_collection


def unwatch(callback: Callable[[str, dict[str, Any]], None]) -> None:
    """Stop noting pauses (at exit: the last collections run while greenlet and logging are torn down)."""
    if callback in gc.callbacks:
        gc.callbacks.remove(callback)
    report()


def report() -> int:
    """Log the pauses noted since the last call, outside the collector; how many."""
    count = 0
    while _noted:
        pause = _noted.popleft()
        log.warning("pause du ramasse-miettes : %.0f ms", pause["pause_ms"], extra=pause)
        count += 1
    return count


def report_forever(every: float = REPORT_EVERY) -> None:
    """Log the noted pauses every `every` seconds; run in its own greenlet (run.py)."""
    while True:
        time.sleep(every)
        report()
