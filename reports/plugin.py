"""The results plugin: collects records on the controller, computes metrics, gates, writes outputs.

The module-level hooks only declare options and attach per-test extras (on whichever process runs the test);
the `Results` object does the controller's work and is registered only on the controller of a REST run, so
`pytest tests` and xdist workers never write a report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.evidence import EVIDENCE_KEY, evidence
from pytest_restgate.core.gates import GateResult
from pytest_restgate.core.judge import GateSpec, add_gate_options, judge, missing_datasets, passes, settle
from pytest_restgate.core.records import KIND_PROPERTY, RUN_INFO_KEY, RunInfo
from pytest_restgate.core.rundir import discard_run_dir, is_rest_run, make_run_dir, mark_finished
from pytest_restgate.core.summary import Completeness
from pytest_restgate.reports import html, prechecks
from pytest_restgate.reports.baseline import load_baseline, regression_of, save_baseline
from pytest_restgate.reports.collector import Collector
from pytest_restgate.reports.extras import attach_extras, table_header, table_row
from pytest_restgate.reports.findings import as_finding
from pytest_restgate.reports.noise import MIN_REPEATS
from pytest_restgate.reports.records_wire import WORKER_FLAG, RestoreOnce, SendOnce
from pytest_restgate.reports.release import ReleaseVerdict
from pytest_restgate.reports.retention import Retention
from pytest_restgate.reports.rows import Rows
from pytest_restgate.reports.stops import stop_named, stop_reason
from pytest_restgate.reports.trust import notices, notices_html

PLUGIN_NAME = "restgate-results"
RESTORE_ONCE = f"{PLUGIN_NAME}-restore-once"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("restgate-report", "restgate: report and release gates")
    group.addoption("--report-dir", type=Path, default=None,
                    help="parent folder of the run folders (default: reports/runs/ in the current folder)")
    add_gate_options(group.addoption)  # the gate options, shared with `restgate merge` (pytest_restgate/core/judge.py)
    group.addoption("--save-baseline", type=Path, default=None,
                    help="write this run's summary to FILE for the next release to compare against")
    group.addoption("--md-summary", type=Path, default=None,
                    help="append the verdict, metrics, gates and inconsistent items as markdown to FILE (default: "
                         "$GITHUB_STEP_SUMMARY when set)")


def pytest_configure(config: pytest.Config) -> None:
    """Not tryfirst: the fixtures plugin's (tryfirst) must have put the run info in the stash; still before
    pytest-html's, which reads the report path this sets (plugins named in conftest run before installed ones)."""
    if hasattr(config, "workerinput"):
        if config.workerinput.get(WORKER_FLAG):  # the controller restores records sent once (reports/records_wire)
            config.pluginmanager.register(SendOnce(), f"{PLUGIN_NAME}-send-once")
        return
    if not is_rest_run(config):
        return
    if config.option.collectonly:
        from pytest_restgate.reports.warmup import drop_hypothesis_plugin

        drop_hypothesis_plugin(config)
        return
    results = Results(config, config.stash[RUN_INFO_KEY])
    config.pluginmanager.register(results, PLUGIN_NAME)
    config.pluginmanager.register(Retention(results.report_path), f"{PLUGIN_NAME}-retention")  # reports/retention
    if getattr(config.option, "numprocesses", None):  # xdist: each test's records arrive once (reports/records_wire)
        config.pluginmanager.register(RestoreOnce(), RESTORE_ONCE)
    from pytest_restgate.reports.warmup import prepare_end_of_run

    prepare_end_of_run(config)  # summary imports warmed during the run; Hypothesis's end-of-session import dropped
    if getattr(config.option, "htmlpath", None) is None and config.pluginmanager.hasplugin("html"):
        config.option.htmlpath = str(results.run_dir / "report.html")
        config.option.self_contained_html = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: a worker sends each test's records once when this controller puts them back in every report."""
    if node.config.pluginmanager.has_plugin(RESTORE_ONCE):
        node.workerinput[WORKER_FLAG] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Attach the thumbnail and raw responses to the setup report, where the records first appear."""
    report = yield
    as_finding(item, report)  # under gate options an inconsistency is an xfail with its answers (reports/findings)
    attach_extras(item, report)  # thumbnail, answer distributions, raw responses (reports/extras.py)
    return report


class Results:
    """The controller's side of a REST run: collect, summarise, gate, write."""

    def __init__(self, config: pytest.Config, run: RunInfo) -> None:
        self.config = config
        self.run = run
        opt = config.getoption
        self.spec = GateSpec.from_namespace(config.option)
        self.baseline = load_baseline(self.spec.baseline) if self.spec.baseline else None
        if self.spec.noise and run.repeats < MIN_REPEATS:
            raise pytest.UsageError(f"--max-rer-below-noise needs --repeats {MIN_REPEATS} or more (the noise floor is "
                                    f"three text answers agreeing), not {run.repeats}")
        self.gating = self.spec.gating
        prechecks.check_before_run(self.spec, self.config.getoption("--save-baseline"), run.datasets)
        self.run_dir = make_run_dir(opt("--report-dir"), run.model)
        self.collector = Collector(self.run_dir / "results.jsonl")
        self.rows = Rows(config)
        self.started = time.time()
        self.summary: dict[str, Any] | None = None
        self.gates: list[GateResult] = []
        self.regression: dict[str, Any] | None = None
        self.abandoned = False
        self.planned: int | None = None
        self.selected: list[str] = []
        """Node ids of the tests pytest selected (after -k/-m/--lf/--deselect), for summary.json's plan."""
        self.stop_reason: str | None = None
        self.completeness: Completeness | None = None
        """Set when the run stopped on a usage error before any record: its folder is removed at unconfigure."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Before junitxml's hook: it then writes the records as compact JSON (see `Collector.add`)."""
        self.collector.add(report)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, Any]:
        if not hasattr(session.config, "workerinput") and not getattr(session.config.option, "numprocesses", None):
            self.planned = sum(1 for item in session.items if any(k == KIND_PROPERTY for k, _ in item.user_properties))
            self.selected = [item.nodeid for item in session.items]
        try:
            return (yield)
        except BaseException as exc:  # Ctrl-C, pytest.exit, an internal error: the run did not finish
            self.stop_reason = self.stop_reason or stop_reason(exc, session.config)
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
        from pytest_restgate.reports.summary import build_summary

        spend = self.run.spend() if self.run.spend is not None else None
        self.summary = build_summary(self.collector.records, self.collector.outcomes, self.run.as_json(),
                                     primary_strategy=self.run.primary_strategy, started=self.started,
                                     spend=spend)
        finished = len(self.collector.finished)
        self.completeness = Completeness.of(self.planned if self.planned is not None else finished, finished,
                                            self.stop_reason)
        self.summary.update(self.completeness.as_json())
        self._record_selection()
        self.summary[EVIDENCE_KEY] = evidence(self.run_dir / "results.jsonl", self.collector.records)  # for merge
        if self.baseline is not None:
            self.regression = regression_of(self.baseline, self.summary)
            self.summary["baseline"] = {"path": str(self.spec.baseline), **self.regression}
        self.gates = judge(self.spec, self.summary, self.regression)
        settle(self.spec, self.summary, self.gates)
        from pytest_restgate.reports.summaryfile import write_summary  # atomic, as `restgate merge` writes its own

        path = write_summary(self.run_dir, self.summary)
        mark_finished(self.run_dir)
        target = self.config.getoption("--save-baseline")
        if target is not None and self.completeness.complete:
            save_baseline(path, target)

    def _record_selection(self) -> None:
        """summary.json's selection, plan and report path (reports/selection.py; index links follow --html)."""
        from pytest_restgate.reports.selection import plan_block, selection_of

        assert self.summary is not None and self.completeness is not None
        self.summary["selection"] = selection_of(self.config, (self.summary.get("run") or {}).get("shard"))
        plan = self.run.plan() if self.run.plan is not None else None
        self.summary["plan"] = plan_block(plan, self.selected, self.completeness.complete is True)
        chosen = getattr(self.config.option, "htmlpath", None)
        self.summary["report_html"] = (Path(os.path.relpath(Path(chosen).resolve(), self.run_dir.resolve()))
                                       .as_posix() if chosen else None)

    def _record_release(self, verdict: ReleaseVerdict, exit_status: int) -> None:
        """summary.json's `release`: the verdict the terminal, the page, JUnit and the markdown show, with the exit
        status (without gate options pytest's rule decides it, which `verdict` alone, NO-GATE, does not say);
        then the index, which shows it."""
        assert self.summary is not None
        self.summary["release"] = verdict.as_json(exit_status)
        from pytest_restgate.reports.summaryfile import write_summary

        write_summary(self.run_dir, self.summary, units=False)
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

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> Generator[None, Any, Any]:
        """Outermost: settle the exit status and the verdict before junitxml and pytest-html write their files;
        print the verdict after pytest's own summary line (the terminal's wrapper runs inside this one)."""
        self._settle(session, exitstatus)
        verdict = None
        if self.summary is not None and not self.abandoned:
            from pytest_restgate.reports.gatecase import after_reporters, before_reporters

            verdict = before_reporters(self.config, self.summary, int(session.exitstatus))
            self._record_release(verdict, int(session.exitstatus))
        try:
            return (yield)
        finally:
            if verdict is not None:
                after_reporters(self.config, verdict, Path(self.report_path()))

    def _settle(self, session: pytest.Session, exitstatus: int) -> None:
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
        assert self.summary is not None
        ok = passes(self.spec, self.summary, self.gates)
        session.exitstatus = pytest.ExitCode.OK if ok else pytest.ExitCode.TESTS_FAILED

    def _missing_datasets(self) -> list[str]:
        return [] if self.summary is None else missing_datasets(self.spec, self.summary)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Under xdist the controller does not collect: every worker reports the same ids (xdist checks)."""
        self.planned = len(ids)
        self.selected = list(ids)

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
        if self.summary.get("complete") is not False and not self.gating and self._missing_datasets():
            terminalreporter.write_line(
                f"restgate FAILED: {', '.join(self._missing_datasets())} named in --datasets but not loaded (see "
                "above for how to supply it); pass --allow-missing-datasets to run without it", red=True, bold=True)
        # the release verdict is the terminal's last line: printed after pytest's own (reports/gatecase.py)

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
        prefix.append(self.rows.note())  # passed tests a large run does not list (reports/rows.py)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        table_header(cells)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        if self.rows.keep(report, cells, len(self.selected)):
            table_row(report, cells, self.run.primary_strategy)
