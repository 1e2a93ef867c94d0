"""A run folder's summary on disk: summary.json without the unit rows, units.jsonl beside it, and baselines.

Why: the rows moved out of summary.json so that it stays small at any size (issue 26); what reads them (a
baseline, `compare`, `--save-baseline`) must still get every row, and a summary whose rows are gone or torn must
be a clear usage error, never a baseline of no unit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_restgate.core.summary import UNITS_FILE
from pytest_restgate.reports.baseline import load_baseline, save_baseline
from pytest_restgate.reports.many.runs import load_run, unit_frame
from pytest_restgate.reports.summaryfile import read_document, write_summary
from tests.reports.test_summary_doc import summarise, two_items


def _folder(tmp_path: Path) -> tuple[Path, dict]:  # type: ignore[type-arg]
    doc = summarise(two_items())
    folder = tmp_path / "20260101-120000-m"
    write_summary(folder, doc)
    return folder, doc


def test_the_rows_go_beside_summary_json_and_read_back_whole(tmp_path: Path) -> None:
    folder, doc = _folder(tmp_path)
    written = json.loads((folder / "summary.json").read_text())
    assert "units" not in written and written["units_file"] == UNITS_FILE and written["units_count"] == 2
    assert read_document(folder)["units"] == doc["units"]
    assert list(unit_frame(load_run(folder), primary_only=False)["item_id"]) == [u["item_id"] for u in doc["units"]]


def test_a_run_folder_summary_is_a_baseline_and_save_baseline_writes_one_file(tmp_path: Path) -> None:
    folder, doc = _folder(tmp_path)
    assert load_baseline(folder / "summary.json")["units"] == doc["units"]
    target = tmp_path / "baselines" / "release.json"
    save_baseline(folder / "summary.json", target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["release.json"]
    saved = json.loads(target.read_text())
    assert saved["units"] == doc["units"] and "units_file" not in saved
    assert load_baseline(target)["units"] == doc["units"]


@pytest.mark.parametrize("damage", ["missing", "torn"])
def test_a_summary_whose_rows_are_gone_is_no_baseline(tmp_path: Path, damage: str) -> None:
    folder, _ = _folder(tmp_path)
    rows = folder / UNITS_FILE
    if damage == "missing":
        rows.unlink()
    else:
        rows.write_text(rows.read_text().splitlines(keepends=True)[0])
    with pytest.raises(pytest.UsageError, match=f"--baseline {folder / 'summary.json'}: .*{UNITS_FILE}"):
        load_baseline(folder / "summary.json")


def test_a_unit_row_of_the_wrong_shape_is_one_error_naming_the_file(tmp_path: Path) -> None:
    folder, _ = _folder(tmp_path)
    (folder / UNITS_FILE).write_text('{"item_id": 5}\n')
    with pytest.raises(ValueError, match=f"{UNITS_FILE}: unit row 0 lacks dataset"):
        unit_frame(load_run(folder))
