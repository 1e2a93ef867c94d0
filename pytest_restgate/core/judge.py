"""The release verdict, once: the gate options (declared here with their one help text), the spec they parse
into, and the one judge that both a live run (reports/plugin.py) and `restgate merge` (reports/many/merge.py)
call on a summary.

Why one module: a sharded CI run merged afterwards must be judged exactly as the same run unsharded. Two option
lists and two judges drifted apart before (merge lacked `--gate-subset`, `--min-items`, `--preset`...); now the
CLI and the pytest plugin add the same options from `GATE_OPTIONS` and hand the parsed `GateSpec` to `judge`.
On the typed ground (it imports neither fixtures/ nor reports/): the judge reads figures the summary holds; the
regressions against a baseline are counted before it is called (reports/baseline.regression_of).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.figure import MEANS, SUBSETS, Figure, describe_scope, gate_figures, gate_intervals
from pytest_restgate.core.gates import (
    BUDGET_MARK,
    GATED,
    OVERALL,
    GateResult,
    NoiseThreshold,
    Threshold,
    check_count,
    check_noise,
    check_threshold,
    data_gates,
    parse_noise_thresholds,
    parse_thresholds,
    regression_gate,
)
from pytest_restgate.core.records import RunWord

PAPER_DATASETS: tuple[str, ...] = ("soebench", "mmlu", "arc-challenge", "gsm-symbolic")
"""The paper's four datasets (SoEBench, MMLU, ARC, GSM-Symbolic), one `--datasets` name each: ARC is
ARC-Challenge (reports/preset.py says why)."""
PRESETS: dict[str, dict[str, tuple[Any, Any]]] = {
    "paper": {
        # option dest: (its default, the paper's value)
        "datasets": (None, ",".join(PAPER_DATASETS)),  # None: --datasets not given
        "gate_subset": (None, "ocr-correct"),
        "gate_mean": (None, "datasets"),
    },
}

def apply_preset(option: Any) -> list[str]:
    """Set the preset's values on `option` (pytest's namespace) where still at the default; the names set."""
    name = getattr(option, "preset", None)
    if name is None:
        return []
    changed = []
    for dest, (default, value) in PRESETS[name].items():
        if getattr(option, dest, default) == default:
            setattr(option, dest, value)
            changed.append(dest)
    return changed


GATE_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--min-rer", {"default": None, "help": "gate: RER at least this share (0.85, or soebench:0.9,...)"}),
    ("--max-cfr", {"default": None, "help": "gate: CFR at most this share (overall or dataset:value)"}),
    ("--min-mmc", {"default": None, "help": "gate: MMC at least this share (overall or dataset:value)"}),
    ("--max-rer-below-noise", {
        "default": None,
        "help": "gate (--repeats >= 3): RER over the repeats at most this share below its noise floor, the RER "
                "three text draws would reach (overall or dataset:value; see reports/noise.py)"}),
    ("--max-errors", {"type": int, "default": None,
                      "help": "gate: at most this many errored items (default 0 when any gate is set)"}),
    ("--gate-on", {"default": "point", "choices": ("point", "lower-bound"),
                   "help": "judge thresholds on the figure (point) or on its 95%% Wilson bound (lower-bound: the "
                           "conservative end), so a gate does not flap on sampling noise"}),
    ("--gate-subset", {"default": None, "choices": SUBSETS,
                       "help": "gate on all scored units (default) or on the OCR-correct subset (the paper's "
                               "headline figures: units whose transcription was exact)"}),
    ("--gate-mean", {"default": None, "choices": MEANS,
                     "help": "overall figure pooled over units (default) or the mean over datasets (the paper's); "
                             "with --gate-on=lower-bound a mean uses the MOVER interval of the per-dataset Wilson "
                             "ones"}),
    ("--baseline", {"type": Path, "default": None,
                    "help": "a previous run's summary.json: list items that flipped and gate on --max-regressions"}),
    ("--max-regressions", {"type": int, "default": 0,
                           "help": "with --baseline: at most this many items may turn inconsistent (default 0)"}),
    ("--min-items", {"type": int, "default": 1,
                     "help": "a gate judges a dataset only with at least this many scored units, else it fails "
                             "with 'no data' (default 1)"}),
    ("--allow-missing-datasets", {"action": "store_true",
                                  "help": "gate without a named dataset that could not be loaded (by default "
                                          "every gate fails)"}),
    ("--allow-budget-stop", {"action": "store_true",
                             "help": "with --max-cost: calls not made for the budget do not fail the gate"}),
    ("--preset", {"default": None, "choices": tuple(PRESETS),
                  "help": "paper: the paper's four datasets (ARC = arc-challenge) and headline figure for the "
                          "gates (OCR-correct subset, mean over datasets); the paper's published figures are shown "
                          "beside a model it measured"}),
)
"""Every option that decides the verdict, as (flag, keyword arguments of argparse's and pytest's addoption)."""


def add_gate_options(add: Callable[..., Any]) -> None:
    """Declare the gate options with `add` (pytest's `group.addoption` or argparse's `add_argument`)."""
    for flag, kwargs in GATE_OPTIONS:
        add(flag, **kwargs)


@dataclass(frozen=True)
class GateSpec:
    """The parsed gate options: what the verdict is judged on."""

    thresholds: tuple[Threshold, ...] = ()
    noise: tuple[NoiseThreshold, ...] = ()
    max_errors: int | None = None
    gate_on: str = "point"
    figure: Figure = field(default_factory=Figure)
    baseline: Path | None = None
    max_regressions: int = 0
    min_items: int = 1
    allow_missing_datasets: bool = False
    allow_budget_stop: bool = False

    @classmethod
    def read(cls, get: Callable[[str], Any]) -> GateSpec:
        """From option values by dest (`get("min_rer")`); a bad value is a pytest.UsageError naming the option."""
        max_errors, max_regressions, min_items = get("max_errors"), int(get("max_regressions")), int(get("min_items"))
        if max_regressions < 0 or (max_errors is not None and max_errors < 0):
            raise pytest.UsageError("--max-errors and --max-regressions must be 0 or more")
        if min_items < 0:
            raise pytest.UsageError(f"--min-items must be 0 or more, not {min_items}")
        return cls(
            thresholds=tuple(t for name in GATED for t in parse_thresholds(name, get(name))),
            noise=tuple(parse_noise_thresholds(get("max_rer_below_noise"))),
            max_errors=max_errors, gate_on=str(get("gate_on")),
            figure=Figure(get("gate_subset") or "all", get("gate_mean") or "pooled"),
            baseline=get("baseline"), max_regressions=max_regressions, min_items=min_items,
            allow_missing_datasets=bool(get("allow_missing_datasets")),
            allow_budget_stop=bool(get("allow_budget_stop")),
        )

    @classmethod
    def from_namespace(cls, namespace: Any) -> GateSpec:
        """From an argparse namespace or pytest's `config.option`, after `--preset` is applied."""
        apply_preset(namespace)
        return cls.read(lambda dest: getattr(namespace, dest, None))

    @property
    def gating(self) -> bool:
        """Any gate option given: then the gates alone decide the exit status."""
        return bool(self.thresholds or self.noise or self.max_errors is not None or self.baseline is not None)


