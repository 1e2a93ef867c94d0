"""report.html at the paper's REST+ size (15,000 units): a size bound, not a timing.

A real pytest-html report of 15,000 tests written through the report's own row, extras, picture, row-budget
and retention code (reports/extras.py, pictures.py, rows.py, retention.py). The reports reach pytest-html as
they reach an xdist controller: as TestReports handed to `pytest_runtest_logreport`, each carrying a unit's four
records, one unit in seven inconsistent with its picture. The whole suite at that size takes many minutes
(benchmarks/bench_scale.py measures it); feeding its reports builds the same page in seconds.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from pytest_restgate.reports.rows import LIST_FAILED_UP_TO

pytestmark = pytest.mark.slow

UNITS = 15_000
FAIL_EVERY = 7
CONFTEST = '''
import base64, io
from pathlib import Path
from types import SimpleNamespace
import pytest
from PIL import Image
from pytest_restgate.core.records import RECORD_PROPERTY, THUMBNAIL_KEY
from pytest_restgate.reports.retention import Retention
from pytest_restgate.reports.extras import attach_extras, table_header, table_row
from pytest_restgate.reports.rows import Rows

UNITS, FAIL_EVERY, OUT = {units}, {fail_every}, Path({out!r})
buffer = io.BytesIO()
Image.new("L", (480, 60), 230).save(buffer, format="PNG")
PICTURE = base64.b64encode(buffer.getvalue()).decode()
ROWS = []
MESSAGE = "inconsistent across modalities: text=7  image=8  mixed=7  | gold=7  | OCR CER=0.020"

def record(k, modality, answer):
    return {{"item_id": f"soebench/{{k:05d}}", "dataset": "soebench", "style": "courier-50dpi", "modality": modality,
            "strategy": "direct", "model": "openai/bench", "gold": "7", "answer": answer, "correct": answer == "7",
            "response": f"Reading the question...\\\\nAnswer: {{answer}}", "cer": 0.02 if modality == "ocr" else None,
            "prompt_tokens": 900, "completion_tokens": 12, "cost_usd": None, "latency_s": 0.3, "cached": False,
            "error": None}}

def reports(k):
    """The setup, call and teardown reports of one REST+ unit, as a worker sends them."""
    nodeid = f"tests_rest/test_rest_plus.py::test_rest_plus[soebench/{{k:05d}}-0a1b2c[courier-50dpi]]"
    bad = k % FAIL_EVERY == 0
    records = [record(k, "ocr", None), record(k, "text", "7"), record(k, "image", "8" if bad else "7"),
               record(k, "mixed", "7")]
    made = []
    for when, outcome in (("setup", "passed"), ("call", "failed" if bad else "passed"), ("teardown", "passed")):
        made.append(pytest.TestReport(nodeid, ("tests_rest/test_rest_plus.py", 10, "test_rest_plus"), {{}},
                                      outcome, MESSAGE if when == "call" and bad else None, when, [], 0.3,
                                      user_properties=[(RECORD_PROPERTY, records)]))
    attach_extras(SimpleNamespace(stash={{THUMBNAIL_KEY: PICTURE}} if bad else {{}}), made[0])
    return made

SEEN = []

def pytest_configure(config):
    ROWS.append(Rows(config))
    config.pluginmanager.register(Retention(lambda: str(OUT / "report.html")), "retention")

@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    for k in range(UNITS):
        for report in reports(k):
            session.config.hook.pytest_runtest_logreport(report=report)

def pytest_runtest_logreport(report):
    SEEN.append(report)

def pytest_unconfigure(config):
    held = sum(any(k == RECORD_PROPERTY for k, _ in r.user_properties) for r in SEEN)
    (OUT / "held.txt").write_text(f"{{len(SEEN)}} {{held}}")

@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells):
    table_header(cells)

@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report, cells):
    if ROWS[0].keep(report, cells, UNITS):
        table_row(report, cells, "direct")

@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(prefix, summary, postfix, session):
    prefix.append(ROWS[0].note())
'''


def test_report_of_15000_units_stays_under_10_mb_with_every_failure_pictured(pytester: pytest.Pytester) -> None:
    out = pytester.path / "run"
    pytester.makeconftest(CONFTEST.format(units=UNITS, fail_every=FAIL_EVERY, out=str(out)))
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    pytester.runpytest("-q", "-rN", "--tb=no", "-p", "no:cacheprovider", f"--html={out / 'report.html'}",
                       "--self-contained-html")
    failed = len(range(0, UNITS, FAIL_EVERY))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert len(page.encode()) <= 10 * 1024 * 1024, f"report.html is {len(page.encode()) / 2**20:.1f} MB"
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', page)[1]))  # type: ignore[index]
    rows = [entry for entries in blob["tests"].values() for entry in entries if "soebench" in entry["testId"]]
    assert failed > LIST_FAILED_UP_TO  # the table lists the first failures only (the page opens in seconds)
    assert len(rows) == LIST_FAILED_UP_TO and all(r["result"] == "Failed" for r in rows)
    pictured = sorted(Path(out / "thumbnails").iterdir())
    assert len(pictured) == failed  # every failure's picture, beside the page
    shown = "".join(str(e["content"]) for r in rows for e in r["extras"])
    linked = [p for p in pictured if f'src="thumbnails/{p.name}"' in shown]
    assert len(linked) == LIST_FAILED_UP_TO  # each listed row links its picture
    assert "Answer: 8" in shown  # and its raw answers
    assert all(any("8 ✗" in cell for cell in r["resultsTableRow"]) for r in rows)  # the answers, from the records
    assert (out / "held.txt").read_text() == f"{3 * UNITS + 3} 0"  # then every report let go of its records
    for outcome, n in (("passed", UNITS - failed + 1), ("failed", failed)):  # pytest-html's counts stay true
        assert re.search(rf'data-test-result="{outcome}" ?>\s*<span class="{outcome}">{n} {outcome.title()}', page)
    assert f"{UNITS - failed + 1:,} passed test(s) are counted but not listed" in page
    assert f"{failed - LIST_FAILED_UP_TO:,} more are counted only" in page
