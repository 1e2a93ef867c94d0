"""Release gates: thresholds on RER, CFR, MMC and the noise floor, errors, baseline regressions, data and budget.

Modelled on pytest-cov's `--cov-fail-under`: thresholds are parsed and checked when the options are read,
evaluated once after the test loop on the controller, and every gate prints one line with target, actual and gap.
On the typed ground (pytest_restgate/core) because the one judge (core/judge.py) that the live run and `restgate
merge` both call is made of these gates; each reads figures the summary already holds (no pandas here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pytest

Metric = Literal["rer", "cfr", "mmc"]
GATED: dict[str, tuple[Metric, Literal["min", "max"]]] = {
    "min_rer": ("rer", "min"),
    "max_cfr": ("cfr", "max"),
    "min_mmc": ("mmc", "min"),
}
OVERALL = "overall"
BUDGET_MARK = "budget exhausted"
"""The error text of a call the client did not send because of --max-cost (fixtures/models/pricing.py)."""
NOISE_OPTION = "--max-rer-below-noise"
NOISE_FIGURE = "rer_below_noise"
"""The noise block's figure that `--max-rer-below-noise` judges (reports/noise.py computes it)."""


@dataclass(frozen=True)
class Threshold:
    """One gate: `metric` must be >= (min) or <= (max) `value` in `scope` (a dataset or overall)."""

    metric: Metric
    direction: Literal["min", "max"]
    scope: str
    value: float

    @property
    def label(self) -> str:
        where = "" if self.scope == OVERALL else f"[{self.scope}]"
        return f"{self.direction}-{self.metric}{where}"


@dataclass(frozen=True)
class GateResult:
    """A gate's verdict, with the figure it was judged on."""

    label: str
    target: float
    actual: float | None
    passed: bool
    judged_on: str = "point"
    count: bool = False
    figure: str = ""
    """Which figure was judged ("OCR-correct subset, mean over datasets"); empty for count gates."""
    note: str = ""
    """A gate that says its own words (data, datasets, budget, rate comparison) instead of target/actual."""

    @property
    def line(self) -> str:
        on = f"; judged on {self.figure}" if self.figure else ""
        if self.note:
            return f"{'PASS' if self.passed else 'FAIL'} {self.label}: {self.note}"
        if self.actual is None:
            return f"{'PASS' if self.passed else 'FAIL'} {self.label}: target {self.target:g}, no data{on}"
        gap = self.actual - self.target
        if self.count:
            return (f"{'PASS' if self.passed else 'FAIL'} {self.label}: target {self.target:g}, "
                    f"actual {self.actual:g}, over by {max(0.0, gap):g}")
        basis = "" if self.judged_on == "point" else f" ({self.judged_on})"
        return (
            f"{'PASS' if self.passed else 'FAIL'} {self.label}: target {self.target:g}, "
            f"actual {self.actual:.4f}{basis}, gap {gap:+.4f}{on}"
        )


def parse_scoped_shares(flag: str, raw: str | None, example: str, why: str) -> list[tuple[str, float]]:
    """`X` (overall) or `soebench:X,mmlu:Y`, or both, as (scope, share) pairs; a share outside [0, 1] or a part
    that is not one is a usage error naming `flag` (`example` shows the form, `why` says what a share is)."""
    if not raw:
        return []
    result = []
    for part in raw.split(","):
        scope, _, value = part.strip().rpartition(":")
        try:
            number = float(value)
        except ValueError:
            raise pytest.UsageError(
                f"{flag}: {part.strip()!r} is not a share like {example} or dataset:{example}"
            ) from None
        if not 0.0 <= number <= 1.0:
            raise pytest.UsageError(f"{flag}: {number} is outside [0, 1] ({why})")
        result.append((scope.strip() or OVERALL, number))
    return result


def parse_thresholds(option: str, raw: str | None) -> list[Threshold]:
    """`0.85` (overall) or `soebench:0.9,mmlu:0.8`, or both; values are shares in [0, 1]."""
    metric, direction = GATED[option]
    shares = parse_scoped_shares(f"--{option.replace('_', '-')}", raw, "0.85", "metrics are shares, not percents")
    return [Threshold(metric, direction, scope, number) for scope, number in shares]


def check_threshold(
    threshold: Threshold,
    figures: dict[str, dict[str, float | None]],
    intervals: dict[str, dict[str, tuple[float, float] | None]] | None = None,
    figure: str = "",
) -> GateResult:
    """Judge one threshold on the point estimate, or on the conservative end of its confidence interval.

    With intervals (`--gate-on=lower-bound`), a min gate is judged on the lower bound and a max gate on the
    upper bound: the gate passes only when the figure clears the target with confidence, so a release does not
    pass by sampling luck, and a rerun of the same model gives the same verdict more often.
    """
    point = figures.get(threshold.scope, {}).get(threshold.metric)
    actual, judged_on = point, "point"
    if intervals is not None:
        interval = intervals.get(threshold.scope, {}).get(threshold.metric)
        if interval is not None:
            actual = interval[0] if threshold.direction == "min" else interval[1]
            judged_on = "lower bound" if threshold.direction == "min" else "upper bound"
    if actual is None:
        return GateResult(threshold.label, threshold.value, None, False, judged_on, figure=figure)
    ok = actual >= threshold.value if threshold.direction == "min" else actual <= threshold.value
    return GateResult(threshold.label, threshold.value, actual, ok, judged_on, figure=figure)


