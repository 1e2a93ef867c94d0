"""The verdict as a test: the `restgate::release_gate` JUnit testcase, and pytest's own counts when it fails.

Why a synthetic report: the gate is judged after the last test, on the controller, from every worker's records,
so it cannot be a collected test item; a `TestReport` handed to junitxml's `LogXML` (pytest keeps it in
`config.stash[xml_key]`) becomes an ordinary testcase, written with the others when junitxml writes its file.
It is not broadcast through `pytest_runtest_logreport`: the cache (`--lf`), stepwise and pytest-html would then
treat a node id no collection can produce as a test. A failing gate is also added to the terminal's `failed`
stats (under gate options), so pytest's own summary line and its short summary say `1 failed` exactly when the
exit status is non-zero, and handed to pytest-html alone as a row of its own, so the page's counts say
`1 Failed` too (its row log holds every gate line) instead of `0 Failed` under a FAILED banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.reports.release import JUNIT_NODEID, ReleaseVerdict, add_banner, release_verdict
from pytest_restgate.reports.rows import html_plugin

LOCATION = ("restgate", None, "release_gate")


def gate_report(verdict: ReleaseVerdict, when: str = "call") -> pytest.TestReport:
    """The verdict as a call report (passed or failed) whose text holds every gate line."""
    outcome = "passed" if verdict.passed or when != "call" else "failed"
    longrepr = None if outcome == "passed" else verdict.text
    props: list[tuple[str, object]] = [("restgate_release_verdict", verdict.word)]
    props += [("restgate_gate", line) for line in verdict.gate_lines]
    if verdict.reasons:
        props.append(("restgate_reasons", "; ".join(verdict.reasons)))
    return pytest.TestReport(JUNIT_NODEID, LOCATION, {}, outcome, longrepr, when,  # type: ignore[arg-type]
                             user_properties=props)  # junitxml writes the teardown report's properties


def add_junit_case(config: pytest.Config, verdict: ReleaseVerdict) -> None:
    """Add the testcase to the JUnit file being written (--junitxml), before junitxml writes it."""
    from _pytest.junitxml import xml_key

    xml = config.stash.get(xml_key, None)
    if xml is None:
        return
    xml.pytest_runtest_logreport(gate_report(verdict))
    xml.pytest_runtest_logreport(gate_report(verdict, "teardown"))  # closes the testcase, with its properties


def count_failed_gate(config: pytest.Config, verdict: ReleaseVerdict) -> None:
    """Under gate options a failing verdict is one failed test in pytest's own summary (the items are xfails)."""
    terminal: Any = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None or not verdict.counted_as_failed_test:
        return
    terminal.stats.setdefault("failed", []).append(gate_report(verdict))


def add_html_row(config: pytest.Config, verdict: ReleaseVerdict) -> None:
    """A failing verdict (under gate options) as pytest-html's row and count, exactly when the terminal counts it.

    Handed to pytest-html's plugin alone (its call report, then its teardown report, which makes the row), not
    broadcast: the cache and stepwise never see the node id."""
    row = getattr(html_plugin(config), "pytest_runtest_logreport", None)
    if not verdict.counted_as_failed_test or not callable(row):
        return
    row(gate_report(verdict))
    row(gate_report(verdict, "teardown"))


def write_last_line(config: pytest.Config, verdict: ReleaseVerdict) -> None:
    """The verdict as the terminal's last line, after pytest's own summary line."""
    terminal: Any = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None:
        return
    colour = {"PASSED": {"green": True}, "FAILED": {"red": True}, "INCOMPLETE": {"red": True}}[verdict.word]
    terminal.write_line(verdict.line, bold=True, **colour)


def before_reporters(config: pytest.Config, summary: dict[str, Any], exit_status: int) -> ReleaseVerdict:
    """After the exit status is settled, before junitxml, pytest-html and the terminal summary run."""
    verdict = release_verdict(summary, exit_status)
    add_junit_case(config, verdict)
    count_failed_gate(config, verdict)
    add_html_row(config, verdict)
    publish_markdown(config.getoption("--md-summary", None), summary, verdict)
    return verdict


def publish_markdown(option: Path | str | None, summary: dict[str, Any], verdict: ReleaseVerdict) -> None:
    """Append the markdown summary to --md-summary or $GITHUB_STEP_SUMMARY; a file that cannot be written is a
    warning on stderr, never a change of verdict."""
    from pytest_restgate.reports.markdown import append_markdown, markdown_target, summary_markdown

    target = markdown_target(option)
    if target is None:
        return
    try:
        append_markdown(target, summary_markdown(summary, verdict))
    except OSError as exc:
        import sys

        print(f"restgate: warning: the markdown summary was not written to {target} ({exc})", file=sys.stderr)


def after_reporters(config: pytest.Config, verdict: ReleaseVerdict, html_path: Path | None) -> None:
    """After pytest's summary line and pytest-html's last write: the last line, and the banner in the page."""
    write_last_line(config, verdict)
    if html_path is None or not html_path.is_file():
        return
    page = html_path.read_text(encoding="utf-8")
    marked = add_banner(page, verdict)
    if marked != page:
        from pytest_restgate.reports.many.pages import write_page  # atomic: a reader never sees half a page

        write_page(html_path, marked)


__all__ = ["add_html_row", "add_junit_case", "after_reporters", "before_reporters", "count_failed_gate", "gate_report",
           "publish_markdown", "write_last_line"]
