"""Release gates: thresholds on RER, CFR, MMC, errors and baseline regressions.

Modelled on pytest-cov's `--cov-fail-under`: thresholds are parsed and checked when the options are read,
evaluated once after the test loop on the controller, and every gate prints one line with target, actual and gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

Metric = Literal["rer", "cfr", "mmc"]
GATED: dict[str, tuple[Metric, Literal["min", "max"]]] = {
    "min_rer": ("rer", "min"),
    "max_cfr": ("cfr", "max"),
    "min_mmc": ("mmc", "min"),
}
OVERALL = "overall"


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
