"""End-of-run work prepared while the calls are still running, on the process that writes the summary.

Why: after the last answer a run imports its summary and terminal modules and pytest-html's templates (jinja2)
before it can write its summary and report, and pytest's Hypothesis plugin imports Hypothesis (about 1.5 s)
just to check for failing examples a REST run never has. `WarmUp` imports the former on a background thread,
at once on an xdist controller (it idles while the workers call), and in a single process once most tests have
reported (earlier, the import would take the interpreter lock from the busy event loop). The latter plugin is
unregistered on REST runs; `pytest tests` keeps it. pandas is not among them: the summary is computed in plain
Python (reports/unitrows.py), so a run without a baseline never imports pandas or numpy, and a thread importing
them (0.4 s of CPU) would only slow a single process down.
"""

from __future__ import annotations

import gc
import importlib
import threading

import pytest

MODULES = ("pytest_restgate.reports.summary", "pytest_restgate.reports.terminal", "jinja2")
"""What `pytest_restgate.reports.plugin`'s finish and the HTML report import first."""
SINGLE_PROCESS_START = 0.8
"""In a single process, the warm-up starts once this share of the tests has reported."""
HYPOTHESIS_PLUGIN = "hypothesispytest"


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a warm-up: the real import later reports any error where it matters
            continue
    gc.freeze()  # the imported modules' objects live to the end: no collection need walk them again


def warm_imports(names: tuple[str, ...] = MODULES) -> threading.Thread:
    """Start importing `names` on a daemon thread and return it."""
    thread = threading.Thread(target=_import_all, args=(names,), name="restgate-warm-imports", daemon=True)
    thread.start()
    return thread


class WarmUp:
    """A pytest plugin that starts `warm_imports` at the right moment (see the module docstring)."""

    def __init__(self, xdist_controller: bool) -> None:
        self.started = False
        self.total = 0
        self.reported = 0
        if xdist_controller:
            self.start()

    def start(self) -> None:
        if not self.started:
            self.started = True
            warm_imports()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.reported += 1
            if self.total and self.reported >= SINGLE_PROCESS_START * self.total:
                self.start()


def prepare_end_of_run(config: pytest.Config) -> None:
    """On the process that writes a REST run's summary: register `WarmUp` and drop Hypothesis's plugin."""
    config.pluginmanager.register(WarmUp(bool(getattr(config.option, "numprocesses", None))), "restgate-warmup")
    drop_hypothesis_plugin(config)


def drop_hypothesis_plugin(config: pytest.Config) -> None:
    """Unregister Hypothesis's pytest plugin on a REST run that does not run the fresh search (also under
    `--collect-only`): its end-of-session summary imports Hypothesis whole (75-100 ms) to report nothing."""
    if config.getoption("--fresh-examples", 0):
        return  # the fresh search runs Hypothesis: its plugin ends Hypothesis's initialisation phase, or every
        # strategy built lazily warns "Slow code in plugin"
    hypothesis = config.pluginmanager.get_plugin(HYPOTHESIS_PLUGIN)
    if hypothesis is not None:
        config.pluginmanager.unregister(hypothesis)
