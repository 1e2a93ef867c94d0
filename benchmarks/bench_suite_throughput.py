"""Throughput of the whole suite, pytest start to exit, against a local OpenAI-compatible server.

The server answers every call after a fixed latency (300 ms by default) with a canned answer, so the run measures
the suite's own scheduling and per-call overhead, not a model. The physical limit is
calls x latency / concurrency (150 items x 4 calls x 0.3 s / 32 = 5.6 s); the script prints the measured wall
time and its ratio to that limit (goal: at most 2x). Not part of the test run.

    python benchmarks/bench_suite_throughput.py [--items 150] [--latency 0.3] [--concurrency 32] [--workers 0]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.localserver import LocalServer  # noqa: E402


def canned(messages: list[dict[str, Any]]) -> str:
    return "Reading the question...\nAnswer: 7"


def run_suite(server: LocalServer, args: argparse.Namespace, report_dir: Path) -> tuple[float, int, str]:
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--model=openai/bench",
        f"--api-base={server.base_url}", f"--limit={args.items}", f"--concurrency={args.concurrency}",
        "--response-cache=off", f"--report-dir={report_dir}",
    ]
    if args.workers:
        command += ["-n", str(args.workers)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=None)
    return time.perf_counter() - started, done.returncode, done.stdout[-600:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (0: none)")
    args = parser.parse_args()
    calls = args.items * 4
    ideal = calls * args.latency / args.concurrency
    with tempfile.TemporaryDirectory() as tmp, LocalServer(reply=canned, latency_s=args.latency) as server:
        launched = time.monotonic()  # the server stamps arrivals with time.monotonic
        wall, code, tail = run_suite(server, args, Path(tmp))
        served = server.request_count
        arrivals = [r.arrived_s for r in server.requests]
    if code not in (0, 1):
        print(tail)
        raise SystemExit(f"the suite run failed with exit code {code}")
    print(f"items {args.items}, calls served {served} (expected {calls}), latency {args.latency} s, "
          f"concurrency {args.concurrency}, xdist workers {args.workers}")
    print(f"wall time pytest start to exit: {wall:.2f} s; physical limit {ideal:.2f} s; ratio {wall / ideal:.2f}x")
    if arrivals:
        first, last = min(arrivals) - launched, max(arrivals) - launched
        calls_phase = last + args.latency - first
        print(f"  start-up before the first request (python, pytest, collection, litellm import): {first:.2f} s")
        print(f"  first request to last answer: {calls_phase:.2f} s; ratio {calls_phase / ideal:.2f}x")
        print(f"  after the last answer (last tests, metrics, report): {wall - last - args.latency:.2f} s")


if __name__ == "__main__":
    main()