def check_count(label: str, actual: int, limit: int) -> GateResult:
    """A count gate (errors, regressions): passes when actual <= limit."""
    return GateResult(label, float(limit), float(actual), actual <= limit, count=True)


@dataclass(frozen=True)
class NoiseThreshold:
    """`--max-rer-below-noise`: rer_noise - rer_expected at most `value` in `scope` (a dataset or overall)."""

    scope: str
    value: float

    @property
    def label(self) -> str:
        return "max-rer-below-noise" + ("" if self.scope == OVERALL else f"[{self.scope}]")


def parse_noise_thresholds(raw: str | None) -> list[NoiseThreshold]:
    """`0.05` or `soebench:0.05,mmlu:0.1` (shares in [0, 1]), as the other gates."""
    shares = parse_scoped_shares(NOISE_OPTION, raw, "0.05", "a share of items, not a percent")
    return [NoiseThreshold(scope, number) for scope, number in shares]


def check_noise(threshold: NoiseThreshold, noise: Mapping[str, Any] | None, gate_on: str = "point") -> GateResult:
    """Judge the shortfall on its point estimate, or (lower-bound) on the upper end of its 95% interval."""
    figure = "RER over repeats vs its noise floor (three text draws)"
    block = None if noise is None else (noise if threshold.scope == OVERALL else noise["datasets"].get(threshold.scope))
    actual = None if block is None else block.get(NOISE_FIGURE)
    judged_on = "point"
    if actual is not None and gate_on == "lower-bound" and block is not None and block.get(NOISE_FIGURE + "_ci"):
        actual, judged_on = block[NOISE_FIGURE + "_ci"][1], "upper bound"
    if actual is None:
        return GateResult(threshold.label, threshold.value, None, False, judged_on, figure=figure)
    return GateResult(threshold.label, threshold.value, actual, actual <= threshold.value, judged_on, figure=figure)


def regression_gate(regression: Mapping[str, Any], max_regressions: int) -> GateResult:
    """Flips on matched units; with none matched, the rates: fail when RER is lower with 95% confidence."""
    rates = regression.get("rates")
    if regression.get("n_compared", 0) == 0:
        if rates is None:
            return GateResult("max-regressions", float(max_regressions), None, False,
                              note="no unit in common with the baseline and no scored unit to compare rates")
        low, high = rates["interval"]
        ok = high >= 0
        return GateResult(
            "max-regressions", float(max_regressions), rates["difference"], ok,
            note=(f"no unit in common with the baseline (different items or seed): compared rates instead, "
                  f"RER {rates['current']:.4f} (n={rates['n_current']}) vs {rates['previous']:.4f} "
                  f"(n={rates['n_previous']}), difference {rates['difference']:+.4f} "
                  f"[{low:+.4f}, {high:+.4f}] 95% Newcombe; " + ("not significantly lower" if ok else
                                                                 "significantly lower")))
    return check_count("max-regressions", len(regression["newly_inconsistent"]), max_regressions)


def data_gates(summary: Mapping[str, Any], datasets: list[str], min_items: int, allow_missing: bool,
               allow_budget_stop: bool) -> list[GateResult]:
    """One gate per dataset the run names: at least `min_items` scored units, and it was loaded at all;
    plus the budget gate when --max-cost stopped calls."""
    gates = []
    per_dataset = (summary.get("metrics") or {}).get("datasets") or {}
    unavailable = (summary.get("run") or {}).get("unavailable") or {}
    for name in datasets:
        if name in unavailable:
            gates.append(GateResult(f"dataset[{name}]", 1.0, None, allow_missing,
                                    note=f"not loaded ({unavailable[name]})"
                                    + ("; allowed by --allow-missing-datasets" if allow_missing else
                                       "; pass --allow-missing-datasets to gate without it")))
            continue
        n = int((per_dataset.get(name) or {}).get("n") or 0)
        ok = n >= min_items
        gates.append(GateResult(f"min-items[{name}]", float(min_items), float(n), ok,
                                note=f"{n} scored units, at least {min_items} needed"
                                + ("" if ok else ": no data to judge")))
    refused = int((summary.get("usage") or {}).get("budget_exhausted") or 0)
    if refused:
        gates.append(GateResult("max-cost", 0.0, float(refused), allow_budget_stop,
                                note=f"{refused} call(s) not made: budget exhausted"
                                + ("; allowed by --allow-budget-stop" if allow_budget_stop else "")))
    return gates
