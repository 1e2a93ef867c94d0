"""One verdict: a gated run unsharded, and the same run as 3 shards + `restgate merge`, give the same gates.

The reference model (real rendering and OCR, so the OCR-correct subset is not empty); the shards reuse the
unsharded run's response cache. The gate configuration is the paper's figure (`--gate-subset=ocr-correct
--gate-mean=datasets`), an overall and a dataset-scoped `--min-rer`, `--min-items`, and a `--baseline` written
under another seed (so no unit is comparable by content digest and the rates are compared instead).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_restgate.reports.cli import main

pytestmark = pytest.mark.slow


def _gate_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(("gate ", "restgate release"))]


def test_shards_and_merge_give_the_unsharded_verdict(run_suite, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    baseline = tmp_path / "baseline.json"
    assert run_suite("--limit=6", "--seed=31", f"--save-baseline={baseline}").run_dir is not None
    gate = ("--gate-subset=ocr-correct", "--gate-mean=datasets", "--min-rer=0.2,soebench:0.5", "--min-items=2",
            f"--baseline={baseline}")
    run = ("--limit=6", "--seed=32")
    whole = run_suite(*run, *gate)
    shards = [run_suite(*run, f"--shard={k}/3") for k in (1, 2, 3)]
    out = tmp_path / "merged"
    capsys.readouterr()
    status = main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), *gate])
    printed = capsys.readouterr().out
    merged = json.loads((out / "summary.json").read_text())
    expected = whole.summary
    assert expected["gate_figure"]["figure"] == "OCR-correct subset, mean over datasets"
    assert expected["baseline"]["n_compared"] == 0 and expected["baseline"]["rates"] is not None
    assert len(expected["gates"]) >= 5  # min-rer, min-rer[soebench], max-errors, max-regressions, min-items
    for key in ("gates", "gate_passed", "verdict", "gate_figure", "baseline", "metrics", "intervals_ocr_ok"):
        assert merged[key] == expected[key], key
    assert _gate_lines(printed) == _gate_lines(whole.result.stdout.str())
    assert status == int(whole.result.ret)


def test_merge_takes_the_preset(run_suite, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`--preset=paper` on a merge judges the paper's figure, as on a live run."""
    shards = [run_suite("--limit=2", f"--shard={k}/2") for k in (1, 2)]
    out = tmp_path / "merged"
    main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), "--preset=paper", "--min-rer=0.1"])
    merged = json.loads((out / "summary.json").read_text())
    assert merged["gate_figure"]["figure"] == "OCR-correct subset, mean over datasets"
    assert "judged on OCR-correct subset, mean over datasets" in capsys.readouterr().out
