"""The item-clustered interval of a share pooled over renderings, and the paper's figure on the default rendering.

Coverage is measured in benchmarks/cluster_coverage.py; these tests pin the interval's limiting cases.
"""

from __future__ import annotations

import time

import pytest

from pytest_restgate.core.figure import PAPER, gate_figures, gate_intervals
from pytest_restgate.reports.clustered import clustered_interval, effective_size, shortfall_interval
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.stats import wilson_interval
from pytest_restgate.reports.summary import build_summary
from tests.reports.test_figures import SAME, SPLIT, unit


def test_one_unit_per_item_is_the_wilson_interval() -> None:
    ys = [1] * 30 + [0] * 10
    assert clustered_interval(ys, [1] * 40) == wilson_interval(30, 40)
    assert effective_size(ys, [1] * 40) == 40.0


def test_copies_count_as_one_unit_per_item() -> None:
    """Ten identical renderings of each of 40 items: the interval is about Wilson's over the 40 items (a little
    wider: the t quantile of 39 degrees of freedom), far wider than Wilson's over the 400 units."""
    ys, ms = [10] * 30 + [0] * 10, [10] * 40
    low, high = clustered_interval(ys, ms) or (0.0, 0.0)
    items, units = wilson_interval(30, 40), wilson_interval(300, 400)
    assert items is not None and units is not None
    assert low < items[0] < units[0] and units[1] < items[1] < high
    assert (high - low) < 1.15 * (items[1] - items[0])


def test_uncorrelated_renderings_keep_most_of_their_units() -> None:
    """Units spread evenly over items (each item 5 of 10): no item effect, the interval stays near Wilson's over
    units (the pseudo-items and the t quantile widen it a little)."""
    ys, ms = [5] * 150, [10] * 150
    low, high = clustered_interval(ys, ms) or (0.0, 0.0)
    units = wilson_interval(750, 1500)
    assert units is not None
    assert low <= units[0] and high >= units[1] and (high - low) < 1.2 * (units[1] - units[0])


def test_all_successes_still_give_an_interval_below_one() -> None:
    low, high = clustered_interval([10] * 40, [10] * 40) or (1.0, 0.0)
    units = wilson_interval(400, 400)
    assert units is not None
    assert high == 1.0 and low < units[0] and low > 0.85


def test_empty_items_are_ignored_and_bad_counts_refused() -> None:
    assert clustered_interval([], []) is None
    assert clustered_interval([0, 0], [0, 0]) is None
    low, high = clustered_interval([3, 0], [4, 0]) or (1.0, 0.0)  # one item of 4 units: worth one unit
    four = wilson_interval(3, 4)
    assert four is not None and low < four[0] and high >= four[1]
    with pytest.raises(ValueError, match="differ in length"):
        clustered_interval([1], [1, 2])
    with pytest.raises(ValueError, match="successes <= size"):
        clustered_interval([3], [2])


def _rest_plus_summary() -> dict[str, object]:
    """Four soebench items: consistent on the default rendering, inconsistent on a second one for items 1-2."""
    records = []
    for k in range(4):
        records += unit(f"s/{k}", "soebench", SAME, 0.0)
        records += unit(f"s/{k}", "soebench", SPLIT if k < 2 else SAME, 0.0, style="courier-50dpi")
    run = {"model": "m", "default_style": "dejavu-200dpi"}
    return build_summary(records, Outcomes(), run, primary_strategy="direct", started=time.time())


def test_the_papers_figure_and_its_gate_use_the_default_rendering_only() -> None:
    summary = _rest_plus_summary()
    metrics = summary["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["micro"]["rer"] == pytest.approx(6 / 8)  # pooled over both renderings
    paper = metrics["paper"]
    assert paper["rendering"] == "dejavu-200dpi" and paper["rer"] == 1.0 and paper["n"] == 4
    assert gate_figures(summary, PAPER)["overall"]["rer"] == 1.0
    assert gate_figures(summary, PAPER)["soebench"]["rer"] == 1.0
    low, high = gate_intervals(summary, PAPER)["overall"]["rer"] or (0.0, 0.0)
    assert (low, high) == pytest.approx(wilson_interval(4, 4))


def test_intervals_pooled_over_renderings_are_clustered_by_item() -> None:
    summary = _rest_plus_summary()
    rer = summary["intervals"]["rer"]  # type: ignore[index]
    assert rer["method"] == "clustered by item" and rer["n_items"] == 4 and rer["n"] == 8
    units = wilson_interval(6, 8)
    assert units is not None and rer["low"] < units[0]


def test_shortfall_interval_by_hand() -> None:
    """Items 0.5 and 0 with the pseudo-items -1 and 1: the t interval of those four values' mean, with the t
    quantile of 1 degree of freedom (two items), 12.7062; clipped to the figure's range [-1, 1]."""
    augmented = [0.5, 0.0, -1.0, 1.0]
    mean = sum(augmented) / 4
    sd = (sum((v - mean) ** 2 for v in augmented) / 3) ** 0.5
    half = 12.706204736 * sd / 2
    assert shortfall_interval([0.5, 0.0], ["a", "b"]) == pytest.approx((max(-1.0, mean - half), min(1.0, mean + half)))
    assert shortfall_interval([], []) is None


def test_shortfall_interval_averages_an_items_units_and_is_never_a_point() -> None:
    """Ten renderings of one item count as that item once; a model whose every unit gives 0 still gets an
    interval around 0 (40 items cannot rule out a rare shifted item), not [0, 0]."""
    per_item = shortfall_interval([0.2, 0.0] * 20, list(range(40)))
    ten = shortfall_interval([v for v in [0.2, 0.0] * 20 for _ in range(10)],
                             [i for i in range(40) for _ in range(10)])
    assert ten == pytest.approx(per_item)
    low, high = shortfall_interval([0.0] * 40, list(range(40))) or (0.0, 0.0)
    assert low == pytest.approx(-high) and 0.05 < high < 0.08
    with pytest.raises(ValueError, match="differ in length"):
        shortfall_interval([0.0], [])
