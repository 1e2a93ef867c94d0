"""The report's Duration column: the model's latency for a unit, in pytest-html's own format."""

from __future__ import annotations

from pytest_restgate.reports import latency


def _cells() -> list[str]:
    return ['<td class="col-result">Passed</td>', '<td class="col-testId">t</td>',
            '<td class="col-duration">00:00:41</td>', '<td class="col-links"></td>']


def test_the_duration_cell_is_the_units_slowest_call() -> None:
    cells = _cells()
    records = [{"latency_s": 0.31, "cached": False, "error": None}, {"latency_s": 1.7, "cached": False, "error": None},
               {"latency_s": 9.0, "cached": False, "error": "HTTP 500"}]
    latency.row(cells, records)
    assert cells[2] == '<td class="col-duration">00:00:01</td>'
    cells = _cells()
    latency.row(cells, [{"latency_s": 0.31, "cached": True, "error": None}])
    assert cells[2].startswith('<td class="col-duration" title="from the response cache') and ">310 ms</td>" in cells[2]
    cells = _cells()
    latency.row(cells, [])  # not a unit (a skipped dataset): pytest's own duration stays
    assert cells[2] == '<td class="col-duration">00:00:41</td>'


def test_the_header_says_whose_duration_it_is() -> None:
    cells = ['<th class="sortable" data-column-type="duration">Duration</th>']
    latency.header(cells)
    assert ">Duration (model)</th>" in cells[0] and "slowest model call" in cells[0]
