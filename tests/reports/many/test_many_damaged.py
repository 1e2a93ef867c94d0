"""Issue 22 part 3: one damaged run folder is skipped with one warning line naming it; the listing goes on.

The damage is what a user's report folder really held: a binary summary.json, a 50,000-deep one, one of the
wrong shape, and a killed run's results.jsonl cut inside a multi-byte UTF-8 character.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from pytest_restgate.reports.cli import main
from pytest_restgate.reports.many.pages import write_page
from pytest_restgate.reports.many.runs import read_records
from tests.reports.many.runfolders import Spec, make_run, units_of

DAMAGE = {
    "binary": lambda d: (d / "summary.json").write_bytes(os.urandom(64) + b"\xff\xfe"),
    "deep": lambda d: (d / "summary.json").write_text("[" * 50_000 + "]" * 50_000),
    "wrong-shape": lambda d: (d / "summary.json").write_text('{"run": 5}'),
    "torn-utf8": lambda d: ((d / "summary.json").unlink(),
                            (d / "results.jsonl").write_bytes('{"model": "\u00e9\u00e9'.encode()[:-1])),
    "control-chars": lambda d: (d / "summary.json").write_text('{"run": {"model": "\\u001b]0;pwned\\u0007x"}}'),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "runs"
    make_run(r, Spec("model-a", units_of("ccccccccci"), started=1_790_000_000.0, gate_passed=True))
    for n, (name, damage) in enumerate(sorted(DAMAGE.items()), start=1):
        folder = make_run(r, Spec(f"broken-{name}", units_of("cci"), started=1_790_000_000.0 + n * 3600))
        damage(folder)
    return r


@pytest.mark.parametrize("command", [["runs"], ["leaderboard"], ["trend", "model-a"]])
def test_a_listing_skips_each_damaged_folder_with_one_line(root: Path, command: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([*command, "--report-dir", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "model-a" in out and "Traceback" not in out + err
    skipped = [line for line in err.splitlines() if line.startswith("restgate: skipped ")]
    assert len(skipped) == 4, err  # binary, deep, wrong shape, torn (rebuilt from nothing readable)
    assert all(line.count("broken-") == 1 for line in skipped)
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_results_are_ascii_and_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    good = json.dumps({"response": "\u00e9\u2028\ud83d\ude00"})
    assert good.isascii()
    path.write_bytes((good + "\n").encode() + '{"response": "\u00e9'.encode()[:-1])
    assert read_records(path) == [{"response": "\u00e9\u2028\U0001f600"}]


def test_a_page_write_follows_no_planted_symlink_and_concurrent_writers_all_succeed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "index.html.tmp").symlink_to(victim)
    write_page(tmp_path / "index.html", "<p>page</p>")
    assert victim.read_text() == "keep me" and (tmp_path / "index.html").read_text() == "<p>page</p>"
    errors: list[BaseException] = []
    pages = [f"<p>{'x' * 200_000}{i}</p>" for i in range(8)]

    def write(i: int) -> None:
        try:
            for _ in range(10):
                write_page(tmp_path / "same.html", pages[i])
                assert (tmp_path / "same.html").read_text() in pages  # never a partial page
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and not [p for p in tmp_path.iterdir() if p.name.startswith(".same.html.")]
