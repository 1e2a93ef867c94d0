"""CPU of building summary.json at the end of a run, the pandas code of a git ref against this tree (issue 26
item 4): medians of alternated fresh processes, each importing the summary builder and building one summary.

`import` is what the run pays to load the builder (pandas, numpy and pyarrow for the old code); `build` the call
itself, `build_summary(records, Outcomes(), run, ...)` on a run's results.jsonl. CPU time (user + system of the
process), which a shared machine distorts less than wall time; the load average is printed beside it.

    python benchmarks/bench_summary_build.py [--ref a89d6c1] [--repeats 5] RESULTS.jsonl...
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(which: str, ref: str, results: Path) -> None:
    sys.path.insert(0, str(REPO))
    records = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    summary = results.parent / "summary.json"
    run = json.loads(summary.read_text())["run"] if summary.exists() else {}
    from benchmarks.summary_equivalence import old_build_summary  # the helpers only; it imports no pandas

    start = time.process_time()
    if which == "old":
        build = old_build_summary(ref)
    else:
        from pytest_restgate.reports.summary import build_summary as build
    imported = time.process_time()
    from pytest_restgate.reports.collector import Outcomes

    build(records, Outcomes(), run, primary_strategy="direct", started=0.0)
    done = time.process_time()
    print(json.dumps({"import": imported - start, "build": done - imported,
                      "pandas": "pandas" in sys.modules, "numpy": "numpy" in sys.modules}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--ref", default="a89d6c1")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", choices=["old", "new"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.ref, args.results[0])
        return 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for results in args.results:
        seen: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for _ in range(args.repeats):
            for which in ("old", "new"):
                out = subprocess.run([sys.executable, __file__, "--child", which, "--ref", args.ref, str(results)],
                                     env=env, capture_output=True, text=True, check=True).stdout
                seen[which].append(json.loads(out.splitlines()[-1]))
        med = {w: {k: statistics.median(r[k] for r in rows) for k in ("import", "build")} for w, rows in seen.items()}
        units = len({tuple(json.loads(line)[k] for k in ("item_id", "dataset", "style", "strategy"))
                     for line in results.read_text().splitlines() if line.strip()})
        print(f"{results.parent.name} ({units} units), CPU s medians of {args.repeats} alternated, "
              f"load {os.getloadavg()[0]:.2f}:")
        for w in ("old", "new"):
            m = med[w]
            print(f"  {w} ({args.ref if w == 'old' else 'this tree'}): import {m['import']:.3f}  build "
                  f"{m['build']:.3f}  total {m['import'] + m['build']:.3f}  (pandas imported: "
                  f"{seen[w][0]['pandas']}, numpy: {seen[w][0]['numpy']})")
        old, new = (med[w]["import"] + med[w]["build"] for w in ("old", "new"))
        print(f"  build ratio new/old {med['new']['build'] / med['old']['build']:.2f}, "
              f"import + build {new / old:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
