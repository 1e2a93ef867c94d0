"""`python -m pytest_restgate.reports.representation` end to end on a tiny model folder and a run folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runfolder import write_run

from pytest_restgate.fixtures.items.item import Item

pytest.importorskip("torch")

from pytest_restgate.reports.representation.cli import main


def test_cli_on_a_run_folder(llava_dir: Path, repr_items: list[Item], tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    answers = {i.id: ("1", "1", "1") if k % 2 else ("1", "2", "1") for k, i in enumerate(repr_items)}
    run = write_run(tmp_path / "run", answers)
    assert main(["--model-dir", str(llava_dir), "--run", str(run), "--device", "cpu", "--batch-size", "2"]) == 0
    doc = json.loads((run / "representation.json").read_text(encoding="utf-8"))
    assert doc["layers"] == 3 and len(doc["curve"]["cosine"]) == 4 == len(doc["curve"]["text_to_image"])
    assert [r["item_id"] for r in doc["items"]] == [i.id for i in repr_items]
    assert [r["consistent"] for r in doc["items"]] == [False, True, False, True, False]
    assert doc["per_item_vs_consistency"]["n"] == 5
    page = (run / "representation.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Representation analysis" in page and "src=" not in page  # self-contained
    out = capsys.readouterr().out
    assert "layer  cosine  img->txt  txt->img" in out and "max cosine" in out


def test_cli_on_a_selection_with_comparison(llava_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    others = []
    for k, (rer, sim) in enumerate(((0.5, 0.3), (0.8, 0.6))):
        other = write_run(tmp_path / f"other{k}", {"soebench/0000": ("1", "1", "1")}, rer=rer)
        (other / "representation.json").write_text(
            json.dumps({"model": f"m{k}", "curve": {"maxima": {"cosine": {"max": sim, "layer": 1}}}}), encoding="utf-8")
        others.append(str(other))
    out_dir = tmp_path / "out"
    code = main(["--model-dir", str(llava_dir), "--datasets", "soebench", "--limit", "3", "--out", str(out_dir),
                 "--device", "cpu", "--compare", *others])
    assert code == 0
    doc = json.loads((out_dir / "representation.json").read_text(encoding="utf-8"))
    assert doc["n_items"] == 3 and doc["per_item_vs_consistency"] is None
    assert doc["across_runs"]["n"] == 2 and doc["across_runs"]["r"] is None  # this one has no RER: two points


@pytest.mark.parametrize("args,message", [
    (["--run", "/nonexistent-run"], "is not a folder"),
    (["--datasets", "nosuchset"], "--datasets"),
    (["--batch-size", "0"], "--batch-size"),
])
def test_cli_bad_input_is_one_line_and_exit_2(llava_dir: Path, args: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model-dir", str(llava_dir), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_cli_names_a_folder_that_is_no_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model-dir", str(tmp_path), "--limit", "1", "--out", str(tmp_path / "o"), "--device", "cpu"]) == 2
    assert str(tmp_path) in capsys.readouterr().err
