"""End to end through the local server: --gate-subset / --gate-mean judge the figure they name, and
--preset=paper runs the paper's datasets, gates on its figure and puts its published figures beside a paper model.

The scripted model knows the two SoEBench pages of the run by their PNG hashes: it transcribes item 0 exactly and
answers it 7 everywhere (consistent, OCR-correct), and misreads item 1 and answers 8 when it sees its image
(inconsistent, OCR wrong). So RER is 0.5 on all units and 1.0 on the OCR-correct subset.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.fixtures.items import soebench
from pytest_restgate.renderers import REST_DEFAULT, from_data_uri, render_png
from tests.fixtures.items.dataset_rows import arc_row, gsm_row, mmlu_row, write_jsonl
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow
SEED = 2512


def _scripted(seed: int = SEED) -> Any:
    items = soebench.generate(2, seed)
    pages = {hashlib.sha256(render_png(text, REST_DEFAULT)).hexdigest(): (i, item)
             for i, item in enumerate(items) for text in (item.full_text, item.stem)}

    def reply(messages: list[dict[str, Any]]) -> str:
        parts = [p for m in messages if isinstance(m.get("content"), list) for p in m["content"]]
        text = " ".join(p.get("text", "") for p in parts if p.get("type") == "text")
        seen = [pages.get(hashlib.sha256(from_data_uri(p["image_url"]["url"])).hexdigest())
                for p in parts if p.get("type") == "image_url"]
        page = seen[0] if seen else None
        if text.startswith("Transcribe"):
            return page[1].full_text if page and page[0] == 0 else "unreadable"
        return "Answer: 8" if page and page[0] == 1 else "Answer: 7"

    return reply


def _args(server: LocalServer, model: str = "openai/scripted") -> tuple[str, ...]:
    return (f"--model={model}", f"--api-base={server.base_url}", "--retry-backoff=0.01", f"--seed={SEED}")


def test_the_gate_judges_the_figure_the_options_name(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_scripted()) as server:
        pooled = run_suite("--limit=2", *_args(server), "--min-rer=0.9")
        paper = run_suite("--limit=2", *_args(server), "--min-rer=0.9", "--gate-subset=ocr-correct",
                          "--gate-mean=datasets", "--gate-on=lower-bound")
        point = run_suite("--limit=2", *_args(server), "--min-rer=0.9", "--gate-subset=ocr-correct",
                          "--gate-mean=datasets")
    out = pooled.result.stdout.str()
    assert pooled.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "gate FAIL min-rer: target 0.9, actual 0.5000, gap -0.4000; judged on all units, pooled" in out
    assert point.result.ret == pytest.ExitCode.OK, point.result.stdout.str()
    assert ("gate PASS min-rer: target 0.9, actual 1.0000, gap +0.1000; judged on OCR-correct subset, mean over "
            "datasets") in point.result.stdout.str()
    assert point.summary["gate_figure"] == {"subset": "ocr-correct", "mean": "datasets",
                                            "figure": "OCR-correct subset, mean over datasets", "judged_on": "point"}
    assert point.summary["metrics"]["paper"]["rer"] == 1.0
    # One OCR-correct unit: its lower bound (Wilson, n = 1) is far below 0.9, so the bounded gate fails.
    assert paper.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "(lower bound), gap" in paper.result.stdout.str()
    assert "judged on OCR-correct subset, mean over datasets" in paper.html
    assert any(line.startswith("paper (OCR-ok, ds mean)") for line in point.result.outlines)


def test_preset_paper_runs_the_four_datasets_and_compares_with_the_paper(  # type: ignore[no-untyped-def]
        run_suite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_jsonl(data, "mmlu", [mmlu_row(), mmlu_row("Which planet is largest?", answer=3)])
    write_jsonl(data, "arc-challenge", [arc_row()])
    write_jsonl(data, "arc-easy", [arc_row("TEST_0002")])
    write_jsonl(data, "gsm-symbolic", [gsm_row(0, 0), gsm_row(1, 0)])
    with LocalServer(reply=_scripted()) as server:
        run = run_suite("--limit=2", *_args(server, "openai/gpt-4o-mini"), "--preset=paper", "--min-rer=0.9",
                        f"--data-dir={data}")
    out = run.result.stdout.str()
    assert "preset paper: datasets soebench, mmlu, arc-challenge (the paper's ARC), gsm-symbolic" in out
    assert "item counts are not known to restgate, so --limit applies (2 per dataset)" in out
    # exactly the paper's four datasets: ARC-Challenge stands for its ARC, arc-easy (in --data-dir) is not run
    assert set(run.summary["metrics"]["datasets"]) == {"soebench", "mmlu", "arc-challenge", "gsm-symbolic"}
    assert run.summary["metrics"]["macro"]["n_groups"] == 4
    assert run.summary["metrics"]["paper"]["n_datasets"] == 4
    assert "judged on OCR-correct subset, mean over datasets" in out
    comparison = run.summary["paper_comparison"]
    assert comparison["model"] == "GPT-4o-mini"
    assert comparison["figures"]["rer"]["paper"] == pytest.approx(0.713)
    assert "paper (GPT-4o-mini, OCR-correct subset, mean over datasets) vs this run:" in out
    assert 'id="restgate-paper"' in run.html
