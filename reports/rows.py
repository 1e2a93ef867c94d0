"""Which tests the results table lists: every test that did not pass, and passed ones only in runs of at most
`LIST_PASSED_UP_TO` tests.

Why: pytest-html builds every row of its table in the browser, a few ms each, and stores each as about 1 KB of
JSON. At the paper's REST+ size (15,000 units) the page was 86 MB and took Chromium about 50 s to open; the
rows people review are the ones that did not hold. A passed test left out is still counted in the page's
outcome counts (pytest-html's own, so the filters and "N tests took" stay true), the summary says how many are
not listed, and results.jsonl holds every record.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_restgate.reports.release import JUNIT_NODEID

LIST_PASSED_UP_TO = 1000
"""A run of more selected tests lists only those that did not pass (a row costs Chromium a few ms)."""
LIST_FAILED_UP_TO = 200
"""...and of those the first this many (about 1 s of Chromium's time on this machine): the page opens in
seconds however many failed; every failure is still counted, pictured in thumbnails/ and in results.jsonl."""


def outcome_word(report: pytest.TestReport) -> str:
    """pytest-html 4.2's outcome name for a report (its `_process_outcome`), for counting a row left out."""
    if report.when in ("setup", "teardown", "collect") and report.outcome == "failed":
        return "Error"
    if hasattr(report, "wasxfail"):
        return "XFailed" if report.outcome == "skipped" else "XPassed"
    return report.outcome.capitalize()


_UNSET = object()


def html_plugin(config: pytest.Config) -> Any | None:
    """pytest-html's report plugin (it holds the page's data in `_report`), or None without it."""
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__module__.startswith("pytest_html") and hasattr(plugin, "_report"):
            return plugin
    return None


def _html_data(config: pytest.Config) -> Any | None:
    """pytest-html's report data (its outcome counts), or None when the plugin or its layout is not there."""
    data = getattr(html_plugin(config), "_report", None)
    return data if isinstance(getattr(data, "outcomes", None), dict) else None


class Rows:
    """Leaves passed tests out of a large run's table, counting them where pytest-html counts outcomes."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.unlisted = 0
        self.unlisted_failed = 0
        self.listed_failed = 0
        self._data: Any = _UNSET
        self._listed: set[str] = set()
        """Tests of a large run whose row is listed, until their teardown report (its log joins the row)."""

    def keep(self, report: pytest.TestReport, cells: list[str], selected: int) -> bool:
        """False (and `cells` emptied, pytest-html's way to drop a row) for a passed test of a large run.

        pytest-html hands over a test's setup, call and teardown reports in that order once it has finished.
        """
        if selected <= LIST_PASSED_UP_TO or report.nodeid == JUNIT_NODEID:  # a failed gate: always its row
            return True
        if not report.passed or hasattr(report, "wasxfail"):
            return self._keep_failed(report, cells)
        if report.when == "call" and not self._count("Passed"):
            self._listed.add(report.nodeid)
            return True
        if report.when == "teardown" and report.nodeid in self._listed:
            self._listed.discard(report.nodeid)
            return True
        cells.clear()
        return False

    def _keep_failed(self, report: pytest.TestReport, cells: list[str]) -> bool:
        """A test that did not pass: listed up to `LIST_FAILED_UP_TO` of them, then counted but left out."""
        if report.nodeid in self._listed or self.listed_failed < LIST_FAILED_UP_TO:
            self.listed_failed += report.nodeid not in self._listed
            self._listed.add(report.nodeid)
            return True
        if not self._count(outcome_word(report), passed=False):
            self._listed.add(report.nodeid)
            return True
        cells.clear()
        return False

    def _count(self, word: str, *, passed: bool = True) -> bool:
        """Count one left-out row where pytest-html counts outcomes; False when its layout is not as expected."""
        if self._data is _UNSET:  # looked up once: pytest-html's plugin object lives for the session
            self._data = _html_data(self.config)
        data = self._data
        if data is None or word.lower() not in data.outcomes:
            return False  # pytest-html changed: list the row rather than miscount it
        data.outcomes = word  # its setter counts one more
        if passed:
            self.unlisted += 1
        else:
            self.unlisted_failed += 1
        return True

    def note(self) -> str:
        return unlisted_note(self.unlisted, self.unlisted_failed)


def unlisted_note(unlisted: int, unlisted_failed: int = 0) -> str:
    """The summary's line about tests counted but not listed (empty when every test is listed)."""
    if not unlisted and not unlisted_failed:
        return ""
    failed = (f" Of the tests that did not pass, the first {LIST_FAILED_UP_TO:,} are listed and "
              f"{unlisted_failed:,} more are counted only: each one's picture is in thumbnails/, its answers in "
              "results.jsonl, and `pytest --lf` reruns them." if unlisted_failed else "")
    return (f'<p class="rg-note" id="restgate-unlisted">{unlisted:,} passed test(s) are counted but not listed in '
            f"the results table: a run of more than {LIST_PASSED_UP_TO:,} tests lists the tests that did not pass "
            "(with the page each one saw), so that the page stays small and opens in seconds. results.jsonl holds "
            f"every record.{failed}</p>")


__all__ = ["LIST_FAILED_UP_TO", "LIST_PASSED_UP_TO", "Rows", "html_plugin", "outcome_word", "unlisted_note"]
