"""The evaluation's arithmetic: pairing, the gain and its interval, item analysis, small-count suppression."""

from __future__ import annotations

import math

import pytest

from kit.evidence.stats import (
    FLAG_EASY,
    FLAG_HARD,
    MIN_PEOPLE,
    Side,
    gain_distribution,
    item_flags,
    mean_interval,
    pair,
    protect,
    shown,
    side,
    t_critical,
)


def test_pairing_keeps_only_the_items_answered_both_times():
    found = pair({"a": False, "b": True, "c": False}, {"a": True, "b": True, "d": True})
    assert found is not None
    assert found.items == 2  # a and b: c has no after, d no before
    assert (found.before, found.after, found.gain) == (0.5, 1.0, 0.5)


def test_a_missing_half_gives_no_pair():
    assert pair({"a": True}, {}) is None
    assert pair({}, {"a": True}) is None
    assert pair({"a": True}, {"b": True}) is None


def test_gain_and_interval_by_hand():
    # gains 0.1, 0.2, 0.3, 0.4: mean 0.25, s = sqrt(0.05/3) = 0.1291, t(3) = 3.182
    # half-width = 3.182 * 0.1291 / 2 = 0.20540
    estimate = mean_interval([0.1, 0.2, 0.3, 0.4])
    assert estimate.n == 4 and estimate.mean == pytest.approx(0.25)
    assert estimate.low == pytest.approx(0.25 - 0.20540, abs=1e-4)
    assert estimate.high == pytest.approx(0.25 + 0.20540, abs=1e-4)


def test_interval_with_equal_values_is_a_point_and_small_n_has_none():
    same = mean_interval([0.5] * 6)
    assert same.low == pytest.approx(0.5) and same.high == pytest.approx(0.5)
    one = mean_interval([0.3])
    assert one.n == 1 and one.mean == 0.3 and one.low is None
    assert mean_interval([]).mean is None


def test_t_table():
    assert t_critical(1) == 12.706 and t_critical(19) == 2.093
    assert t_critical(35) == 2.042  # the next lower row, 30: a little wider
    assert t_critical(500) == 1.96
    with pytest.raises(ValueError):
        t_critical(0)
    # 20 pairs, s = 0.2: half-width = 2.093 * 0.2 / sqrt(20)
    values = [0.3 + (0.2 if i % 2 else -0.2) * math.sqrt(19 / 20) for i in range(20)]
    estimate = mean_interval(values)
    assert estimate.high - estimate.mean == pytest.approx(2.093 * 0.2 / math.sqrt(20), rel=1e-6)


def test_gain_distribution():
    bins = dict(gain_distribution([-1.0, -0.2, 0.0, 0.1, 0.25, 0.26, 0.5, 0.9, 1.0]))
    assert bins == {"En recul": 2, "Pareil": 1, "+1 à +25": 2, "+26 à +50": 2, "+51 à +75": 0, "+76 à +100": 2}


def test_item_tally_and_flags():
    tally = side([[0], [1], [1], [0, 1], []], correct=[1], n_choices=3)
    assert (tally.answered, tally.right, tally.chosen) == (5, 2, (2, 3, 0))
    assert tally.rate == 0.4
    easy = Side(10, 9, ())
    hard = Side(10, 2, ())
    assert item_flags(easy, hard) == (FLAG_EASY, FLAG_HARD)
    assert item_flags(Side(10, 8, ()), Side(10, 3, ())) == ()  # 80 % before, exactly 30 % after: no flag
    assert item_flags(Side(4, 4, ()), Side(4, 0, ())) == ()  # too few people to flag
    assert Side().rate is None


def test_suppression_at_four_and_five_people():
    assert MIN_PEOPLE == 5
    assert not shown(4) and shown(5)
    assert protect({"A": 5, "B": 6}) == set()
    assert protect({"A": 4, "B": 6, "C": 7}) == {"A", "B"}  # B hidden too: total − C would give A
    assert protect({"A": 4, "B": 3, "C": 7}) == {"A", "B"}  # two hidden: their sum only is derivable
    assert protect({"A": 4}) == {"A"}
    assert protect({"A": 4, "B": 6}, total_shown=False) == {"A"}
    assert protect({"A": 0, "B": 6}) == set()  # an empty cell is not a cell
