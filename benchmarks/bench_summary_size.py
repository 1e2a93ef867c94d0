"""Size of a REST+ run's files against the number of units: summary.json, units.jsonl, results.jsonl, report.html.

A real REST+ run (`--rest-plus`, 10 renderings per item) against the local OpenAI-compatible server
(tests/support/localserver.py), which answers every call at once with a canned answer: the sizes do not depend
on the latency, so the run is as short as rendering and the suite allow. Issue 26 asks summary.json <= 1 MB at
1,500 items (15,000 units); it was 936 KB at 150 items when it carried every unit row. Prints one line per size
with the load average beside it. Not part of the test run.

    python benchmarks/bench_summary_size.py [--items 150 1500] [--workers 2] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.localserver import LocalServer  # noqa: E402

LIMIT = 1_000_000


def run(server: LocalServer, items: int, workers: int, concurrency: int, report_dir: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--model=openai/bench",
               f"--api-base={server.base_url}", f"--limit={items}", f"--concurrency={concurrency}",
               "--response-cache=off", f"--report-dir={report_dir}", "--rest-plus", "--datasets=soebench"]
    if workers:
        command += ["-n", str(workers)]
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"the REST+ run failed with exit code {done.returncode}:\n{done.stdout[-2000:]}")
    (folder,) = [p for p in report_dir.iterdir() if (p / "summary.json").is_file()]
    sizes = {name: (folder / name).stat().st_size if (folder / name).is_file() else None
             for name in ("summary.json", "units.jsonl", "results.jsonl", "report.html")}
    return {"items": items, "wall": wall, "load": os.getloadavg()[0], **sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[150])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    print(f"{'items':>6} {'units':>7} {'summary.json':>13} {'units.jsonl':>12} {'results.jsonl':>14} "
          f"{'report.html':>12} {'wall s':>7}  load")
    with LocalServer(reply=lambda _m: "Reading the page...\nAnswer: 7") as server:
        for items in args.items:
            with tempfile.TemporaryDirectory() as tmp:
                r = run(server, items, args.workers, args.concurrency, Path(tmp))
            ok = "ok" if (r["summary.json"] or 0) <= LIMIT else "OVER 1 MB"
            print(f"{items:>6} {items * 10:>7} {r['summary.json']:>13,} {r['units.jsonl'] or 0:>12,} "
                  f"{r['results.jsonl']:>14,} {r['report.html'] or 0:>12,} {r['wall']:>7.1f}  {r['load']:.2f}  {ok}",
                  flush=True)


if __name__ == "__main__":
    main()
