"""`--json` of runs, leaderboard, compare and trend; `compare --format markdown`; merge's markdown summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_restgate.core.shards import shard_map
from pytest_restgate.reports.cli import main
from tests.reports.many.runfolders import Spec, item_digest, make_run, units_of

DAY = 86_400.0


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "runs"
    make_run(r, Spec("model-a", units_of("ccccccccci"), started=1_790_000_000.0, gate_passed=True))
    make_run(r, Spec("model-a", units_of("cccccciiii"), started=1_790_000_000.0 + DAY, gate_passed=False))
    make_run(r, Spec("model-b", units_of("cccwwwiiio"), started=1_790_000_000.0 + 2 * DAY))
    return r


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # stdout is one JSON document, nothing else


def test_runs_and_leaderboard_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = _json(capsys, ["runs", "--report-dir", str(root), "--json"])
    assert isinstance(runs, list) and [r["model"] for r in runs] == ["model-b", "model-a", "model-a"]
    assert runs[1]["rer"] == pytest.approx(0.6) and runs[1]["gate"] is False and Path(runs[1]["path"]).is_dir()
    assert runs[1]["release"] == "FAILED" and "verdict" in runs[1]  # the index's word beside summary.json's own
    assert runs[0]["release"] is None  # judged by pytest's rule, written before `release`: not recorded
    board = _json(capsys, ["leaderboard", "--report-dir", str(root), "--json"])
    assert isinstance(board, list) and {e["model"] for e in board} == {"model-a", "model-b"}
    assert [e["rank"] for e in board] == [1, 2]
    assert board[0]["figures"]["pooled"]["n"] > 0


def test_compare_json_and_markdown(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = sorted(p for p in root.iterdir() if p.is_dir() and p.name.endswith("model-a"))
    data = _json(capsys, ["compare", str(a), str(b), "--json"])
    assert isinstance(data, dict)
    assert data["deltas"]["rer"]["delta"] == pytest.approx(-0.3) and len(data["deltas"]["rer"]["ci"]) == 2
    assert [f["direction"] for f in data["flips"]] == ["became inconsistent"] * 3
    assert data["flips"][0]["b"]["consistent"] is False and data["flips"][0]["a"]["answer_text"] is not None
    assert main(["compare", str(a), str(b), "--format", "markdown"]) == 0
    body = capsys.readouterr().out
    assert body.startswith("<!-- restgate-compare -->\n### ")
    assert "| RER | 0.900 | 0.600 | **-0.300** |" in body and "**3 unit(s) became inconsistent in B**" in body
    assert "page:" not in body and not list(root.glob("compare-*.html"))  # the page only with --html


def test_trend_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["trend", "model-a", "--report-dir", str(root), "--json"])
    assert isinstance(data, dict) and data["model"] == "model-a"
    assert [round(r["figures"]["rer"], 3) for r in data["runs"]] == [0.9, 0.6]


def test_merge_appends_the_markdown_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    units = units_of("ccccii")
    dealt = shard_map((item_digest(u) for u in units), 2)  # as --shard deals them (merge checks it)
    shards = [make_run(tmp_path / f"s{k + 1}", Spec("model-a", [u for u in units if dealt[item_digest(u)] == k + 1],
                                                    shard=f"{k + 1}/2", digests=True)) for k in range(2)]
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m"), "--min-rer=0.9"]) == 1
    out = capsys.readouterr().out.rstrip().splitlines()
    assert out[-1] == "restgate release gate FAILED: min-rer"
    text = step.read_text()
    assert text.splitlines()[0] == "## ❌ restgate release gate FAILED: min-rer"
    assert "merged from 2 shards" in text and "### Inconsistent items" in text
    assert 'data-verdict="FAILED"' in (tmp_path / "m" / "report.html").read_text()


def test_the_comment_heads_with_the_verdict_run_b_showed(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run judged by pytest's rule has no gate lines; its summary.json `release` is what its last line said."""
    a = min(p for p in root.iterdir() if p.is_dir() and p.name.endswith("model-a"))
    b = next(p for p in root.iterdir() if p.is_dir() and p.name.endswith("model-b"))
    assert main(["compare", str(a), str(b), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "### restgate comparison"  # an older folder: no verdict known
    doc = json.loads((b / "summary.json").read_text())
    line = "restgate release gate FAILED: 3 inconsistent test(s) (no gate options: pytest's rule)"
    doc["release"] = {"word": "FAILED", "line": line, "reasons": [line.split(": ", 1)[1]], "gated": False,
                      "exit_status": 1}
    (b / "summary.json").write_text(json.dumps(doc))
    assert main(["compare", str(a), str(b), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"### ❌ {line}"
