"""The secret generated at first run: made once, private, and the same for processes started together."""

from __future__ import annotations

import multiprocessing
import stat
from multiprocessing.synchronize import Barrier
from pathlib import Path

from kit.ops.instance import make_secret


def _read_secret(folder: Path, barrier: Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait(timeout=30)
    results.put(make_secret(folder))


def test_made_once_and_private(tmp_path: Path) -> None:
    first = make_secret(tmp_path)
    assert len(first) == 64 and make_secret(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_processes_starting_together_share_one_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for attempt in range(3):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        barrier, results = context.Barrier(4), context.Queue()
        processes = [context.Process(target=_read_secret, args=(folder, barrier, results)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        secrets = {results.get(timeout=5) for _ in processes}
        assert len(secrets) == 1 and (folder / "secret_key").read_text() == secrets.pop()
