"""The release verdict as a person and a CI system see it: one word, shown the same on every surface.

Why a module of its own: the terminal's last line, the JUnit `restgate::release_gate` testcase, the HTML banner
and the markdown summary must never disagree with each other or with the exit status. They all read the verdict
through `release_verdict`, the one place that turns what the run decided (summary.json's gates, completeness and
test counts, and pytest's final exit status) into PASSED, FAILED (naming the failing gates) or INCOMPLETE (with the
reason). When the single judge of issue 20 lands, only that function needs re-pointing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_restgate.core.records import ReleaseWord

JUNIT_NODEID = "restgate::release_gate"
"""The JUnit testcase of the verdict: classname `restgate`, name `release_gate`."""
_COLOURS = {"PASSED": ("#1b5e20", "#e8f5e9"), "FAILED": ("#b00020", "#fdecea"), "INCOMPLETE": ("#7a4b00", "#fff4e0")}


@dataclass(frozen=True)
class ReleaseVerdict:
    """PASSED, FAILED or INCOMPLETE, with the reasons (failing gates, or why the run is incomplete)."""

    word: ReleaseWord
    reasons: tuple[str, ...] = ()
    gated: bool = False
    """True when gate options judged the run; False under pytest's rule (any inconsistent item fails)."""
    gate_lines: tuple[str, ...] = ()
    """Every gate's one line (PASS and FAIL), for the JUnit failure text and the markdown."""

    @property
    def passed(self) -> bool:
        return self.word == "PASSED"

    @property
    def line(self) -> str:
        """The terminal's last line and the markdown's first: `restgate release gate FAILED: min-rer, ...`."""
        why = "; ".join(self.reasons)
        if self.word == "PASSED":
            why = "every gate passed" if self.gated else "every item consistent (no gate options: pytest's rule)"
        return f"restgate release gate {self.word}: {why}"

    @property
    def text(self) -> str:
        """The line, then every gate's line: the JUnit failure's text and the log of the page's gate row."""
        return "\n".join([self.line, *(f"gate {g}" for g in self.gate_lines)])

    @property
    def counted_as_failed_test(self) -> bool:
        """Under gate options a verdict that did not pass is pytest's one failed test (the items are xfails):
        counted so by the terminal and listed and counted so by the page."""
        return self.gated and not self.passed

    def as_json(self, exit_status: int) -> dict[str, Any]:
        """summary.json's `release`: the verdict every other surface shows, and the exit status it came with."""
        return {"word": self.word, "line": self.line, "reasons": list(self.reasons), "gated": self.gated,
                "exit_status": int(exit_status)}


def release_verdict(summary: Mapping[str, Any], exit_status: int | None = None) -> ReleaseVerdict:
    """THE reading of today's verdict (summary.json as reports/plugin.py or `restgate merge` wrote it).

    `exit_status` is pytest's final one for a live run (None for a merge): the verdict never says PASSED over a
    non-zero status, and without gate options pytest's status is the verdict (its reasons come from the counts).
    """
    gates = list(summary.get("gates") or [])
    gated = summary.get("gate_passed") is not None or bool(gates)
    lines = tuple(str(g.get("line") or g.get("label")) for g in gates)
    if summary.get("complete") is False:
        reason = (f"{summary.get('finished')} of {summary.get('planned')} planned tests finished "
                  f"({summary.get('incomplete_reason') or 'not every unit finished'}); no release verdict")
        return ReleaseVerdict("INCOMPLETE", (reason,), gated, lines)
    tests = summary.get("tests") or {}
    reasons = [str(g.get("label")) for g in gates if not g.get("passed")] if gated else _ungated_reasons(summary)
    if tests.get("failed_other"):
        reasons.append(f"{tests['failed_other']} test(s) failed for another reason than inconsistency")
    if exit_status is not None:
        if exit_status != 0 and not reasons:
            reasons.append(f"pytest exit status {int(exit_status)}")
        elif exit_status == 0 and not gated:
            reasons = []  # pytest's rule decided, e.g. a missing dataset allowed by --allow-missing-datasets
    return ReleaseVerdict("FAILED" if reasons else "PASSED", tuple(reasons), gated, lines)


def recorded_verdict(summary: Mapping[str, Any]) -> ReleaseVerdict | None:
    """The verdict the run itself showed, from summary.json `release` (None for a file written before it)."""
    release = summary.get("release")
    if not isinstance(release, Mapping) or release.get("word") not in ("PASSED", "FAILED", "INCOMPLETE"):
        return None
    lines = tuple(str(g.get("line") or g.get("label")) for g in summary.get("gates") or [] if isinstance(g, Mapping))
    return ReleaseVerdict(release["word"], tuple(str(r) for r in release.get("reasons") or ()),
                          bool(release.get("gated")), lines)


def _ungated_reasons(summary: Mapping[str, Any]) -> list[str]:
    tests = summary.get("tests") or {}
    reasons = []
    if tests.get("inconsistent"):
        reasons.append(f"{tests['inconsistent']} inconsistent test(s) (no gate options: pytest's rule)")
    if tests.get("errors"):
        reasons.append(f"{tests['errors']} errored test(s)")
    unavailable = (summary.get("run") or {}).get("unavailable") or {}
    reasons.extend(f"dataset {name} not loaded" for name in sorted(unavailable))
    return reasons


def banner_html(verdict: ReleaseVerdict) -> str:
    """The verdict as a coloured block for the top of report.html (above pytest-html's Environment box)."""
    fg, bg = _COLOURS[verdict.word]
    gates = "".join(f"<li>{html.escape(line)}</li>" for line in verdict.gate_lines)
    details = f'<ul style="margin:4px 0 0 0">{gates}</ul>' if gates else ""
    return (f'<div id="restgate-verdict" data-verdict="{verdict.word}" style="border:3px solid {fg};'
            f'background:{bg};color:{fg};padding:10px 14px;margin:10px 0;font-size:16px">'
            f'<div style="font-size:22px;font-weight:bold">{verdict.word}</div>'
            f"<div>{html.escape(verdict.line)}</div>{details}</div>")


ENVIRONMENT_ANCHOR = '<div id="environment-header">'


def add_banner(page: str, verdict: ReleaseVerdict) -> str:
    """pytest-html's page with the banner just above its Environment box (once; the page unchanged when
    pytest-html's layout has no such box)."""
    if 'id="restgate-verdict"' in page or ENVIRONMENT_ANCHOR not in page:
        return page
    return page.replace(ENVIRONMENT_ANCHOR, banner_html(verdict) + ENVIRONMENT_ANCHOR, 1)


__all__ = ["JUNIT_NODEID", "ReleaseVerdict", "add_banner", "banner_html", "recorded_verdict",
           "release_verdict"]