def judge(spec: GateSpec, summary: dict[str, Any], regression: dict[str, Any] | None) -> list[GateResult]:
    """The gates, in order: thresholds, the noise floor, errors, baseline regressions, then the data gates (a
    dataset the run named but did not load or scored too little of, a budget stop). Records what figure was
    judged in `summary["gate_figure"]`."""
    figure = spec.figure
    figures = gate_figures(summary, figure)
    intervals = gate_intervals(summary, figure) if spec.gate_on == "lower-bound" else None
    summary["gate_figure"] = {"subset": figure.subset, "mean": figure.mean, "figure": figure.describe,
                              "judged_on": spec.gate_on}
    gates = [_threshold(spec, t, summary, figures, intervals) for t in spec.thresholds]
    gates += [check_noise(t, summary.get("noise"), spec.gate_on) for t in spec.noise]
    if not spec.gating:
        return gates
    errors = list(summary.get("errors") or [])
    unlisted = _count(summary.get("errors_unlisted"))  # past the listed ones, only counted (reports/collector)
    if spec.allow_budget_stop:  # calls the budget refused are reported by their own gate, not as errors
        errors = [e for e in errors if BUDGET_MARK not in e.get("message", "")]
        unlisted -= min(unlisted, _count(summary.get("errors_unlisted_budget")))
    gates.append(check_count("max-errors", len(errors) + unlisted, spec.max_errors or 0))
    if regression is not None:
        gates.append(regression_gate(regression, spec.max_regressions))
    datasets = list((summary.get("run") or {}).get("datasets") or [])
    gates.extend(data_gates(summary, datasets, spec.min_items, spec.allow_missing_datasets, spec.allow_budget_stop))
    return gates


