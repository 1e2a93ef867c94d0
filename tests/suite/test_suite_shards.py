"""--shard=K/N end to end: the shards of a run split its units, and `restgate merge` gives the unsharded figures.

Runs the suite in-process (pytester) against the local OpenAI-compatible server, through litellm's real HTTP
client, with a scripted model whose answers depend on the text it is given, so some items are consistent and
some are not.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_restgate.reports.cli import main
from pytest_restgate.reports.summaryfile import read_document
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _text_dependent(messages: list[dict[str, Any]]) -> str:
    """Answers from the length of the text it sees: text and mixed prompts differ, images add no text."""
    size = 0
    for m in messages:
        content = m.get("content")
        parts = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
        size += sum(len(p.get("text", "")) for p in parts if p.get("type") == "text")
    return f"Answer: {size % 3 + 6}"


def test_merged_shards_equal_the_unsharded_run(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_text_dependent) as server:
        args = ("--limit=9", "--seed=31", "--model=openai/scripted", f"--api-base={server.base_url}",
                "--retry-backoff=0.01")
        whole = run_suite(*args)
        shards = [run_suite(*args, f"--shard={k}/3") for k in (1, 2, 3)]
    ids = [sorted({r["item_id"] for r in s.records}) for s in shards]
    assert sorted(i for part in ids for i in part) == sorted({r["item_id"] for r in whole.records})
    assert all(ids), "a shard of 9 items is empty: the split is not spreading items"
    assert [s.summary["run"]["shard"] for s in shards] == ["1/3", "2/3", "3/3"]
    out = tmp_path / "merged"
    status = main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), "--min-rer=0.0"])
    assert status == 0, capsys.readouterr()
    merged = read_document(out)
    expected = whole.summary
    assert 0.0 < expected["metrics"]["micro"]["rer"] < 1.0  # the scripted model is inconsistent on some items
    for key in ("metrics", "intervals", "interval_by_dataset", "modality_tests", "tests"):
        assert merged[key] == expected[key], key
    order = ("item_id", "style", "strategy")
    assert sorted(merged["units"], key=lambda u: [u[k] for k in order]) == expected["units"]
    assert main(["merge", str(shards[0].run_dir), str(shards[2].run_dir), "--out", str(tmp_path / "m2")]) == 2
    assert "missing shard(s) 2/3 of 3; got 1/3, 3/3" in capsys.readouterr().err


def test_a_shard_run_on_a_subset_is_refused_and_a_whole_merge_carries_the_plan(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A shard run with -k would make a merged "full" run with items silently missing: refused in one line that
    names the folder, the selection and the fix. Whole shards merge into a summary with their plans summed."""
    with LocalServer(reply=_text_dependent) as server:
        args = ("--limit=6", "--seed=31", "--model=openai/scripted", f"--api-base={server.base_url}",
                "--retry-backoff=0.01")
        first = run_suite(*args, "--shard=1/2")
        subset = run_suite(*args, "--shard=2/2", "-k", "not 0001 and not 0003 and not 0005")
        second = run_suite(*args, "--shard=2/2")
    capsys.readouterr()
    assert main(["merge", str(first.run_dir), str(subset.run_dir), "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    assert f"{subset.run_dir}: shard 2/2 ran a subset (" in err and "-k 'not 0001" in err
    assert "rerun that shard without the selection" in err and len(err.strip().splitlines()) == 1
    out = tmp_path / "merged"
    assert main(["merge", str(first.run_dir), str(second.run_dir), "--out", str(out)]) in (0, 1)
    plans = [first.summary["plan"], second.summary["plan"]]
    assert read_document(out)["plan"] == {"units": sum(p["units"] for p in plans), "covered": True,
                                          "selected": sum(p["selected"] for p in plans)}
