"""run.py with a call that blocks the event loop put on the answer path on purpose (150 ms per answer).

The stall guard's test starts it to show that the guard fails when the hub blocks.
"""

# ruff: noqa: E402 — as in run.py, gevent patches the standard library first.
from gevent import monkey

monkey.patch_all()

import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from kit.live import answers

blocking_sleep = monkey.get_original("time", "sleep")  # the C sleep: gevent cannot switch away from it
submit_answer = answers.submit_answer


def slow_submit_answer(*args: Any, **kwargs: Any) -> list[int]:
    blocking_sleep(0.15)
    return submit_answer(*args, **kwargs)


answers.submit_answer = slow_submit_answer
sys.argv = [str(ROOT / "run.py")]
runpy.run_path(str(ROOT / "run.py"), run_name="__main__")