def _count(value: Any) -> int:
    """A count from summary.json: a non-negative int, else 0 (never lowers what the listed entries show)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _threshold(spec: GateSpec, t: Threshold, summary: dict[str, Any], figures: dict[str, dict[str, float | None]],
               intervals: dict[str, dict[str, tuple[float, float] | None]] | None) -> GateResult:
    """A threshold, judged only when its scope has at least --min-items scored units ("no data" fails)."""
    metrics = summary.get("metrics") or {}
    scope = metrics.get("micro") if t.scope == OVERALL else (metrics.get("datasets") or {}).get(t.scope)
    n = int((scope or {}).get("n") or 0)
    if n < max(1, spec.min_items):
        return GateResult(t.label, t.value, None, False, figure=describe_scope(spec.figure, t.scope),
                          note=f"target {t.value:g}, no data ({n} scored units, --min-items {spec.min_items})")
    return check_threshold(t, figures, intervals, describe_scope(spec.figure, t.scope))


def settle(spec: GateSpec, summary: dict[str, Any], gates: list[GateResult]) -> None:
    """Write the verdict into the summary: every gate's line, `gate_passed` and the one word `verdict`."""
    complete = summary.get("complete") is not False
    summary["gates"] = [g.__dict__ | {"line": g.line} for g in gates]
    summary["gate_passed"] = (all(g.passed for g in gates) and complete) if spec.gating else None
    summary["verdict"] = verdict_word(complete, spec.gating, summary["gate_passed"])


def verdict_word(complete: bool, gating: bool, passed: bool | None) -> RunWord:
    """summary.json's one word: INCOMPLETE whenever a unit did not finish, else the gate's word."""
    if not complete:
        return "INCOMPLETE"
    if not gating:
        return "NO-GATE"
    return "PASSED" if passed else "FAILED"


def missing_datasets(spec: GateSpec, summary: Mapping[str, Any]) -> list[str]:
    """Datasets the user named that could not be loaded, unless --allow-missing-datasets: without gates they
    fail the run too (pytest would pass a run whose only test of a dataset is a skip)."""
    if spec.allow_missing_datasets:
        return []
    return sorted((summary.get("run") or {}).get("unavailable") or {})


def passes(spec: GateSpec, summary: Mapping[str, Any], gates: list[GateResult]) -> bool:
    """The exit status's answer for a finished run: with gates, every gate passed and no test failed for
    another reason; without, pytest's own rule (no inconsistent, failed or errored test) and no missing dataset."""
    tests = summary.get("tests") or {}
    if summary.get("complete") is False:
        return False
    if spec.gating:
        return all(g.passed for g in gates) and not tests.get("failed_other")
    failed = tests.get("inconsistent") or tests.get("failed_other") or tests.get("errors")
    return not failed and not missing_datasets(spec, summary)
