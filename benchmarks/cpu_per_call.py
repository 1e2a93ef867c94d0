"""restgate's own CPU per model call, litellm excluded: the suite run under py-spy against a local server.

Why a sampling profiler and not a wall-clock ratio: a call's 300 ms are spent waiting, so wall time hides what
each call costs the CPU; py-spy samples every process of the run (the controller and each xdist worker), by
default only the thread that holds the GIL (`--gil`: litellm runs part of each call on executor threads, and a
thread waiting for the GIL, e.g. the event loop after a write, would otherwise count as busy), and each sample
is put in one bucket by its stack (C code that releases the GIL, such as PNG compression, is then not seen):

- `import`: a module being imported (start-up, not per call);
- `litellm`: the innermost frame that belongs either to the repository or to litellm's stack (litellm, openai,
  httpx, httpcore, h11, anyio, aiohttp) belongs to litellm's stack (it also takes what it calls: pydantic, json);
- `restgate`: that innermost frame is the repository's own code, split by what it was doing: `render` (pages
  and thumbnails), `start-up` (collection: item generation), `report` (the results plugin) and `calls` (the
  rest: evaluation units, prompts, the client, its cache keys, ledgers, records);
- `other`: neither in the stack (pytest and xdist machinery, the asyncio loop itself, the interpreter's gc).

It prints ms of CPU per call for each bucket, per process, and the repository's own functions by self time
(the innermost repository frame): the kernel's count of the run's CPU seconds, shared out in proportion to the
samples (on a loaded machine the samples alone also count the time a thread holding the GIL waits for a core).
Not part of the test run.

    python benchmarks/cpu_per_call.py [--items 1500] [--concurrency 64] [--workers 0] [--rest-plus]
        [--latency 0.3] [--rate 100] [--top 25] [--keep FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.localserver import LocalServer  # noqa: E402

LITELLM_STACK = ("litellm", "openai", "httpx", "httpcore", "h11", "anyio", "aiohttp")
OWN = (str(REPO) + "/", "/work/main/")  # the editable install may resolve to the main checkout
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def canned(messages: list[dict[str, Any]]) -> str:
    return "Reading the question...\nAnswer: 7"


def frame_file(frame: str) -> str:
    """`fn (path:line)` -> path."""
    inner = frame[frame.rfind("(") + 1: -1] if frame.endswith(")") else ""
    return inner.rsplit(":", 1)[0]


def owner(path: str) -> str | None:
    """'litellm', 'own' or None for a frame's file."""
    if "site-packages/" in path:
        top = path.split("site-packages/", 1)[1].split("/", 1)[0]
        return "litellm" if top in LITELLM_STACK else None
    if path.startswith(OWN) and "/tests/" not in path and "/benchmarks/" not in path:
        return "own"
    return None


START_UP = ("pytest_configure", "pytest_generate_tests", "pytest_collection_modifyitems", "pytest_sessionstart")


def classify(frames: list[str]) -> tuple[str, str | None]:
    """The sample's bucket and, for restgate's own, its innermost own frame."""
    if any(f.startswith("_find_and_load ") for f in frames):
        return "import", None
    for frame in reversed(frames):
        who = owner(frame_file(frame))
        if who == "litellm":
            return "litellm", None
        if who == "own":
            return f"restgate: {role(frames)}", frame
    return "other", None


def role(frames: list[str]) -> str:
    """What restgate's own sample was doing, by its outermost repository frame: start-up (collection, item
    generation), render (pages and thumbnails), report (the results plugin) or the calls themselves."""
    outer = next(f for f in frames if owner(frame_file(f)) == "own")
    if outer.startswith(START_UP) or "/fixtures/items/" in frame_file(outer):
        return "start-up"
    if any("/renderers/" in frame_file(f) or "/thumbnails.py" in frame_file(f) for f in frames):
        return "render"
    return "report" if "/reports/" in frame_file(outer) else "calls"


def short(frame: str) -> str:
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for root in OWN:
        path = path.replace(root, "")
    return f"{path}:{name}"


def _samples(raw: Path) -> list[str]:
    """py-spy's lines, `stack count`, rejoined where a process's command line held newlines (xdist workers are
    started with `python -c` and a multi-line script)."""
    lines, pending = [], ""
    for line in raw.read_text(errors="replace").splitlines():
        pending += line
        head, _, count = pending.rpartition(" ")
        if head and count.isdigit():
            lines.append(pending)
            pending = ""
        else:
            pending += " "
    return lines


