"""How many calls the fresh search spends to find an inconsistent system and to shrink it, over many seeds.

A local OpenAI-compatible server answers by content, the same way every time, with a planted inconsistency:
`digits` (the text modality answers 9 instead of 7 when the equations hold a digit 5-9) and `three` (every
modality answers 2 instead of 1 once a third unknown C appears in the text). Each seed is a real pytest run of
`test_soebench_fresh` with a budget large enough never to stop it; results.jsonl tells the calls spent while
generating (records without `fresh_shrink`), on the recheck of the first find, and while shrinking. The default
`--fresh-call-budget` is chosen from these figures (fixtures/settings.py says which).

    python benchmarks/fresh_budget.py [--seeds 20] [--examples 10] [--rule digits three]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.localserver import LocalServer  # noqa: E402
from tests.support.planted import big_digits_differ, fails_with_c  # noqa: E402

RULES = {"digits": big_digits_differ, "three": fails_with_c}


def one_seed(rule: str, seed: int, examples: int, work: Path) -> dict[str, int]:
    reports, cache = work / rule / f"r{seed}", work / rule / f"c{seed}"
    with LocalServer(reply=RULES[rule]) as server:
        subprocess.run(
            [sys.executable, "-m", "pytest", "tests_rest", "-p", "no:cacheprovider", "-q", "-k", "soebench_fresh",
             "--model=openai/scripted", f"--api-base={server.base_url}", "--limit=1", f"--seed={seed}",
             f"--fresh-examples={examples}", "--fresh-call-budget=100000", f"--report-dir={reports}",
             f"--response-cache-dir={cache}"],
            cwd=ROOT, env={**os.environ, "OPENAI_API_KEY": "sk-test"}, capture_output=True, text=True, timeout=1800,
            check=False)
        requests = server.request_count
    (results,) = reports.glob("*/results.jsonl")
    records = [json.loads(line) for line in results.read_text().splitlines()]
    generating = sum(1 for r in records if not r.get("fresh_shrink"))
    recheck = sum(1 for r in records if r.get("fresh_recheck"))
    return {"requests": requests, "generating": generating, "recheck": recheck,
            "shrinking": len(records) - generating - recheck,
            "found": int(any(r.get("fresh_shrink") for r in records))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--rule", nargs="+", default=list(RULES), choices=list(RULES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for rule in args.rule:
            rows = [one_seed(rule, seed, args.examples, Path(tmp)) for seed in range(1, args.seeds + 1)]
            found = [r for r in rows if r["found"]]
            print(f"rule {rule}: {len(found)} of {len(rows)} seeds found an inconsistent system "
                  f"(--fresh-examples {args.examples})")
            for key in ("generating", "recheck", "shrinking", "requests"):
                values = sorted(r[key] for r in found) or [0]
                p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
                print(f"  {key:10s} median {statistics.median(values):6.0f}  p90 {p90:6d}  max {max(values):6d}")
            print("  per seed (generating+recheck+shrinking):",
                  " ".join(f"{r['generating']}+{r['recheck']}+{r['shrinking']}" for r in rows))


if __name__ == "__main__":
    main()
