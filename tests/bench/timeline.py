"""When the slow acknowledgements of a burst were sent: the load generators' timeline (BENCH_TIMELINE=DIR).

    BENCH_TIMELINE=/tmp/timeline BENCH_CASES=200x8 .venv/bin/python -m pytest tests/bench/test_live_sessions.py -m bench
    .venv/bin/python -m tests.bench.timeline /tmp/timeline

For each burst of openings (all within 0.1 s) that answers followed (at least one per opening), the answers
are grouped by when they were sent after the first opening, 50 ms at a time: how many, and their
acknowledgement's median and worst time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

AT_ONCE = 0.1  # seconds: openings this close together are one burst
AFTER = 2.0  # seconds after a burst's first opening in which an answer belongs to it
BUCKET = 0.05


def read(directory: Path) -> tuple[list[float], list[tuple[float, float, float]]]:
    """The openings' emit times, and each answer's (received, sent, ack), sorted by time."""
    opens: list[float] = []
    answers: list[tuple[float, float, float]] = []
    for path in directory.glob("*.txt"):
        for line in path.read_text().splitlines():
            kind, *fields = line.split()
            if kind == "O":
                opens.append(float(fields[1]))
            elif kind == "A":
                answers.append((float(fields[1]), float(fields[2]), float(fields[3])))
    return sorted(opens), sorted(answers, key=lambda a: a[1])


def bursts(opens: list[float]) -> list[list[float]]:
    """The openings grouped by gaps; only the groups of openings all within AT_ONCE."""
    groups: list[list[float]] = []
    for time in opens:
        if groups and time - groups[-1][-1] < 0.5:
            groups[-1].append(time)
        else:
            groups.append([time])
    return [g for g in groups if len(g) > 1 and g[-1] - g[0] <= AT_ONCE]


def ms(value: float) -> str:
    return f"{1000 * value:.0f}"


def report(directory: Path) -> None:
    opens, answers = read(directory)
    for number, burst in enumerate(bursts(opens), start=1):
        start = burst[0]
        mine = [a for a in answers if start <= a[1] < start + AFTER]
        if len(mine) < len(burst):  # openings without answers (the next phase's answers come later)
            continue
        received = sorted(a[0] - start for a in mine)
        print(f"burst {number}: {len(burst)} openings, {len(mine)} answers; question received "
              f"p50 {ms(received[len(received) // 2])} ms, last {ms(received[-1])} ms after the first opening")
        buckets: dict[int, list[float]] = {}
        for _received, sent, ack in mine:
            buckets.setdefault(int((sent - start) / BUCKET), []).append(ack)
        for index in sorted(buckets):
            acks = sorted(buckets[index])
            print(f"  sent {ms(index * BUCKET):>5}–{ms((index + 1) * BUCKET):>5} ms: {len(acks):4} answers, "
                  f"ack p50 {ms(acks[len(acks) // 2]):>4} ms, worst {ms(acks[-1]):>4} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    report(parser.parse_args().directory)


if __name__ == "__main__":
    main()
