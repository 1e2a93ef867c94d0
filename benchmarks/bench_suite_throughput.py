"""Throughput of the whole suite, pytest start to exit, against a local OpenAI-compatible server.

The server answers every call after a fixed latency (300 ms by default) with a canned answer, so a run measures
the suite's own scheduling and per-call overhead, not a model. The physical limit is calls x latency /
concurrency (150 items x 4 calls x 0.3 s / 32 = 5.6 s). Two parts, in one run of this script:

- scale: the suite at each `--items` (with the matching `--concurrency`), wall time, its ratio to the limit,
  start-up before the first request, the call phase (first request to last answer) and the wrap-up after it,
  and the overhead per call ((wall - limit) / calls), which should stay flat as the run grows. `--plot FILE`
  draws the curve (matplotlib). `--ceiling` also replays each size's requests, as the suite sent them, with
  bare `litellm.acompletion` in one process at the same concurrency: the best any litellm-based harness can do
  in one process on this machine, drawn beside the suite (with `--workers N`, N replay processes at once, each
  with every N-th request and its share of the concurrency, as the suite's workers have).
- compare (`--compare`): at the first size, alternated `--repeats` times on the same server with the same
  request bodies (recorded from the suite's first run): raw aiohttp, bare `litellm.acompletion`
  (benchmarks/replay_calls.py), the suite, and inspect_ai when `--inspect PATH` names its `inspect` command
  (`pip install -e .[bench]`, or a separate venv); medians.

Children run without PYTHONDONTWRITEBYTECODE (as on a user's machine). Not part of the test run.

    python benchmarks/bench_suite_throughput.py [--items 150 600 1500] [--concurrency 32 64 64] [--compare]
        [--inspect .venv/bin/inspect] [--repeats 3] [--ceiling] [--plot docs/perf-scale.svg] [--json out.json]
        [--rest-plus --workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.localserver import LocalServer  # noqa: E402

CALLS_PER_ITEM = 4
REST_PLUS: list[str] = []
"""`--rest-plus`: ["-m", "rest_plus"] (ten renderings per item; the calls are then what the server served)."""
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def canned(messages: list[dict[str, Any]]) -> str:
    return "Reading the question...\nAnswer: 7"


def load() -> float:
    return os.getloadavg()[0]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env or ENV)
    return time.perf_counter() - started, done


def run_suite(server: LocalServer, items: int, concurrency: int, workers: int, report_dir: Path) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--model=openai/bench",
        f"--api-base={server.base_url}", f"--limit={items}", f"--concurrency={concurrency}",
        "--response-cache=off", f"--report-dir={report_dir}",
    ]
    if workers:
        command += ["-n", str(workers)]
    command += REST_PLUS
    server.reset_requests()
    before = load()
    launched = time.monotonic()  # the server stamps arrivals with time.monotonic
    wall, done = timed(command)
    if done.returncode not in (0, 1):
        raise SystemExit(f"the suite run failed with exit code {done.returncode}:\n{done.stdout[-1500:]}")
    arrivals = [r.arrived_s - launched for r in server.requests]
    calls = server.request_count if REST_PLUS else items * CALLS_PER_ITEM
    return {"items": items, "concurrency": concurrency, "calls": calls,
            "served": server.request_count, "wall": wall, "first": min(arrivals), "last": max(arrivals),
            "load": round((before + load()) / 2, 2), "peak": peak_in_flight(arrivals, server.latency_s)}


def peak_in_flight(arrivals: list[float], latency: float) -> int:
    """The most requests the server held at once (each is held `latency` from its arrival): whether the suite
    reached its --concurrency at all."""
    events = sorted([(t, 1) for t in arrivals] + [(t + latency, -1) for t in arrivals], key=lambda e: (e[0], e[1]))
    held = peak = 0
    for _, step in events:
        held += step
        peak = max(peak, held)
    return peak


def record_payloads(server: LocalServer, path: Path) -> Path:
    """The request bodies the server received, one JSON line each: what the replay harnesses send again."""
    path.write_text("".join(json.dumps(r.body) + "\n" for r in server.requests))
    return path


def replay_command(harness: str, payloads: Path, server: LocalServer, concurrency: int) -> list[str]:
    """benchmarks/replay_calls.py with `harness` (aiohttp or litellm) over `payloads`."""
    return [sys.executable, str(REPO / "benchmarks/replay_calls.py"), harness, str(payloads), server.base_url,
            str(concurrency)]


def bare_litellm(server: LocalServer, run: dict[str, Any], report_dir: Path, workers: int = 0) -> float:
    """Wall time of bare `litellm.acompletion` replaying the requests the suite just sent (same concurrency).

    With `workers` > 1 (the suite ran under `-n`), as many replay processes at once, each with its share of the
    requests (every `workers`-th) and of the concurrency, so the ceiling may use the cores the suite used."""
    payloads = record_payloads(server, report_dir / f"payloads-{run['items']}.jsonl")
    parts = max(1, workers)
    lines = payloads.read_text().splitlines(keepends=True)
    files = []
    for k in range(parts):
        files.append(report_dir / f"payloads-{run['items']}-{k}.jsonl")
        files[-1].write_text("".join(lines[k::parts]))
    server.reset_requests()
    started = time.perf_counter()
    procs = [subprocess.Popen(replay_command("litellm", f, server, max(1, run["concurrency"] // parts)), cwd=REPO,
                              env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for f in files]
    outputs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - started
    if any(p.returncode != 0 for p in procs) or server.request_count != run["calls"]:
        raise SystemExit(f"bare litellm failed ({[p.returncode for p in procs]}, {server.request_count} served):\n"
                         f"{''.join(o[-800:] for o in outputs)}")
    return wall


def describe(run: dict[str, Any], latency: float) -> str:
    ideal = run["calls"] * latency / run["concurrency"]
    phase = run["last"] + latency - run["first"]
    per_call = (run["wall"] - ideal) / run["calls"] * 1000
    return (f"items {run['items']:5d} calls {run['calls']:5d} (served {run['served']}) conc {run['concurrency']:3d}: "
            f"wall {run['wall']:6.2f} s, limit {ideal:6.2f} s, {run['wall'] / ideal:5.2f}x; start-up "
            f"{run['first']:5.2f} s, call phase {phase:6.2f} s ({phase / ideal:4.2f}x), wrap-up "
            f"{run['wall'] - run['last'] - latency:5.2f} s; in flight: mean {run['calls'] * latency / phase:4.1f}, "
            f"peak {run.get('peak', 0)}; overhead {per_call:5.2f} ms/call; load {run['load']}"
            + (f"; bare litellm {run['litellm']:6.2f} s ({run['litellm'] / ideal:4.2f}x), suite / bare litellm "
               f"{run['wall'] / run['litellm']:4.2f}" if "litellm" in run else ""))


def compare(server: LocalServer, args: argparse.Namespace, report_dir: Path) -> dict[str, list[float]]:
    items, concurrency = args.items[0], args.concurrency[0]
    first = run_suite(server, items, concurrency, args.workers, report_dir)
    payloads = record_payloads(server, report_dir / "payloads.jsonl")
    max_tokens = max(int(r.body.get("max_tokens", 1024)) for r in server.requests)
    harnesses = {name: replay_command(name, payloads, server, concurrency) for name in ("aiohttp", "litellm")}
    inspect_env = {**ENV, "LOCAL_BASE_URL": server.base_url, "LOCAL_API_KEY": "x", "RESTGATE_PAYLOADS": str(payloads)}
    if args.inspect:
        harnesses["inspect_ai"] = [
            args.inspect, "eval", "benchmarks/inspect_replay_task.py", "--model", "openai-api/local/bench",
            "--temperature", "0", "--max-tokens", str(max_tokens), "--max-connections", str(concurrency),
            "--display", "none", "--log-dir", str(report_dir / "inspect-logs"),
        ]
    walls: dict[str, list[float]] = {"restgate": [first["wall"]], **{name: [] for name in harnesses}}
    loads = [first["load"]]
    for repeat in range(args.repeats):
        for name, command in harnesses.items():
            server.reset_requests()
            wall, done = timed(command, inspect_env if name == "inspect_ai" else None)
            if done.returncode != 0 or server.request_count != first["calls"]:
                raise SystemExit(f"{name} failed ({done.returncode}, {server.request_count} served):\n"
                                 f"{done.stdout[-800:]}{done.stderr[-800:]}")
            walls[name].append(wall)
            loads.append(load())
        if repeat + 1 < args.repeats:
            walls["restgate"].append(run_suite(server, items, concurrency, args.workers, report_dir)["wall"])
    ideal = first["calls"] * args.latency / concurrency
    print(f"compare at {items} items ({first['calls']} calls), concurrency {concurrency}, limit {ideal:.2f} s; "
          f"medians of {args.repeats} alternated runs, start to exit; load {min(loads):.2f}-{max(loads):.2f}")
    for name, values in walls.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:10s} {median:6.2f} s  {median / ideal:5.2f}x limit   runs {runs}")
    return walls


def plot(runs: list[dict[str, Any]], latency: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    calls = [r["calls"] for r in runs]
    ideal = [r["calls"] * latency / r["concurrency"] for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    left.plot(calls, [r["wall"] for r in runs], "o-", label="restgate, pytest start to exit")
    if all("litellm" in r for r in runs):
        left.plot(calls, [r["litellm"] for r in runs], "^:", label="bare litellm.acompletion")
    left.plot(calls, ideal, "s--", label="physical limit (calls x latency / concurrency)")
    for r, x in zip(runs, calls, strict=True):
        left.annotate(f"{r['wall'] / (r['calls'] * latency / r['concurrency']):.2f}x, c={r['concurrency']}",
                      (x, r["wall"]), textcoords="offset points", xytext=(4, -12), fontsize=8)
    left.set_xlabel("model calls")
    left.set_ylabel("seconds")
    left.legend(fontsize=8)
    right.plot(calls, [(r["wall"] - i) / r["calls"] * 1000 for r, i in zip(runs, ideal, strict=True)], "o-")
    right.set_xlabel("model calls")
    right.set_ylabel("overhead per call (ms)")
    right.set_ylim(bottom=0)
    loads = ", ".join(str(r["load"]) for r in runs)
    fig.suptitle(f"Suite throughput vs the physical limit ({latency * 1000:.0f} ms per call; load {loads})",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[150])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[32], help="one, or one per --items")
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (0: none)")
    parser.add_argument("--rest-plus", action="store_true", help="REST+ (-m rest_plus): ten renderings per item")
    parser.add_argument("--compare", action="store_true", help="aiohttp, litellm, inspect_ai beside the suite")
    parser.add_argument("--inspect", default=None, help="path of inspect_ai's `inspect` command")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ceiling", action="store_true", help="bare litellm replaying each size's requests")
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.rest_plus:
        REST_PLUS.extend(["-m", "rest_plus"])
    if len(args.concurrency) == 1:
        args.concurrency = args.concurrency * len(args.items)
    if len(args.concurrency) != len(args.items):
        raise SystemExit("--concurrency takes one value, or one per --items")
    result: dict[str, Any] = {"latency": args.latency, "cores": os.cpu_count()}
    server = LocalServer(reply=canned, latency_s=args.latency, validate=True)  # decodes and checks every request
    with tempfile.TemporaryDirectory() as tmp, server:
        if args.compare:
            result["compare"] = compare(server, args, Path(tmp))
        runs = []
        for items, concurrency in zip(args.items, args.concurrency, strict=True):
            runs.append(run_suite(server, items, concurrency, args.workers, Path(tmp)))
            if args.ceiling:
                runs[-1]["litellm"] = bare_litellm(server, runs[-1], Path(tmp), args.workers)
            print(describe(runs[-1], args.latency), flush=True)
        result["scale"] = runs
    if args.plot:
        plot(runs, args.latency, args.plot)
        print(f"plot: {args.plot}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
