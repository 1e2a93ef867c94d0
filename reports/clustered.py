"""95% intervals for figures pooled over clusters of correlated units (the renderings of one item).

`clustered_interval` is for a share (RER, CFR, MMC pooled over a REST+ run's renderings); `shortfall_interval`
for the mean of a bounded per-unit figure (RER below noise, reports/noise.py).

Why: a REST+ run asks each item under ten renderings, and the ten units of an item share one text answer and one
difficulty, so they are not ten independent draws. A Wilson interval over the item × style units is then too
narrow (about 3 times, when the renderings agree). The share's interval treats the item as the unit of sampling:

1. the share is the ratio estimator p = sum(y_i) / sum(m_i) over items i (y_i successes among m_i units);
2. its cluster-robust (linearisation) variance is v = G / (G - 1) * sum((y_i - p m_i)^2) / (sum m_i)^2, G items;
3. the design effect deff = v / (p (1 - p) / n), clamped to [1, sum(m_i^2) / n] (never narrower than the
   independent-units interval, never wider than if every item's units were copies), gives the effective size
   n_eff = n / deff; Korn & Graubard (1998) scale it by (z / t_{G-1})^2 so few items widen it as a t interval
   would. Two pseudo-items of the largest item's size, one all successes and one all failures, join the
   variance (not the share): near 0 or 1 a handful of items carries all the failures, v from the data alone
   is then too small exactly when p lies near the edge (coverage fell to 0.90 at 40 items, p = 0.95), and at
   p = 0 or 1 v is 0 and says nothing about the correlation;
4. the Wilson interval of p at that effective size (so it stays inside [0, 1] and keeps Wilson's behaviour near
   0 and 1).

With one unit per item it is the Wilson interval itself. benchmarks/cluster_coverage.py measures its coverage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from pytest_restgate.reports.distributions import normal_quantile, t_quantile


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def effective_size(successes: Sequence[int], sizes: Sequence[int], confidence: float = 0.95) -> float:
    """The effective number of independent units of clustered counts (steps 2-3 of the module note)."""
    n, g = sum(sizes), len(sizes)
    if max(sizes) == 1:
        return float(n)
    if g < 2:
        return 1.0
    top = float(max(sizes))
    ys, ms = [*successes, 0.0, top], [*sizes, top, top]  # the two pseudo-items of step 3
    p = sum(ys) / sum(ms)
    v = (g + 2) / (g + 1) * sum((y - p * m) ** 2 for y, m in zip(ys, ms, strict=True)) / sum(ms) ** 2
    deff = min(max(1.0, v / (p * (1.0 - p) / sum(ms))), sum(m * m for m in sizes) / n)
    return n / deff * _z_over_t(confidence, g - 1) ** 2


@lru_cache(maxsize=512)
def _z_over_t(confidence: float, df: int) -> float:
    """z / t_df at the two-sided `confidence` (the t quantile is a bisection: cached, as gates ask it often)."""
    return normal_quantile(0.5 + confidence / 2.0) / t_quantile(0.5 + confidence / 2.0, df)


def clustered_interval(successes: Sequence[int], sizes: Sequence[int],
                       confidence: float = 0.95) -> tuple[float, float] | None:
    """Interval of sum(successes) / sum(sizes) over clusters (one entry per item); None with no unit.

    Clusters of size 0 (an item with no unit in this figure) are ignored.
    """
    if len(successes) != len(sizes):
        raise ValueError(f"successes and sizes differ in length: {len(successes)} vs {len(sizes)}")
    if any(m < 0 or not 0 <= y <= m for y, m in zip(successes, sizes, strict=True)):
        raise ValueError("need 0 <= successes <= size for every cluster")
    kept = [(y, m) for y, m in zip(successes, sizes, strict=True) if m > 0]
    if not kept:
        return None
    ys, ms = [y for y, _ in kept], [m for _, m in kept]
    p = sum(ys) / sum(ms)
    return _wilson(p, effective_size(ys, ms, confidence), normal_quantile(0.5 + confidence / 2.0))


def shortfall_interval(values: Sequence[float], items: Sequence[object], confidence: float = 0.95,
                       bounds: tuple[float, float] = (-1.0, 1.0)) -> tuple[float, float] | None:
    """Interval of the mean of a per-unit figure bounded by `bounds` (RER below noise: -1 to 1), over items.

    Units of one item (its REST+ renderings) are averaged first, so an item counts once. Then one pseudo-item at
    each bound joins them (as Agresti and Coull add two successes and two failures to a proportion) before the t
    interval of the mean over items (G - 1 degrees of freedom), centred on that augmented mean. Why: the figure
    is skewed (most items of a steady model give 0, a few shifted ones give up to 1), and a plain t interval
    over 40 units covered 0.92-0.94 of the time (0.43-0.50 on REST+ units), missing most when a rare shifted
    item is absent from the sample; with the pseudo-items every case of benchmarks/noise_coverage.py reaches
    0.948 or more. None with no unit.
    """
    if len(values) != len(items):
        raise ValueError(f"values and items differ in length: {len(values)} vs {len(items)}")
    sums: dict[object, list[float]] = {}
    for value, item in zip(values, items, strict=True):
        sums.setdefault(item, []).append(float(value))
    means = [sum(v) / len(v) for v in sums.values()]
    if not means:
        return None
    g = len(means)
    augmented = [*means, *bounds]
    centre = sum(augmented) / len(augmented)
    sd = math.sqrt(sum((v - centre) ** 2 for v in augmented) / (len(augmented) - 1))
    half = t_quantile(0.5 + confidence / 2.0, max(1, g - 1)) * sd / math.sqrt(len(augmented))
    return max(bounds[0], centre - half), min(bounds[1], centre + half)


__all__ = ["clustered_interval", "effective_size", "shortfall_interval"]
