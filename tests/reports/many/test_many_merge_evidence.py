"""`restgate merge` checks its evidence: shards of one run, each unit once and in its own shard, each
results.jsonl the file its run wrote; a baseline of another seed is matched by content digest, not by id.

Each refusal is one line on stderr naming the folder and the fix, with exit status 2 and no merged folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pytest_restgate.core.shards import shard_map
from pytest_restgate.reports.cli import main
from tests.reports.many.runfolders import Spec, U, item_digest, make_run, reseal, units_of

PATTERN = "cccciiwwocci"


def _shards(root: Path, units: list[U], n: int, extras: list[dict[str, object]] | None = None) -> list[Path]:
    shards = shard_map((item_digest(u) for u in units), n)
    parts = [[u for u in units if shards[item_digest(u)] == k + 1] for k in range(n)]
    assert all(parts)
    return [make_run(root / f"shard{k + 1}", Spec("model-a", part, shard=f"{k + 1}/{n}", digests=True,
                                                    extra=(extras or [{}] * n)[k]))
            for k, part in enumerate(parts)]


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], shards: list[Path], *gate: str) -> str:
    out = tmp_path / "merged"
    assert main(["merge", *map(str, shards), "--out", str(out), *gate]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("restgate merge: ") and "\n" not in err, err
    assert not out.exists()
    return err


@pytest.mark.parametrize(("key", "one", "two"), [
    ("api_base", "http://127.0.0.1:8001/v1", "http://127.0.0.1:8002/v1"),
    ("versions", {"prompt": "3", "renderer": "2", "restgate": "0.2.0"},
     {"prompt": "4", "renderer": "2", "restgate": "0.2.0"}),
    ("data_digests", {"mmlu": "aa" * 32}, {"mmlu": "bb" * 32}),
    ("repeats", 1, 3),
    ("styles", ["dejavu-200dpi"], ["dejavu-200dpi", "dejavu-72dpi"]),
])
def test_shards_that_asked_differently_are_refused(tmp_path: Path, capsys, key, one, two) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2, [{key: one}, {key: two}])
    err = _refused(tmp_path, capsys, shards, "--min-rer=0.5")
    assert f"{shards[1]}: {key}" in err and f"differs from {shards[0]}'s" in err
    assert "merge shards of one run only (rerun the odd shard with the others' settings)" in err


def test_a_shard_copied_and_relabelled_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    fake = tmp_path / "fake" / shards[1].name
    fake.parent.mkdir()
    summary = json.loads((shards[0] / "summary.json").read_text())
    summary["run"]["shard"] = "2/2"
    fake.mkdir()
    (fake / "summary.json").write_text(json.dumps(summary))
    (fake / "results.jsonl").write_bytes((shards[0] / "results.jsonl").read_bytes())
    err = _refused(tmp_path, capsys, [shards[0], fake], "--min-rer=0.5")
    assert f"{fake}: unit " in err and f"is also in {shards[0]}" in err  # named as the duplicate it is
    assert "give each shard's own folder" in err


def test_a_truncated_results_file_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    path = shards[1] / "results.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-8]))  # the last 2 units (4 records each) lost
    err = _refused(tmp_path, capsys, shards, "--min-rer=0.5")
    found = re.search(r"results.jsonl holds (\d+) units, its summary.json recorded (\d+) units", err)
    assert f"{shards[1]}: results.jsonl holds" in err and found and int(found[2]) - int(found[1]) == 2
    assert "rerun that shard" in err


def test_edited_answers_are_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    path = shards[0] / "results.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    edited = [{**r, "answer": r["gold"], "correct": True} if r["modality"] != "ocr" else r for r in records]
    path.write_text("".join(json.dumps(r) + "\n" for r in edited))
    err = _refused(tmp_path, capsys, shards, "--min-rer=0.9")
    assert f"{shards[0]}: results.jsonl differs from the file its run wrote" in err
    assert "edited or replaced after the run; rerun that shard" in err


def test_a_call_twice_in_one_shard_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = _shards(tmp_path, units_of(PATTERN), 2)
    path = shards[0] / "results.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]))
    reseal(shards[0])  # even with its evidence recomputed
    err = _refused(tmp_path, capsys, shards)
    assert f"{shards[0]}: unit soebench/" in err and "call twice in results.jsonl" in err


def test_a_baseline_of_another_seed_is_matched_by_content(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Same item ids, other questions (another seed): no unit is comparable, so the rates are compared, as the
    live run does; by id, the merge counted the flips of different questions as regressions."""
    units = units_of(PATTERN)
    baseline = make_run(tmp_path / "base", Spec("model-a", units_of("c" * len(PATTERN)), seed=1, digests=True))
    summary = json.loads((baseline / "summary.json").read_text())
    for unit in summary["units"]:
        unit["digest"] = "0" + unit["digest"][1:]  # what another seed's system under the same id digests to
    (baseline / "summary.json").write_text(json.dumps(summary))
    shards = _shards(tmp_path, units, 2)
    out = tmp_path / "merged"
    assert main(["merge", *map(str, shards), "--out", str(out), f"--baseline={baseline / 'summary.json'}"]) == 0
    merged = json.loads((out / "summary.json").read_text())
    assert merged["baseline"]["n_compared"] == 0 and merged["baseline"]["newly_inconsistent"] == []
    assert "PASS max-regressions: no unit in common with the baseline" in capsys.readouterr().out
