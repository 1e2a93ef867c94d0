"""--items end to end: your own items run under their dataset names, and baselines, shards, merge, compare and
the leaderboard work on them; bad items input stops the run before any test with one line.

Against the local OpenAI-compatible server with a scripted model (cheap), through litellm's real HTTP client.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.reports.cli import main
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _by_length(messages: list[dict[str, Any]]) -> str:
    """A letter or a number from the length of the text it sees (the modalities see different texts)."""
    size = sum(len(p.get("text", "")) for m in messages for p in m["content"] if p.get("type") == "text")
    return f"Reasoning.\nAnswer: {'AB'[size % 2] if 'letter of the correct option' in str(messages) else size % 3}"


def _items(folder: Path) -> tuple[str, str]:
    exam = folder / "exam.jsonl"
    exam.write_text("".join(json.dumps({"id": f"q{n}", "question": f"Which is number {n}?",
                                        "choices": [str(n), str(n + 1), str(n + 2)], "answer": "A"}) + "\n"
                            for n in range(4))
                    + json.dumps({"question": "Long? " * 200, "choices": ["x", "y"], "answer": "x"}) + "\n",
                    encoding="utf-8")
    bills = folder / "bills.csv"
    bills.write_text("ref,text,ask,total\n" + "".join(f"b{n},Bill {n}: {n} x 1,What is the total?,{n}\n"
                                                     for n in range(4)), encoding="utf-8")
    return str(exam), str(bills)


def test_own_items_run_under_their_names_with_baselines_shards_and_merge(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    exam, bills = _items(tmp_path)
    baseline = tmp_path / "baseline.json"
    with LocalServer(reply=_by_length) as server:
        args = ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01", "--seed=3",
                "--min-rer=0", f"--items={exam}")
        whole = run_suite(*args, f"--save-baseline={baseline}")
        again = run_suite(*args, f"--baseline={baseline}")
        shards = [run_suite(*args, f"--shard={k}/2") for k in (1, 2)]
        Path(exam).write_text(Path(exam).read_text().replace("number 3", "number three"), encoding="utf-8")
        edited = run_suite(*args, "--shard=2/2")  # the same file name, other content
        mapped = run_suite("--model=openai/scripted", f"--api-base={server.base_url}", "--min-rer=0",
                           f"--items={bills}", "--items-map=id=ref,context=text,question=ask,answer=total")
    assert whole.result.ret == 0, whole.result.stdout.str()
    assert set(whole.summary["metrics"]["datasets"]) == {"exam"} and whole.summary["run"]["datasets"] == []
    assert whole.summary["run"]["item_sources"] == [exam]
    assert re.fullmatch(re.escape(exam) + r" \(sha256 [0-9a-f]{12}\)", whole.summary["run"]["sources"]["exam"])
    assert {r["dataset"] for r in whole.records} == {"exam"} and "exam/q0-" in whole.html  # xfails, in the report
    assert "exam" in whole.html
    assert "exam: dropped by the filters: 1 too_long" in whole.result.stdout.str()
    assert whole.summary["metrics"]["micro"]["n"] == 4
    matched = again.summary["baseline"]  # units matched by digest: the same items, none on one side only
    assert matched["not_comparable"] == {"only_previous": 0, "only_current": 0}
    assert not matched["newly_inconsistent"]
    out = tmp_path / "merged"
    status = main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), "--min-rer=0"])
    assert status == 0, capsys.readouterr()
    merged = json.loads((out / "summary.json").read_text())
    assert merged["metrics"] == whole.summary["metrics"]
    assert main(["merge", str(shards[0].run_dir), str(edited.run_dir), "--out", str(tmp_path / "m2")]) == 2
    assert "sources" in capsys.readouterr().err
    assert main(["compare", str(whole.run_dir), str(again.run_dir)]) == 0
    assert main(["leaderboard", "--report-dir", str(whole.run_dir.parent)]) == 0
    assert set(mapped.summary["metrics"]["datasets"]) == {"bills"}
    assert sorted({r["item_id"] for r in mapped.records}) == ["bills/b0", "bills/b1", "bills/b2", "bills/b3"]


def test_bad_items_input_is_one_line_and_nothing_runs(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "Q?", "choices": ["x", "y"], "answer": "z"}) + "\n", encoding="utf-8")
    run = run_suite(f"--items={bad}")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in run.result.stderr.lines if "ERROR" in line]
    assert errors == [f"ERROR: --items: {bad}, row 1, field 'answer': 'z' is not one of the choices: neither a "
                      "letter A-B nor the text of an option"]
    assert run.run_dir is None or not (run.run_dir / "results.jsonl").exists()
