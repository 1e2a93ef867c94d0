"""Issue 22 part 4: options that used to fail after every call was paid for are usage errors before the first.

Each case is a whole inner run against the local server: the exit status is a usage error, one line names the
option and the fix, the server saw no request, and no run folder is left behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _bad_baseline(tmp: Path) -> str:
    path = tmp / "units-not-objects.json"
    path.write_text(json.dumps({"units": [1, 2, 3]}))
    return f"--baseline={path}"


CASES = {
    "baseline units are not objects": (_bad_baseline, ("--baseline", "unit 0 is int, not an object")),
    "save-baseline to a folder": (lambda tmp: f"--save-baseline={tmp}", ("--save-baseline", "is a folder")),
    "save-baseline under a file": (lambda tmp: f"--save-baseline={tmp / 'f' / 'b.json'}",
                                   ("--save-baseline", "is not a folder")),
    "gate scoped to a dataset not asked": (lambda tmp: "--min-rer=mmlu:0.9", ("--min-rer mmlu", "not in --datasets")),
    "negative min-items": (lambda tmp: "--min-items=-1", ("--min-items must be 0 or more",)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_late_failure_is_a_usage_error_before_any_call(run_suite, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "f").write_text("a file where a folder should be")
    option, needles = CASES[case]
    with LocalServer(reply=lambda messages: "Answer: 7") as server:
        run = run_suite("--limit=1", "--model=openai/scripted", f"--api-base={server.base_url}", option(tmp_path))
        assert server.request_count == 0
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR, run.result.stdout.str()
    err = run.result.stderr.str()
    assert all(n in err for n in needles), err
    assert "INTERNALERROR" not in err + run.result.stdout.str() and "Traceback" not in err
    assert run.run_dir is None
    assert list(tmp_path.glob(".*probe")) == []
