"""Python's garbage collector, set for a server process that holds hundreds of live connections.

While the collector runs, the whole gevent process stands still: no phone gets its acknowledgement and no
question goes out. A full collection walks every tracked object; with 1,000 phones connected that is
hundreds of milliseconds, the p99 tail of docs/performance.md. Two settings shorten and space out those
pauses:

- `gc.freeze()` once the app is built: the modules, the app, the compiled decks live as long as the process,
  so no collection needs to walk them again.
- a larger first-generation threshold: the objects of one request or one socket event are mostly gone before
  the next young collection, so fewer of them are promoted, and the old generation (whose growth triggers
  full collections) grows more slowly.

Collections that pause the process longer than `SLOW_PAUSE` are logged (logger `kit.gc`), so that an
operator sees them in the same log as the requests.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("kit.gc")

# Python's defaults are (700, 10, 10). A young collection of 20,000 objects takes well under a millisecond.
THRESHOLDS = (20_000, 10, 10)
SLOW_PAUSE = 0.05  # seconds: a third of the latency budget


def settle(thresholds: tuple[int, int, int] | None = None) -> None:
    """After start-up: what is alive now is moved out of the collector's sight, then the thresholds are set."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(thresholds or THRESHOLDS))


def watch(slow: float = SLOW_PAUSE) -> Callable[[str, dict[str, Any]], None]:
    """Log every collection that pauses the process for `slow` seconds or more; returns the callback."""
    started: list[tuple[float, float]] = []

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append((time.perf_counter(), time.process_time()))
            return
        if not started:
            return
        wall, cpu = started.pop()
        pause = time.perf_counter() - wall
        if pause >= slow:
            # cpu_ms is the collector's own work; pause_ms adds the time the process waited for a core.
            log.warning("pause du ramasse-miettes : %.0f ms", 1000 * pause,
                        extra={"generation": info.get("generation"), "pause_ms": round(1000 * pause, 1),
                               "cpu_ms": round(1000 * (time.process_time() - cpu), 1),
                               "collected": info.get("collected"), "frozen": gc.get_freeze_count()})

    gc.callbacks.append(on_collection)
    return on_collection