def parse(raw: Path) -> tuple[Counter[str], Counter[tuple[str, str]], Counter[str]]:
    buckets: Counter[str] = Counter()
    per_process: Counter[tuple[str, str]] = Counter()
    own_self: Counter[str] = Counter()
    for line in _samples(raw):
        stack, _, count = line.rpartition(" ")
        process = "process ?"
        while stack.startswith("process "):  # `process PID:"command";` per level (the command may hold ';')
            end = stack.find('";')
            process, stack = stack.split(":", 1)[0], stack[end + 2:] if end >= 0 else ""
        frames = [f for f in stack.split(";") if f and not f.startswith("thread ")]
        bucket, own = classify(frames)
        n = int(count)
        buckets[bucket] += n
        per_process[(process, bucket)] += n
        if own is not None:
            own_self[short(own)] += n
    return buckets, per_process, own_self


RUSAGE = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
          "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
          "open(sys.argv[1], 'w').write(str(r.ru_utime + r.ru_stime)); sys.exit(code)")
"""The profiled command's parent: it writes the CPU seconds the run's processes used (the kernel's count, not
the samples' count, which on a loaded machine also counts a thread holding the GIL while it waits for a core)."""


def run(args: argparse.Namespace, raw: Path, report_dir: Path) -> tuple[float, int, float]:
    cpu_file = raw.with_suffix(".cpu")
    with LocalServer(reply=canned, latency_s=args.latency, validate=True) as server:
        command = [
            shutil.which("py-spy") or "py-spy", "record", "--format", "raw", "--full-filenames", "--subprocesses",
            "-r", str(args.rate), "-o", str(raw), *(["--gil"] if args.gil else []), "--",
            sys.executable, "-c", RUSAGE, str(cpu_file), sys.executable, "-m", "pytest", "-q", "-p",
            "no:cacheprovider", "--model=openai/bench",
            f"--api-base={server.base_url}", f"--limit={args.items}",
            f"--concurrency={args.concurrency}", "--response-cache=off", f"--report-dir={report_dir}",
        ]
        if args.workers:
            command += ["-n", str(args.workers)]
        if args.rest_plus:
            command += ["-m", "rest_plus"]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=ENV)
        wall = time.perf_counter() - started
        if done.returncode not in (0, 1) or not raw.exists():
            raise SystemExit(f"the profiled run failed ({done.returncode}):\n{done.stdout[-1500:]}"
                             f"{done.stderr[-1500:]}")
        return wall, server.request_count, float(cpu_file.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--rest-plus", action="store_true")
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-gil", dest="gil", action="store_false",
                        help="sample every busy thread, not only the one holding the GIL (counts GIL waits as busy)")
    parser.add_argument("--keep", type=Path, default=None, help="copy py-spy's raw stacks here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        before = os.getloadavg()[0]
        wall, calls, cpu = run(args, raw, Path(tmp) / "reports")
        loads = f"{before:.2f}-{os.getloadavg()[0]:.2f}"
        if args.keep:
            shutil.copy(raw, args.keep)
        buckets, per_process, own_self = parse(raw)
    total = sum(buckets.values())
    per_call = 1000.0 * cpu / max(total, 1) / max(calls, 1)  # a sample's share of the kernel's CPU seconds
    print(f"{args.items} items{' REST+' if args.rest_plus else ''}, {calls} calls, -n {args.workers}, concurrency "
          f"{args.concurrency}: wall {wall:.2f} s, CPU {cpu:.2f} s (kernel's count; {total / args.rate:.2f} s "
          f"sampled at {args.rate} Hz, shared out in proportion); load {loads}")
    print(f"{'bucket':20s} {'CPU s':>8s} {'ms/call':>8s}")
    roles = [f"restgate: {r}" for r in ("calls", "render", "start-up", "report")]
    for bucket in (*roles, "litellm", "other", "import"):
        print(f"{bucket:20s} {buckets[bucket] * per_call * calls / 1000:8.2f} {buckets[bucket] * per_call:8.3f}")
    own = sum(buckets[r] for r in roles)
    print(f"{'restgate own':20s} {own * per_call * calls / 1000:8.2f} {own * per_call:8.3f}   (the four rows above)")
    print("per process (CPU s by bucket):")
    for pid in sorted({p for p, _ in per_process}):
        parts = ", ".join(f"{b} {n * per_call * calls / 1000:.2f}" for (p, b), n in sorted(per_process.items())
                          if p == pid)
        print(f"  {pid}: {parts}")
    print(f"restgate's own functions by self time (innermost repository frame), top {args.top}:")
    for name, n in own_self.most_common(args.top):
        print(f"  {n * per_call:7.3f} ms/call  {n * per_call * calls / 1000:6.2f} s  {name}")


if __name__ == "__main__":
    main()
