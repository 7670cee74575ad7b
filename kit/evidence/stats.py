"""The evaluation's arithmetic, as pure functions (no database): pairing, gain and its interval, items, suppression.

Formulas (docs/evaluation.md says the same in French):

- A participant's score on one side is right answers / paired items, where the paired items are the
  check items they answered both before (module 1) and after (module 4). Their gain is after − before,
  between −1 and +1 (shown in points: ×100).
- The mean gain of n pairs comes with a 95 % confidence interval: mean ± t(0.975, n−1) × s / √n, where s is
  the sample standard deviation (divided by n − 1). t comes from the table T_975 below (Student's t
  quantiles, two-sided 95 %); over 30 degrees of freedom the next lower row is used (a slightly wider
  interval), and 1.96 past 120. With fewer than 2 pairs there is no interval.
- Small counts: a figure about fewer than MIN_PEOPLE people is not shown (`suppress`, `protect`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_PEOPLE = 5  # fewer people than this in a cell: « moins de 5 personnes », no figure
SUPPRESSED = "moins de 5 personnes"
# Item analysis flags for the content team (rates of right answers, between 0 and 1):
EASY_BEFORE = 0.90  # « personne ne se trompe » : at least 90 % right already before the course
HARD_AFTER = 0.30  # « la plupart se trompent » : under 30 % right even after the course
FLAG_EASY = "personne ne se trompe"
FLAG_HARD = "la plupart se trompent"

# Student's t, 0.975 quantile, by degrees of freedom (1–30, then 40, 60, 120).
T_975: dict[int, float] = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086,
    21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
    40: 2.021, 60: 2.000, 120: 1.980,
}


def t_critical(df: int) -> float:
    """The two-sided 95 % critical value of Student's t for `df` degrees of freedom (df ≥ 1)."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df in T_975:
        return T_975[df]
    if df > 120:
        return 1.960
    return T_975[max(k for k in T_975 if k < df)]  # the next lower row: conservative


@dataclass(frozen=True)
class Pair:
    """One participant's before and after on the items they answered both times."""

    items: int
    before: float  # share right before, 0–1
    after: float

    @property
    def gain(self) -> float:
        return self.after - self.before


def pair(before: Mapping[str, bool], after: Mapping[str, bool]) -> Pair | None:
    """Pair a participant's answers (item id → right?) before and after; None without any item in common."""
    items = sorted(set(before) & set(after))
    if not items:
        return None
    return Pair(len(items), sum(before[i] for i in items) / len(items), sum(after[i] for i in items) / len(items))


@dataclass(frozen=True)
class Estimate:
    """A mean with its number of values and its 95 % interval (None with fewer than 2 values)."""

    n: int
    mean: float | None
    low: float | None = None
    high: float | None = None


def mean_interval(values: Sequence[float]) -> Estimate:
    """The mean and its t-based 95 % confidence interval (see the module's docstring)."""
    n = len(values)
    if n == 0:
        return Estimate(0, None)
    mean = sum(values) / n
    if n < 2:
        return Estimate(n, mean)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_critical(n - 1) * sd / math.sqrt(n)
    return Estimate(n, mean, mean - half, mean + half)


# The distribution of gains: bins (label, low, high], in points; « Pareil » is exactly 0.
GAIN_BINS: tuple[tuple[str, float, float], ...] = (
    ("En recul", -1.0, -1e-9), ("Pareil", -1e-9, 1e-9), ("+1 à +25", 1e-9, 0.25),
    ("+26 à +50", 0.25, 0.50), ("+51 à +75", 0.50, 0.75), ("+76 à +100", 0.75, 1.0))


def gain_distribution(gains: Sequence[float]) -> list[tuple[str, int]]:
    """How many gains fall in each of GAIN_BINS (−1 counts in « En recul »)."""
    counts = dict.fromkeys((label for label, _lo, _hi in GAIN_BINS), 0)
    for gain in gains:
        for label, low, high in GAIN_BINS:
            if low < gain <= high or (gain <= -1.0 and label == "En recul"):
                counts[label] += 1
                break
    return list(counts.items())


@dataclass(frozen=True)
class Side:
    """One side (before or after) of one item: who answered, who was right, the choices picked."""

    answered: int = 0
    right: int = 0
    chosen: tuple[int, ...] = ()  # count per choice, in the choices' order

    @property
    def rate(self) -> float | None:
        return self.right / self.answered if self.answered else None


def side(answers: Sequence[Sequence[int]], correct: Sequence[int], n_choices: int) -> Side:
    """Tally the answers (each a list of choice indexes) to one question."""
    chosen = [0] * n_choices
    right = 0
    for given in answers:
        for index in given:
            if 0 <= index < n_choices:
                chosen[index] += 1
        right += sorted(given) == sorted(correct)
    return Side(len(answers), right, tuple(chosen))


def item_flags(before: Side, after: Side) -> tuple[str, ...]:
    """The content team's flags: too easy before (≥ EASY_BEFORE), too hard after (< HARD_AFTER).

    A side answered by fewer than MIN_PEOPLE people raises no flag.
    """
    flags = []
    if before.answered >= MIN_PEOPLE and before.rate is not None and before.rate >= EASY_BEFORE:
        flags.append(FLAG_EASY)
    if after.answered >= MIN_PEOPLE and after.rate is not None and after.rate < HARD_AFTER:
        flags.append(FLAG_HARD)
    return tuple(flags)


def shown(people: int) -> bool:
    """Whether a figure about this many people may be shown."""
    return people >= MIN_PEOPLE


def protect(people: Mapping[str, int], total_shown: bool = True) -> set[str]:
    """The cells of one breakdown to hide: those under MIN_PEOPLE people, and one more if needed.

    When the total of the breakdown is shown and exactly one cell is hidden, that cell is the total minus
    the others: the smallest other cell is hidden too (secondary suppression). Empty cells (0 people) are
    not cells. This protects one table; it does not stop a subtraction across two filtered pages (see
    docs/evaluation.md).
    """
    cells = {key: count for key, count in people.items() if count > 0}
    hidden = {key for key, count in cells.items() if count < MIN_PEOPLE}
    if total_shown and len(hidden) == 1 and len(cells) > 1:
        others = sorted((count, key) for key, count in cells.items() if key not in hidden)
        hidden.add(others[0][1])
    return hidden
