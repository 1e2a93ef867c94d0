"""The join with a run folder: items rebuilt from its settings, per-item verdicts, the two correlations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from runfolder import write_run

from pytest_restgate.core.summary import from_json
from pytest_restgate.fixtures.items import soebench
from pytest_restgate.reports.representation.join import (
    PAPER_R2,
    across_runs,
    consistency_by_item,
    headline_rer,
    pearson,
    point_biserial,
    run_point,
)
from pytest_restgate.reports.representation.source import SourceError, collect, parse_selection, selection_from_run

ANSWERS = {
    "soebench/0000": ("1", "1", "1"),
    "soebench/0001": ("2", "3", "2"),
    "soebench/0002": ("4", "4", "4"),
    "soebench/0003": ("5", "5", None),  # unparsed: never consistent
    "soebench/0004": ("6", "6", "6"),
}


def test_items_rebuilt_from_the_run_settings(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", ANSWERS, seed=7, limit=5)
    selection = selection_from_run(run)
    assert (selection.datasets, selection.limit, selection.seed) == (("soebench",), 5, 7)
    items = collect(selection, only={"soebench/0001", "soebench/0003"})
    expected = soebench.generate(5, 7)
    assert [i.full_text for i in items] == [expected[1].full_text, expected[3].full_text]


def test_selection_without_a_run_and_bad_input(tmp_path: Path) -> None:
    assert [i.id for i in collect(parse_selection("soebench", 3, 2512, None))] == [
        i.id for i in soebench.generate(3, 2512)]
    with pytest.raises(SourceError, match="--datasets"):
        parse_selection("nosuchset", 3, 1, None)
    with pytest.raises(SourceError, match=r"summary\.json"):
        selection_from_run(tmp_path)
    (tmp_path / "summary.json").write_text("{", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid JSON"):
        selection_from_run(tmp_path)


def test_consistency_by_item_uses_the_default_rendering(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", ANSWERS)
    with (run / "results.jsonl").open("a", encoding="utf-8") as f:  # a REST+ style must not count
        from runfolder import record

        for m in ("text", "image", "mixed"):
            answer = "1" if m == "text" else "9"
            f.write(json.dumps(record("soebench/0000", m, answer, "1", style="courier-50dpi")) + "\n")
    assert consistency_by_item(run) == {
        "soebench/0000": True, "soebench/0001": False, "soebench/0002": True, "soebench/0003": False,
        "soebench/0004": True}


def test_point_biserial_equals_pearson_on_the_flag() -> None:
    similarity = {"a": 0.9, "b": 0.2, "c": 0.8, "d": 0.4, "e": 0.7, "x": 0.5}
    consistent = {"a": True, "b": False, "c": True, "d": False, "e": False}
    corr = point_biserial(similarity, consistent)
    keys = list(consistent)
    expected = np.corrcoef([similarity[k] for k in keys], [float(consistent[k]) for k in keys])[0, 1]
    assert corr.n == 5 and corr.r == pytest.approx(expected) and corr.r2 == pytest.approx(expected**2)
    assert point_biserial(similarity, dict.fromkeys(keys, True)).r is None  # no variance: undefined, not 0


def test_across_runs_pearson_with_the_paper_value(tmp_path: Path) -> None:
    points = [{"rer": r, "similarity": s} for r, s in ((0.5, 0.2), (0.7, 0.5), (0.9, 0.7), (0.6, None))]
    out = across_runs(points)
    assert out["n"] == 3 and out["paper_r2"] == PAPER_R2
    assert out["r"] == pytest.approx(np.corrcoef([0.2, 0.5, 0.7], [0.5, 0.7, 0.9])[0, 1])
    assert pearson([1.0, 2.0], [1.0, 2.0]).r is None  # two runs: no fit
    run = write_run(tmp_path / "run", ANSWERS, rer=0.6, pooled_rer=0.4)  # the paper's headline RER is read
    with pytest.raises(SourceError, match=r"representation\.json"):
        run_point(run)
    (run / "representation.json").write_text(json.dumps(
        {"model": "m", "curve": {"maxima": {"cosine": {"max": 0.42, "layer": 3}}}}), encoding="utf-8")
    assert run_point(run) == {"run": str(run), "model": "m", "rer": 0.6, "similarity": 0.42}


def test_the_rer_of_a_run_is_the_papers_headline_figure() -> None:
    pooled_only = {"metrics": {"micro": {"rer": 0.4}, "macro": {"rer": 0.5, "ocr_ok_rer": 0.7}}}
    assert headline_rer(from_json(pooled_only)) == 0.7  # an older summary: its macro OCR-correct RER, the same mean
    assert headline_rer(from_json({"metrics": {"micro": {"rer": 0.4}, "paper": {"rer": 0.9}}})) == 0.9
    no_ok = {"metrics": {"micro": {"rer": 0.4}, "paper": {"rer": None}}}
    assert headline_rer(from_json(no_ok)) is None  # no OCR-correct unit
