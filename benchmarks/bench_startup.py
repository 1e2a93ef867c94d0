"""Start-up of the suite against bare pytest, and a warm rerun against collection alone, medians of alternated runs.

"Bare" is `pytest --co -q --noconftest` in an empty folder with plugin autoloading off
(`PYTEST_DISABLE_PLUGIN_AUTOLOAD=1`): pytest with no plugins at all. Also shown: the same in an empty folder with
the installed plugins (xdist, html, metadata, hypothesis, anyio), which every pytest run in this environment pays.
The suite's `pytest --co -q` and `pytest -h` should be within 3x of bare. With `--cache DIR` (a response cache
that holds every answer, e.g. from a cold run of the README's job), the warm rerun `pytest [-n N]` is timed too
and should be within 1.5x of `pytest --co -q`.

Byte-compiled files are allowed (`PYTHONDONTWRITEBYTECODE` is removed from the children's environment), as on a
user's machine; one untimed round warms them first.

    python benchmarks/bench_startup.py [--repeats 5] [--cache DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1, 5):  # 5: no tests collected (the empty folder)
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-800:]}{done.stderr[-800:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="a response cache holding every answer")
    parser.add_argument("--workers", type=int, default=2, help="xdist workers of the warm rerun (0: none)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    no_plugins = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    pytest = [sys.executable, "-m", "pytest"]
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as reports:
        cases: dict[str, tuple[list[str], Path, dict[str, str]]] = {
            "bare pytest --co (no plugins)": ([*pytest, "--co", "-q", "--noconftest"], Path(empty), no_plugins),
            "pytest --co, installed plugins": ([*pytest, "--co", "-q", "--noconftest"], Path(empty), env),
            "restgate pytest --co -q": ([*pytest, "--co", "-q", "-p", "no:cacheprovider"], REPO, env),
            "restgate pytest -h": ([*pytest, "-h"], REPO, env),
        }
        if args.cache is not None:
            warm = [*pytest, "-q", "-p", "no:cacheprovider", f"--response-cache-dir={args.cache}",
                    f"--report-dir={reports}"]
            cases["warm rerun -n 0"] = (warm, REPO, env)
            if args.workers:
                cases[f"warm rerun -n {args.workers}"] = ([*warm, "-n", str(args.workers)], REPO, env)
        for command, cwd, child_env in cases.values():  # warm the byte-code caches, untimed
            timed(command, cwd, child_env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        loads = []
        for _ in range(args.repeats):
            loads.append(os.getloadavg()[0])
            for name, (command, cwd, child_env) in cases.items():
                times[name].append(timed(command, cwd, child_env))
    median = {name: statistics.median(values) for name, values in times.items()}
    bare, collect = median["bare pytest --co (no plugins)"], median["restgate pytest --co -q"]
    print(f"medians of {args.repeats} alternated runs; load average {min(loads):.2f}-{max(loads):.2f} "
          f"({os.cpu_count()} cores)")
    for name, value in median.items():
        extra = f"{value / bare:5.2f}x bare"
        if name.startswith("warm"):
            extra += f", {value / collect:5.2f}x restgate --co"
        print(f"  {name:34s} {value:6.2f} s  {extra}")


if __name__ == "__main__":
    main()
