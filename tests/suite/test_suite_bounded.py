"""Issue 22 part 2 end to end: a gzip bomb costs no memory, --repeats has a ceiling.

The bomb run is a separate Python process (the suite under `pytest.main`) so that its own peak memory can be
read (VmHWM); the local server serving the bomb runs here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.localserver import Fault, LocalServer

pytestmark = pytest.mark.slow
PEAK_MB = 600
"""Measured 2026-12-03: the bomb run peaked at 477 MB, a 2-item run of plain replies at 481 MB (the suite's own
imports: litellm, pandas, matplotlib); the bomb used to take 4.7 GB. 600 leaves room for other machines."""
PROBE = """
import sys, pytest
code = pytest.main(sys.argv[1:])
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print("PEAK_KB", hwm.split()[1])
sys.exit(int(code))
"""
"""The peak is this process's own (VmHWM: the high-water mark of its address space since exec). Not `ru_maxrss`:
Linux carries that over exec from the process that forked, so under xdist the probe read its worker's 1.1 GB."""


def test_a_gzip_bomb_run_peaks_under_500_mb(run_suite, pytester: pytest.Pytester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_suite  # noqa: B018 - lays out the scratch suite (conftest, tests_rest, ini) in pytester.path
    reports = tmp_path / "reports"
    with LocalServer(reply=lambda m: "Answer: 7", fault=Fault("gzip_bomb", size=50_000_000)) as server:
        result = pytester.run(sys.executable, "-c", PROBE, "-p", "no:cacheprovider", "--limit=2",
                              "--model=openai/scripted", f"--api-base={server.base_url}", f"--report-dir={reports}",
                              f"--response-cache-dir={tmp_path / 'cache'}", timeout=300)
        assert server.request_count == 8  # one attempt per call: the same request gets the same bomb
    out = result.stdout.str()
    peak_mb = int(out.rsplit("PEAK_KB", 1)[1].split()[0]) / 1024
    assert peak_mb < PEAK_MB, out
    assert "reply too large (" in out and "Traceback" not in out and result.ret == 1, out
    written = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert written < 5_000_000, written


@pytest.mark.parametrize("args", [("--repeats=100000000", "--collect-only"), ("--repeats=101",)])
def test_repeats_past_the_ceiling_is_a_usage_error(run_suite, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--limit=2", *args)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--repeats must be 1 to 100" in run.result.stderr.str() and run.run_dir is None
