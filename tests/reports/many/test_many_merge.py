"""`restgate merge` on shard folders the tests write: equal figures, one gate, refusals of bad shard sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_restgate.core.shards import shard_map
from pytest_restgate.reports.cli import main
from pytest_restgate.reports.summaryfile import read_document
from tests.reports.many.runfolders import Spec, U, item_digest, make_run, reseal, units_of

PATTERN = "cccciiwwoce"


def _shards(root: Path, units: list[U], n: int, **spec: object) -> list[Path]:
    shards = shard_map((item_digest(u) for u in units), n)
    parts = [[u for u in units if shards[item_digest(u)] == k + 1] for k in range(n)]  # as --shard splits
    assert all(parts), "a shard without units: choose another pattern"
    return [make_run(root / f"shard{k + 1}", Spec("model-a", part, shard=f"{k + 1}/{n}", digests=True, **spec))  # type: ignore[arg-type]
            for k, part in enumerate(parts)]


def test_merged_figures_equal_the_unsharded_run(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    units = units_of(PATTERN)
    whole_dir = make_run(tmp_path / "whole", Spec("model-a", units, digests=True))
    whole = json.loads((whole_dir / "summary.json").read_text())
    shards = _shards(tmp_path, units, 3)
    out = tmp_path / "merged"
    assert main(["merge", *map(str, shards), "--out", str(out), "--max-errors=1"]) == 0
    merged = read_document(out)
    assert merged["metrics"] == whole["metrics"]
    assert merged["intervals"] == whole["intervals"]
    assert merged["tests"] == whole["tests"]
    key = ("item_id", "style", "strategy")
    assert sorted(merged["units"], key=lambda u: [u[k] for k in key]) == whole["units"]
    assert merged["run"]["shard"] is None and len(merged["run"]["merged_from"]) == 3
    assert len((out / "results.jsonl").read_text().splitlines()) == 4 * len(units)
    assert 'id="restgate-units"' in (out / "report.html").read_text()
    text = capsys.readouterr().out
    assert "gate PASS max-errors: target 1, actual 1" in text and "restgate release gate PASSED" in text


def test_the_gate_is_applied_once_over_all_shards(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--min-rer=0.9", "--max-errors=5"]) == 1
    text = capsys.readouterr().out
    rer = json.loads((tmp_path / "m" / "summary.json").read_text())["metrics"]["micro"]["rer"]
    assert f"gate FAIL min-rer: target 0.9, actual {rer:.4f}" in text
    assert text.count("gate FAIL min-rer") == 1 and "restgate release gate FAILED" in text


@pytest.mark.parametrize(("given", "message"), [
    ((0, 2), "missing shard(s) 2/3 of 3; got 1/3, 3/3"),
    ((0, 1, 1, 2), "shard 2/3 given twice"),
])
def test_missing_or_duplicated_shards_are_refused(tmp_path: Path, capsys, given, message) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 3)
    assert main(["merge", *(str(shards[i]) for i in given), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("restgate merge: ") and message in err and "\n" not in err
    assert not (tmp_path / "m").exists()


def test_shards_of_different_runs_are_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    units = units_of(PATTERN)
    one = make_run(tmp_path / "a", Spec("model-a", units[0::2], shard="1/2", seed=1))
    two = make_run(tmp_path / "b", Spec("model-a", units[1::2], shard="2/2", seed=2))
    plain = make_run(tmp_path / "c", Spec("model-a", units))
    assert main(["merge", str(one), str(two), "--out", str(tmp_path / "m")]) == 2
    assert main(["merge", str(one), str(plain), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"restgate merge: {two}: seed 2 differs from {one}'s 1; merge shards of one run only "
                      "(rerun the odd shard with the others' settings)")
    assert err[1] == f"restgate merge: {plain}: not a shard (run without --shard=K/N)"


def _with_repeats(folder: Path, k: int) -> None:
    """Rewrite a shard's records as a `--repeats k` run: each answer asked k times (the same answer each time)."""
    path = folder / "results.jsonl"
    out = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        copies = 1 if record["modality"] == "ocr" else k
        out += [json.dumps({**record, "repeat": r, "seed": r or None}) for r in range(copies)]
    path.write_text("\n".join(out) + "\n")
    reseal(folder)


def test_the_noise_floor_gate_is_judged_on_the_merged_repeats(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of("cccciiww"), 2)
    for shard in shards:
        _with_repeats(shard, 3)
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--max-rer-below-noise=1"]) == 0
    noise = json.loads((tmp_path / "m" / "summary.json").read_text())["noise"]
    assert (noise["n"], noise["rer_expected"], noise["rer_noise"]) == (8, 0.75, 1.0)  # 2 of 8 units shifted
    assert "gate PASS max-rer-below-noise: target 1, actual 0.2500" in capsys.readouterr().out
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m2"), "--max-rer-below-noise=0.2"]) == 1
    out = capsys.readouterr().out
    assert "gate FAIL max-rer-below-noise: target 0.2, actual 0.2500" in out and "release gate FAILED" in out


def test_the_noise_floor_gate_needs_repeats(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--max-rer-below-noise=0.05"]) == 2
    err = capsys.readouterr().err
    assert "--max-rer-below-noise needs shards run with --repeats 3 or more" in err
    assert not (tmp_path / "m").exists()


def test_an_incomplete_shard_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of("cccc"), 2)
    path = shards[1] / "summary.json"
    summary = json.loads(path.read_text())
    path.write_text(json.dumps({**summary, "complete": False, "incomplete_reason": "interrupted (Ctrl-C)"}))
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--min-rer=0.5"]) == 2
    err = capsys.readouterr().err
    assert "the shard is INCOMPLETE (interrupted (Ctrl-C)); rerun that shard" in err
    assert not (tmp_path / "m").exists()


def test_a_dataset_the_shards_did_not_load_fails_the_merged_gate(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lost = {"datasets": ["mmlu", "soebench"], "unavailable": {"mmlu": "no mmlu.jsonl under --data-dir"}}
    shards = _shards(tmp_path, units_of("cccc"), 2, extra=lost)
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--min-rer=0.5"]) == 1
    out = capsys.readouterr().out
    assert "gate PASS min-rer" in out and "dataset[mmlu]" in out and "not loaded" in out
    assert "restgate release gate FAILED" in out
