"""The benchmark's budget rules (tests/bench/harness.py, Row.limits), checked in the default run: no timing."""

from __future__ import annotations

from tests.bench.harness import BURST_FACTOR, TARGET_MS, Row


def _row(server: str, fanout_ms: list[float], acks_ms: list[float], burst: bool = False,
         burst_openings: bool = True) -> Row:
    return Row("cas", server, "phase", 8, fanout=[f / 1000 for f in fanout_ms], acks=[a / 1000 for a in acks_ms],
               burst=burst, burst_openings=burst_openings)


def test_a_spread_phase_is_held_to_the_target() -> None:
    kit, reference = _row("Kit", [151], [10]), _row("référence", [10], [10])
    assert kit.limits(reference) == (TARGET_MS, TARGET_MS)
    assert kit.misses(reference) == [f"diffusion p99 151 ms > {TARGET_MS:.0f}"]


def test_a_burst_is_judged_against_the_reference_in_the_same_run() -> None:
    reference = _row("référence", [100], [20])
    kit = _row("Kit", [140], [31], burst=True)
    assert kit.limits(reference) == (BURST_FACTOR * 100, BURST_FACTOR * 20)
    assert kit.misses(reference) == ["ack p99 31 ms > 30"]
    assert kit.limits(None) == (TARGET_MS, TARGET_MS)  # the reference did not run


def test_a_lone_opening_before_a_burst_of_answers_is_held_to_the_target() -> None:
    reference = _row("référence", [60], [20])
    kit = _row("Kit", [140], [25], burst=True, burst_openings=False)
    assert kit.limits(reference) == (TARGET_MS, BURST_FACTOR * 20)
    assert kit.misses(reference) == []
    late = _row("Kit", [151], [25], burst=True, burst_openings=False)
    assert late.misses(reference) == [f"diffusion p99 151 ms > {TARGET_MS:.0f}"]
