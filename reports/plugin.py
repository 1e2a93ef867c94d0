"""The results plugin: collects records on the controller, computes metrics, gates, writes outputs.

The module-level hooks only declare options and attach per-test extras (on whichever process runs the test);
the `Results` object does the controller's work and is registered only on the controller of a REST run, so
`pytest tests` and xdist workers never write a report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.reports import html, prechecks
from pytest_restgate.reports.baseline import compare_units, load_baseline, regression_gate, save_baseline
from pytest_restgate.reports.collector import Collector, records_of
from pytest_restgate.reports.figures import MEANS, SUBSETS, Figure, describe_scope, gate_figures, gate_intervals
from pytest_restgate.reports.gates import (
    GATED,
    OVERALL,
    GateResult,
    Threshold,
    check_count,
    check_threshold,
    parse_thresholds,
)
from pytest_restgate.reports.noise import (
    MIN_REPEATS,
    check_noise,
    distributions_html,
    has_repeats,
    parse_noise_thresholds,
)
from pytest_restgate.reports.records import KIND_PROPERTY, RUN_INFO_KEY, THUMBNAIL_KEY, RunInfo
from pytest_restgate.reports.rundir import discard_run_dir, is_rest_run, make_run_dir, mark_finished
from pytest_restgate.reports.stops import stop_named
from pytest_restgate.reports.trust import BUDGET_MARK, Completeness, data_gates, notices, notices_html

PLUGIN_NAME = "restgate-results"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("restgate-report", "restgate: report and release gates")
    group.addoption("--report-dir", type=Path, default=None,
                    help="parent folder of the run folders (default: reports/runs/)")
    group.addoption("--min-rer", default=None, help="gate: RER at least this share (0.85, or soebench:0.9,...)")
    group.addoption("--max-cfr", default=None, help="gate: CFR at most this share (overall or dataset:value)")
    group.addoption("--min-mmc", default=None, help="gate: MMC at least this share (overall or dataset:value)")
    group.addoption("--max-rer-below-noise", default=None,
                    help="gate (--repeats >= 3): RER over the repeats at most this share below its noise floor, "
                         "the RER three text draws would reach (overall or dataset:value; see reports/noise.py)")
    group.addoption("--max-errors", type=int, default=None,
                    help="gate: at most this many errored items (default 0 when any gate is set)")
    group.addoption("--gate-on", default="point", choices=("point", "lower-bound"),
                    help="judge thresholds on the figure (point) or on its 95%% Wilson bound (lower-bound: the "
                         "conservative end), so a gate does not flap on sampling noise")
    group.addoption("--gate-subset", default=None, choices=SUBSETS,
                    help="gate on all scored units (default) or on the OCR-correct subset (the paper's headline "
                         "figures: units whose transcription was exact)")
    group.addoption("--gate-mean", default=None, choices=MEANS,
                    help="overall figure pooled over units (default) or the mean over datasets (the paper's); "
                         "with --gate-on=lower-bound a mean uses the MOVER interval of the per-dataset Wilson ones")
    group.addoption("--baseline", type=Path, default=None,
                    help="a previous run's summary.json: list items that flipped and gate on --max-regressions")
    group.addoption("--max-regressions", type=int, default=0,
                    help="with --baseline: at most this many items may turn inconsistent (default 0)")
    group.addoption("--min-items", type=int, default=1,
                    help="a gate judges a dataset only with at least this many scored units, else it fails with "
                         "'no data' (default 1)")
    group.addoption("--allow-missing-datasets", action="store_true",
                    help="gate without a named dataset that could not be loaded (by default every gate fails)")
    group.addoption("--allow-budget-stop", action="store_true",
                    help="with --max-cost: calls not made for the budget do not fail the gate")
    group.addoption("--save-baseline", type=Path, default=None,
                    help="write this run's summary to FILE for the next release to compare against")


def pytest_configure(config: pytest.Config) -> None:
    """Not tryfirst: the fixtures plugin's (tryfirst) must have put the run info in the stash; still before
    pytest-html's, which reads the report path this sets (plugins named in conftest run before installed ones)."""
    if hasattr(config, "workerinput") or not is_rest_run(config):
        return
    if config.option.collectonly:
        from pytest_restgate.reports.warmup import drop_hypothesis_plugin

        drop_hypothesis_plugin(config)
        return
    results = Results(config, config.stash[RUN_INFO_KEY])
    config.pluginmanager.register(results, PLUGIN_NAME)
    from pytest_restgate.reports.warmup import prepare_end_of_run

    prepare_end_of_run(config)  # summary imports warmed during the run; Hypothesis's end-of-session import dropped
    if getattr(config.option, "htmlpath", None) is None and config.pluginmanager.hasplugin("html"):
        config.option.htmlpath = str(results.run_dir / "report.html")
        config.option.self_contained_html = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Attach the thumbnail and raw responses to the setup report, where the records first appear."""
    report = yield
    if report.when == "setup":
        records = records_of(report)
        thumbnail = item.stash.get(THUMBNAIL_KEY, None)
        if records or thumbnail:
            try:
                from pytest_html import extras
            except ImportError:  # pragma: no cover - pytest-html is a dependency, but may be disabled
                return report
            found = list(getattr(report, "extras", []))
            if thumbnail:
                found.append(extras.png(thumbnail, name="rendered item"))
            if has_repeats(records):  # --repeats: each modality's answer distribution and the exact test
                found.append(extras.html(distributions_html(records, records[0]["strategy"])))
            if records:
                found.append(extras.html(html.responses_html(records)))
            report.extras = found
    return report


class Results:
    """The controller's side of a REST run: collect, summarise, gate, write."""

    def __init__(self, config: pytest.Config, run: RunInfo) -> None:
        self.config = config
        self.run = run
        opt = config.getoption
        self.thresholds = [t for name in GATED for t in parse_thresholds(name, opt(f"--{name.replace('_', '-')}"))]
        self.max_errors: int | None = opt("--max-errors")
        self.baseline_path: Path | None = opt("--baseline")
        self.baseline = load_baseline(self.baseline_path) if self.baseline_path else None
        self.max_regressions: int = opt("--max-regressions")
        if self.max_regressions < 0 or (self.max_errors is not None and self.max_errors < 0):
            raise pytest.UsageError("--max-errors and --max-regressions must be 0 or more")
        self.gate_on: str = opt("--gate-on")
        self.figure = Figure(opt("--gate-subset") or "all", opt("--gate-mean") or "pooled")
        self.noise_thresholds = parse_noise_thresholds(opt("--max-rer-below-noise"))  # --repeats: reports/noise.py
        if self.noise_thresholds and run.repeats < MIN_REPEATS:
            raise pytest.UsageError(f"--max-rer-below-noise needs --repeats {MIN_REPEATS} or more (the noise floor is "
                                    f"three text answers agreeing), not {run.repeats}")
        self.gating = bool(self.thresholds or self.max_errors is not None or self.baseline is not None
                           or self.noise_thresholds)
        self.min_items: int = opt("--min-items")
        self._check_before_run()
        self.run_dir = make_run_dir(opt("--report-dir"), run.model)
        self.collector = Collector(self.run_dir / "results.jsonl")
        self.started = time.time()
        self.summary: dict[str, Any] | None = None
        self.gates: list[GateResult] = []
        self.regression: dict[str, Any] | None = None
        self.abandoned = False
        self.planned: int | None = None
        self.stop_reason: str | None = None
        self.completeness: Completeness | None = None
        """Set when the run stopped on a usage error before any record: its folder is removed at unconfigure."""

    def _check_before_run(self) -> None:
        """What would otherwise fail after the calls (reports/prechecks.py), before the run folder exists."""
        prechecks.check_min_items(self.min_items)
        if (target := self.config.getoption("--save-baseline")) is not None:
            prechecks.check_writable("--save-baseline", Path(target))
        scopes = [(f"--{t.direction}-{t.metric}", t.scope) for t in self.thresholds]
        scopes += [("--max-rer-below-noise", t.scope) for t in self.noise_thresholds]
        prechecks.check_scopes(scopes, self.run.datasets, OVERALL)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Before junitxml's hook: it then writes the records as compact JSON (see `Collector.add`)."""
        self.collector.add(report)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, Any]:
        if not hasattr(session.config, "workerinput") and not getattr(session.config.option, "numprocesses", None):
            self.planned = sum(1 for item in session.items if any(k == KIND_PROPERTY for k, _ in item.user_properties))
        try:
            return (yield)
        except BaseException as exc:  # Ctrl-C, pytest.exit, an internal error: the run did not finish
            self.stop_reason = self.stop_reason or _stop_reason(exc, session.config)
            raise
        finally:
            stop = session.shouldstop or session.shouldfail
            if stop and not self.stop_reason:
                self.stop_reason = stop_named(str(stop), session.config)
            self.finish()

    def finish(self) -> None:
        """After the loop (also after Ctrl-C): summary, gates and files, once."""
        if self.summary is not None or self.abandoned:
            return
        self.collector.close()
        from pytest_restgate.reports.metrics import regressions  # pandas: only here, on the controller
        from pytest_restgate.reports.summary import build_summary

        spend = self.run.spend() if self.run.spend is not None else None
        self.summary = build_summary(self.collector.records, self.collector.outcomes, self.run.as_json(),
                                     primary_strategy=self.run.primary_strategy, started=self.started,
                                     spend=spend)
        finished = len(self.collector.finished)
        self.completeness = Completeness(self.planned if self.planned is not None else finished, finished,
                                         self.stop_reason)
        self.summary.update(self.completeness.as_json())
        if self.baseline is not None:
            self.regression = compare_units(self.baseline["units"], self.summary["units"], regressions)
            self.summary["baseline"] = {"path": str(self.baseline_path), **self.regression}
        self.gates = self._judge()
        self.summary["gates"] = [g.__dict__ | {"line": g.line} for g in self.gates]
        self.summary["gate_passed"] = all(g.passed for g in self.gates) if self.gating else None
        if not self.completeness.complete:
            self.summary["gate_passed"] = False if self.gating else None
        self.summary["verdict"] = _verdict(self.completeness.complete, self.gating, self.summary["gate_passed"])
        from pytest_restgate.reports.many.pages import write_page  # atomic, as `restgate merge` writes its summary.json

        path = write_page(self.run_dir / "summary.json", json.dumps(self.summary, indent=2, ensure_ascii=False))
        mark_finished(self.run_dir)
        target = self.config.getoption("--save-baseline")
        if target is not None and self.completeness.complete:
            save_baseline(path, target)
        self._write_index()

    def _write_index(self) -> None:
        """Rewrite the report folder's index.html (reports/many): a failure there is a warning on stderr and
        never changes the run's verdict."""
        try:
            from pytest_restgate.reports.many.index import write_index

            write_index(self.run_dir.parent)
        except Exception as exc:
            import sys

            print(f"restgate: warning: the run index was not rewritten ({type(exc).__name__}: {exc})",
                  file=sys.stderr)

    def _judge(self) -> list[GateResult]:
        assert self.summary is not None
        figures = gate_figures(self.summary, self.figure)
        intervals = gate_intervals(self.summary, self.figure) if self.gate_on == "lower-bound" else None
        self.summary["gate_figure"] = {"subset": self.figure.subset, "mean": self.figure.mean,
                                       "figure": self.figure.describe, "judged_on": self.gate_on}
        gates = [self._threshold(t, figures, intervals) for t in self.thresholds]
        gates += [check_noise(t, self.summary.get("noise"), self.gate_on) for t in self.noise_thresholds]
        if not self.gating:
            return gates
        opt = self.config.getoption
        allow_budget = bool(opt("--allow-budget-stop"))
        errors = self.collector.outcomes.errors
        if allow_budget:  # calls the budget refused are reported by their own gate, not as errors
            errors = [e for e in errors if BUDGET_MARK not in e.get("message", "")]
        gates.append(check_count("max-errors", len(errors), self.max_errors or 0))
        if self.regression is not None:
            gates.append(regression_gate(self.regression, self.max_regressions))
        datasets = list((self.summary.get("run") or {}).get("datasets") or [])
        gates.extend(data_gates(self.summary, datasets, self.min_items, bool(opt("--allow-missing-datasets")),
                                allow_budget))
        return gates

    def _threshold(self, t: Threshold, figures: dict[str, dict[str, float | None]],
                   intervals: dict[str, dict[str, tuple[float, float] | None]] | None) -> GateResult:
        """A threshold, judged only when its scope has at least --min-items scored units ("no data" fails)."""
        assert self.summary is not None
        metrics = self.summary.get("metrics") or {}
        scope = metrics.get("micro") if t.scope == OVERALL else (metrics.get("datasets") or {}).get(t.scope)
        n = int((scope or {}).get("n") or 0)
        if n < max(1, self.min_items):
            return GateResult(t.label, t.value, None, False, figure=describe_scope(self.figure, t.scope),
                              note=f"target {t.value:g}, no data ({n} scored units, --min-items "
                                   f"{self.min_items})")
        return check_threshold(t, figures, intervals, describe_scope(self.figure, t.scope))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """With gate options the gate alone decides: inconsistencies are findings, not failures."""
        if exitstatus == pytest.ExitCode.USAGE_ERROR and not self.collector.records:
            self.abandoned = True  # e.g. a bad -m or path found at collection: no run, so no run folder
            return
        self.finish()
        if self.completeness is not None and not self.completeness.complete:
            if session.exitstatus == pytest.ExitCode.OK:  # e.g. pytest.exit(returncode=0): still no verdict
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
            return
        if not self.gating and exitstatus == pytest.ExitCode.OK and self._missing_datasets():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a dataset the user named was never tested
            return
        if not self.gating or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return
        outcomes = self.collector.outcomes
        other_failures = outcomes.failed_other > 0
        passed = all(g.passed for g in self.gates) and not other_failures
        session.exitstatus = pytest.ExitCode.OK if passed else pytest.ExitCode.TESTS_FAILED

    def _missing_datasets(self) -> list[str]:
        """Datasets the user named that could not be loaded, unless --allow-missing-datasets: without gates
        they fail the run too (pytest would pass a run whose only test of a dataset is a skip)."""
        if self.summary is None or self.config.getoption("--allow-missing-datasets"):
            return []
        return sorted((self.summary.get("run") or {}).get("unavailable") or {})

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Under xdist the controller does not collect: every worker reports the same ids (xdist checks)."""
        self.planned = len(ids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        if error:
            self.stop_reason = self.stop_reason or f"xdist worker {getattr(node, 'gateway', node).id} crashed"

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """A run that never started (a usage error in another plugin's configure, or at collection) leaves no
        folder behind; a run that made records keeps its folder (with `RUNNING` if it never finished)."""
        if self.abandoned or (self.summary is None and not self.collector.records):
            self.collector.close()
            discard_run_dir(self.run_dir)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.summary is None:
            return
        from pytest_restgate.reports.terminal import summary_lines  # pandas, via the colour table

        terminalreporter.write_sep("=", "restgate summary")
        for line in notices(self.summary):
            terminalreporter.write_line(line, red=line.startswith("INCOMPLETE"), yellow=not line.startswith(
                "INCOMPLETE"), bold=True)
        for line in summary_lines(self.summary, self.gates, self.regression, str(self.run_dir),
                                  self.report_path()):
            markup = {}
            if line.startswith("gate FAIL"):
                markup = {"red": True, "bold": True}
            elif line.startswith("gate PASS"):
                markup = {"green": True}
            terminalreporter.write_line(line, **markup)
        if self.summary.get("complete") is False:
            terminalreporter.write_line(
                "restgate release gate INCOMPLETE: the run did not finish every selected unit (see the first "
                "line of this summary); exit status non-zero", red=True, bold=True)
        elif self.gating:
            verdict = "PASSED" if self.summary.get("gate_passed") else "FAILED"
            terminalreporter.write_line(
                f"restgate release gate {verdict} (inconsistent items are findings; the gate sets the exit status)",
                red=verdict == "FAILED", green=verdict == "PASSED", bold=True,
            )
        elif self._missing_datasets():
            terminalreporter.write_line(
                f"restgate FAILED: {', '.join(self._missing_datasets())} named in --datasets but not loaded (see "
                "above for how to supply it); pass --allow-missing-datasets to run without it", red=True, bold=True)

    def report_path(self) -> str:
        """The HTML report this run wrote: --html=PATH when given, else report.html in the run folder."""
        chosen = getattr(self.config.option, "htmlpath", None)
        return str(Path(chosen).resolve()) if chosen else f"{self.run_dir}/report.html"

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        report.title = f"restgate report: {self.run.model}"

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str],
                                    session: pytest.Session) -> None:
        self.finish()
        if self.summary is None:  # abandoned on a usage error: nothing to summarise
            return
        prefix.append(notices_html(self.summary))
        prefix.append(html.summary_html(self.summary, self.gates, self.regression))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[2:2] = [f"<th>{h}</th>" for h in html.RESULT_HEADERS]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        cells[2:2] = html.row_cells(records_of(report), self.run.primary_strategy)


def _stop_reason(exc: BaseException, config: pytest.Config) -> str:
    if (named := stop_named(str(exc), config)) != str(exc):  # -x/--maxfail: pytest's Failed, xdist's Interrupted
        return named
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C)"
    if isinstance(exc, pytest.exit.Exception):
        return f"pytest.exit: {exc}"
    return f"stopped by {type(exc).__name__}: {exc}"


def _verdict(complete: bool, gating: bool, passed: bool | None) -> str:
    """summary.json's one word: INCOMPLETE whenever a unit did not finish, else the gate's word."""
    if not complete:
        return "INCOMPLETE"
    if not gating:
        return "NO-GATE"
    return "PASSED" if passed else "FAILED"
