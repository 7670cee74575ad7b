"""Work that can wait for a quiet moment of the event loop: done after what is already pending, once per key.

When 200 sessions open a question in the same second, each opening sends its phones' frames and then builds
its animators' state and roster, which costs more than the rest of the event. Done in the handler, it makes
the 200th session's phones wait for 199 rosters. Put in an IdleQueue, the rosters are built when no other
event is waiting (gevent's idle watcher), in the order asked, once per session however often asked, and never
later than `longest_wait` after the first ask: a busy loop delays them, it cannot starve them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable

import gevent

log = logging.getLogger(__name__)


class IdleQueue:
    """Keys to run `run` on when the loop is idle; one greenlet drains them, oldest first."""

    def __init__(self, run: Callable[[Hashable], None], longest_wait: float) -> None:
        self.run = run
        self.longest_wait = longest_wait
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
