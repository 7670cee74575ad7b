"""Work that can wait for a quiet moment of the event loop: done after what is already pending, once per key.

When 200 sessions open a question in the same second, each opening sends its phones' frames and then builds
its animators' state and roster, which costs more than the rest of the event. Done in the handler, it makes
the 200th session's phones wait for 199 rosters. Put in an IdleQueue, the rosters are built when no other
event is waiting (gevent's idle watcher), in the order asked, once per session however often asked, and never
later than `longest_wait` after the first ask: a busy loop delays them, it cannot starve them.

An idle loop is not always a finished burst: between two steps of the writer (kit/live/group_commit.py) the loop
may wait a moment for a commit while other rooms' moves still queue. `busy` tells the queue that such heavier
work is still coming: it waits on, rechecking every BUSY_RECHECK seconds, until `longest_wait` at the latest.
(The animators' states after 200 openings at once, built in those moments, made the last rooms' phones wait:
fan-out p99 154–161 ms without them, 168–237 ms with them; docs/performance.md, « Les téléphones d'abord ».)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable

import gevent

log = logging.getLogger(__name__)
BUSY_RECHECK = 0.005  # seconds between two looks at `busy` (a burst of moves lasts 0.1 to 0.3 s)


class IdleQueue:
    """Keys to run `run` on when the loop is idle; one greenlet drains them, oldest first."""

    def __init__(self, run: Callable[[Hashable], None], longest_wait: float,
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.run = run
        self.longest_wait = longest_wait
        self.busy = busy
        self._asked: dict[Hashable, float] = {}  # key → when it was first asked (insertion order is age order)
        self._worker: gevent.Greenlet | None = None

    def add(self, key: Hashable) -> None:
        """Ask for `run(key)`: a key already waiting is not added again (the run reads the latest data)."""
        if key in self._asked:
            return
        self._asked[key] = time.monotonic()
        if self._worker is None:
            self._worker = gevent.spawn(self._drain)

    def waiting(self) -> int:
        """How many keys wait (for tests and logs)."""
        return len(self._asked)

    def _drain(self) -> None:
        try:
            while self._asked:
                oldest = next(iter(self._asked.values()))
                left = oldest + self.longest_wait - time.monotonic()
                if left > 0:
                    with gevent.Timeout(left, False):
                        gevent.idle()
                        while self.busy():
                            gevent.sleep(BUSY_RECHECK)
                            gevent.idle()
                else:  # overdue: the events already waiting still run between two keys (no stall)
                    gevent.sleep(0)
                key = next(iter(self._asked))
                del self._asked[key]
                try:
                    self.run(key)
                except Exception:  # one failed run must not leave the other keys waiting for the next ask
                    log.exception("tâche différée en échec : %r", key)
        finally:
            self._worker = None
