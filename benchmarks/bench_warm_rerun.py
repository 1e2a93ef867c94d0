"""A warm rerun (every answer in the response cache, every page in the page memo) against `pytest --co` of the
same selection, medians of alternated runs: wall and CPU time, their ratios, and the load average.

Issue 26 item 4: a warm 150-item rerun should take at most 2x `pytest --co`. Three cases, alternated in one run:

- `--co`: `pytest --co -q` with the same options (for the reference model: listing the tests; for any other
  model also the bill, which looks every request up in the response cache and so needs every page's bytes);
- `warm`: the same run without `--co`, on the filled cache folder (no page drawn, no call made);
- `warm, no memo`: the same on a copy of the response cache whose page memo cannot be used (a file stands where
  its folder would be), so every page is drawn again, as before the memo.

The cache is filled first by one cold run (reference model: OCR on every page, about a minute on two cores;
`--cache DIR` reuses a folder filled before). `--server` uses the local OpenAI-compatible server instead of the
reference model (instant answers; litellm is then imported by the bill of `--co`, not by the warm run).
Children run without PYTHONDONTWRITEBYTECODE (as on a user's machine); one untimed round warms byte-code.

    python benchmarks/bench_warm_rerun.py [--items 150] [--repeats 5] [--workers 0] [--server] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.localserver import LocalServer  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def answer(messages: list[dict[str, object]]) -> str:
    return "Reading the question...\nAnswer: 7"


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run: CPU is the child's user + system time, all its threads, which a busy
    shared machine distorts far less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-1500:]}{done.stderr[-800:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def no_memo_copy(cache: Path, folder: Path) -> Path:
    """A copy of the response cache where the page memo cannot be written or read: pages are drawn every time."""
    folder.mkdir()
    for name in ("responses.sqlite3", "responses.sqlite3-wal", "responses.sqlite3-shm"):
        if (cache / name).exists():
            shutil.copy2(cache / name, folder / name)
    (folder / "pages").write_text("no page memo here (benchmarks/bench_warm_rerun.py)")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=0, help="xdist workers of every case (0: none)")
    parser.add_argument("--server", action="store_true", help="a local server's model instead of the reference")
    parser.add_argument("--cache", type=Path, default=None, help="a cache folder filled by an earlier cold run")
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        cache = args.cache or tmp / "cache"
        model: list[str] = []
        if args.server:
            server = stack.enter_context(LocalServer(reply=answer))
            model = ["--model=openai/bench", f"--api-base={server.base_url}"]
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--limit={args.items}",
                f"--report-dir={tmp / 'reports'}", *model, *(["-n", str(args.workers)] if args.workers else [])]
        started = time.perf_counter()
        timed([*base, f"--response-cache-dir={cache}"])  # cold (or already warm with --cache): fills both
        print(f"first run {time.perf_counter() - started:.1f} s (fills the response cache and the page memo)",
              flush=True)
        plain = no_memo_copy(cache, tmp / "no-memo")
        cases = {"pytest --co -q": [*base, "--co", f"--response-cache-dir={cache}"],
                 "warm rerun": [*base, f"--response-cache-dir={cache}"],
                 "warm rerun, no page memo": [*base, f"--response-cache-dir={plain}"]}
        for command in cases.values():  # byte-code and file caches, untimed
            timed(command)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        loads = []
        for _ in range(args.repeats):
            for name, command in cases.items():
                loads.append(os.getloadavg()[0])
                times[name].append(timed(command))
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    what = "local server model" if args.server else "reference model"
    print(f"{args.items} items, {what}, -n {args.workers}; medians of {args.repeats} alternated runs; "
          f"load average {min(loads):.2f}-{max(loads):.2f} ({os.cpu_count()} cores)")
    for name in cases:
        runs = ", ".join(f"{w:.2f}" for w, _ in times[name])
        print(f"  {name:26s} wall {wall[name]:6.2f} s {wall[name] / wall['pytest --co -q']:5.2f}x --co   "
              f"CPU {cpu[name]:6.2f} s {cpu[name] / cpu['pytest --co -q']:5.2f}x --co   (walls {runs})")


if __name__ == "__main__":
    main()
