"""What pytest-html shows of each REST test: the extras on its setup report (thumbnail, answer distributions,
raw responses) and the cells of its row in the results table (the records' answers, the model's latency).

Why a module of its own: the results plugin's hooks hand this per-test work over in one line each."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_restgate.core.records import THUMBNAIL_KEY, VERDICT_PROPERTY
from pytest_restgate.reports import html
from pytest_restgate.reports.collector import property_of, records_of
from pytest_restgate.reports.noise import distributions_html, has_repeats


def attach_extras(item: pytest.Item, report: Any) -> None:
    """Attach the thumbnail and raw responses to the setup report, where the records first appear."""
    if report.when != "setup":
        return
    records = records_of(report)
    thumbnail = item.stash.get(THUMBNAIL_KEY, None)
    if records or thumbnail:
        try:
            from pytest_html import extras
        except ImportError:  # pragma: no cover - pytest-html is a dependency, but may be disabled
            return
        found = list(getattr(report, "extras", []))
        if thumbnail:
            found.append(extras.png(thumbnail, name="rendered item"))
        if has_repeats(records):  # --repeats: each modality's answer distribution and the exact test
            found.append(extras.html(distributions_html(records, records[0]["strategy"])))
        if records:
            found.append(extras.html(html.responses_html(records)))
        report.extras = found


def table_header(cells: list[str]) -> None:
    """The results table's header: the records' columns, and Duration as the model's latency."""
    cells[2:2] = [f"<th>{h}</th>" for h in html.RESULT_HEADERS]
    from pytest_restgate.reports import latency

    latency.header(cells)  # Duration: the model's latency (reports/latency.py)


INCONSISTENT_MARK = 'data-rg-verdict="inconsistent"'
"""On the result cell of an inconsistent test's row: lets `restgate merge` list it as its own gate options read it
(reports/many/livepage.py), from the test's verdict, not its name."""


def table_row(report: pytest.TestReport, cells: list[str], primary_strategy: str) -> None:
    """One test's row: its records' answers and the model's latency."""
    if report.when == "call" and property_of(report, VERDICT_PROPERTY) == "inconsistent":
        cells[:] = [c.replace('<td class="col-result"', f'<td class="col-result" {INCONSISTENT_MARK}', 1)
                    for c in cells]
    cells[2:2] = html.row_cells(records_of(report), primary_strategy)
    from pytest_restgate.reports import latency

    latency.row(cells, records_of(report))
