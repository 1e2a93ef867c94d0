"""The merged report is the live report's page: every shard's tests with their pictures and raw answers, the
merged summary in the summary section, and shards of equal size."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from pytest_restgate.reports.cli import main
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _blob(page: str) -> dict[str, Any]:
    found = re.search(r'data-jsonblob="([^"]*)"', page)
    assert found is not None
    return json.loads(html.unescape(found[1]))


def _image_says_8(messages: list[dict[str, Any]]) -> str:
    """Shard 1's model: a different answer whenever it sees the page (its units are inconsistent)."""
    seen = any(isinstance(p, dict) and p.get("type") == "image_url" for m in messages for p in m.get("content") or [])
    return "Answer: 8" if seen else "Answer: 7"


def test_the_merged_report_is_the_live_page_with_every_shards_tests(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_image_says_8) as server:
        args = ("--limit=6", "--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01")
        shards = [run_suite(*args, "--shard=1/3")]
        server.set_reply(lambda _m: "Answer: 7")
        shards += [run_suite(*args, f"--shard={k}/3") for k in (2, 3)]
    assert [len({r["item_id"] for r in s.records}) for s in shards] == [2, 2, 2]  # dealt by rank: equal sizes
    out = tmp_path / "merged"
    assert main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), "--min-rer=0.5"]) == 0, \
        capsys.readouterr()
    page = (out / "report.html").read_text()
    tests = _blob(page)["tests"]
    expected = {t for s in shards for t in _blob(s.html)["tests"]}
    assert set(tests) == expected and len(tests) == 6
    for entries in tests.values():
        shown = " ".join(str(extra.get("content")) for extra in entries[0]["extras"])
        assert "Answer: 7" in shown  # the raw answers
        pictured = re.findall(r'src="(thumbnails/[^"]+\.png)"', shown)  # the picture, for what did not hold
        assert len(pictured) == (entries[0]["result"] != "Passed")
        assert all((out / src).is_file() for src in pictured)  # copied from its shard beside the merged page
    assert 'id="results-table"' in page and 'id="restgate-metrics"' in page  # pytest-html's table, our summary
    assert "6 tests, merged from 3 shards" in page and "restgate report (merged): openai/scripted" in page
    assert re.search(r'data-test-result="passed" ?>\s*<span class="passed">4', page)
    # shard 1 ran without gate options (its two inconsistent tests failed); the merge, gated, lists them as the
    # unsharded gated run would: expected failures, each from the mark on its row
    assert [e[0]["result"] for e in tests.values() if e[0]["result"] != "Passed"] == ["XFailed", "XFailed"]
    assert [e[0]["result"] for e in _blob(shards[0].html)["tests"].values()].count("Failed") == 2
    assert re.search(r'data-test-result="xfailed" ?>\s*<span class="xfailed">2 Expected', page)
    assert re.search(r'data-test-result="failed" ?(disabled)?>\s*<span class="failed">0 Failed', page)
    assert "each inconsistent test listed as the merge's gate options read it; the verdict" in page
    first = shards[0].run_dir / "report.html"  # a page written before the mark: its tests stay as they were
    first.write_text(first.read_text().replace("data-rg-verdict", "data-old"))
    older = tmp_path / "older"
    assert main(["merge", *(str(s.run_dir) for s in shards), "--out", str(older), "--min-rer=0.5"]) == 0
    page = (older / "report.html").read_text()
    assert re.search(r'data-test-result="failed" ?>\s*<span class="failed">2 Failed', page)
    assert "(shard 1: as the shard gave them, its page not marking every inconsistent test)" in page
    assert "PASS min-rer" in page
    # the merge's verdict, once, never shard 1's own banner (that shard alone failed pytest's rule)
    assert re.findall(r'data-verdict="(\w+)"', page) == ["PASSED"]
    assert 'data-verdict="FAILED"' in shards[0].html


def _gate_rows(page: str) -> list[dict[str, Any]]:
    return _blob(page)["tests"].get("restgate::release_gate", [])


def test_a_failed_merge_has_its_own_banner_and_gate_row_never_the_shards(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Shards run under the gate each list their failed gate as a row; the merged page drops those (each judged
    one shard) and lists the merge's failed verdict once: its banner, its row with every gate line, its count."""
    with LocalServer(reply=_image_says_8) as server:
        args = ("--limit=4", "--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01",
                "--min-rer=0.9")
        shards = [run_suite(*args, f"--shard={k}/2") for k in (1, 2)]
    for shard in shards:  # every unit inconsistent: each shard's own gate failed, a row of its page
        assert shard.result.ret == pytest.ExitCode.TESTS_FAILED
        assert [r["result"] for r in _gate_rows(shard.html)] == ["Failed"]
    out = tmp_path / "merged"
    assert main(["merge", *(str(s.run_dir) for s in shards), "--out", str(out), "--min-rer=0.9"]) == 1
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "restgate release gate FAILED: min-rer"
    release = json.loads((out / "summary.json").read_text())["release"]  # the same verdict, for a CI step to read
    assert release == {"word": "FAILED", "line": "restgate release gate FAILED: min-rer", "reasons": ["min-rer"],
                       "gated": True, "exit_status": 1}
    page = (out / "report.html").read_text()
    assert re.findall(r'data-verdict="(\w+)"', page) == ["FAILED"]
    (row,) = _gate_rows(page)
    assert row["result"] == "Failed" and row["testId"] == "restgate::release_gate"
    assert "gate FAIL min-rer: target 0.9, actual 0.0000" in row["log"]
    columns = next(iter(_blob(shards[0].html)["tests"].values()))[0]["resultsTableRow"]
    assert len(row["resultsTableRow"]) == len(columns)  # the shards' columns, the answers' cells left empty
    assert "data-rg-verdict" in "".join(columns) and "data-rg-verdict" not in "".join(row["resultsTableRow"])
    assert [re.sub(r"<[^>]+>", "", cell) for cell in row["resultsTableRow"]] == [
        {"col-result": "Failed", "col-testId": "restgate::release_gate", "col-duration": "0 ms"}.get(
            re.search(r'class="([\w-]+)"', cell)[1], "") for cell in columns]  # type: ignore[index]
    assert re.search(r'data-test-result="failed" ?>\s*<span class="failed">1 Failed', page)  # the merge's gate alone
    assert re.search(r'data-test-result="xfailed" ?>\s*<span class="xfailed">4 Expected', page)  # the four findings
    assert "5 tests, merged from 2 shards" in page
    ungated = tmp_path / "ungated"  # the same shards merged without gate options: pytest's rule, four failures
    assert main(["merge", *(str(s.run_dir) for s in shards), "--out", str(ungated)]) == 1
    page = (ungated / "report.html").read_text()
    assert re.findall(r'data-verdict="(\w+)"', page) == ["FAILED"] and not _gate_rows(page)
    assert sorted(e[0]["result"] for e in _blob(page)["tests"].values()) == ["Failed"] * 4
    assert re.search(r'data-test-result="failed" ?>\s*<span class="failed">4 Failed', page)
    assert re.search(r'data-test-result="xfailed" ?(disabled)?>\s*<span class="xfailed">0 Expected', page)
