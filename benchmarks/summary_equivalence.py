"""One-off check (issue 26 item 4): the summary built by the plain-Python unit table equals the one built by the
pandas code it replaced, on real runs and on randomly perturbed record sets.

The old code is read from git (`git show REF:reports/...`) into a temporary package whose intra-package imports
are rewritten to it, so both versions run side by side in this process. Floats from t-tests and standard
deviations are compared with a relative tolerance of 1e-12, everything else exactly; every difference is counted.

    python benchmarks/summary_equivalence.py [--ref a89d6c1] [--cases 500] RESULTS.jsonl...
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import math
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OLD_MODULES = ("metrics", "stats", "colours", "unitrows", "figures", "noise", "paper", "summary", "clustered",
               "distributions", "cells", "collector")


def old_build_summary(ref: str) -> Any:
    """`build_summary` of `ref`, loaded as the package `oldreports` from a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="oldreports-")) / "oldreports"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in OLD_MODULES:
        text = subprocess.run(["git", "show", f"{ref}:reports/{name}.py"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout
        for mod in OLD_MODULES:
            text = text.replace(f"pytest_restgate.reports.{mod} ", f"oldreports.{mod} ")
            text = text.replace(f"pytest_restgate.reports.{mod}\n", f"oldreports.{mod}\n")
        (folder / f"{name}.py").write_text(text)
    (folder / "paper_figures.json").write_text((REPO / "reports" / "paper_figures.json").read_text())
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("oldreports.summary").build_summary


def compare(a: Any, b: Any, path: str, diffs: list[str], loose: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            diffs.append(f"{path}: keys {list(a)} vs {list(b)}")
        for k in a:
            if k in b:
                compare(a[k], b[k], f"{path}.{k}", diffs, loose)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            diffs.append(f"{path}: length {len(a)} vs {len(b)}")
        for n, (x, y) in enumerate(zip(a, b, strict=False)):
            compare(x, y, f"{path}[{n}]", diffs, loose)
    elif type(a) is not type(b):
        diffs.append(f"{path}: {a!r} ({type(a).__name__}) vs {b!r} ({type(b).__name__})")
    elif a != b:
        if isinstance(a, float) and math.isclose(a, b, rel_tol=1e-12):
            loose.append(f"{path}: {a!r} vs {b!r}")
        else:
            diffs.append(f"{path}: {a!r} vs {b!r}")


def perturb(records: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """A copy of a sample of `records` with answers, errors, correctness, CER, ids, strategies, repeats,
    colours and fallback characters changed at random."""
    if rng.random() < 0.03:
        return []
    chosen = rng.sample(records, min(len(records), rng.choice([3, 12, 40, 120, 400])))
    out = copy.deepcopy(chosen)
    p = rng.choice([0.02, 0.1, 0.3])
    repeats = rng.random() < 0.2
    for r in out:
        if rng.random() < p:
            r["answer"] = rng.choice([None, "A", "B", "7", r["gold"]])
        if rng.random() < p / 3:
            r["error"] = rng.choice(["boom", "rate limited", ""])
        if rng.random() < p and r.get("correct") is not None:
            r["correct"] = not r["correct"]
        if r["modality"] == "ocr" and rng.random() < p:
            r["cer"] = rng.choice([None, 0.0, 0.3, rng.random()])
        if rng.random() < p / 5:
            r["item_id"] = None
        if rng.random() < p / 2:
            r["colour"] = rng.choice(["red", "blue", None])
        if r["modality"] == "ocr" and rng.random() < p / 2:
            r["fallback_chars"] = rng.choice(["", "ĳ", "→∑"])
        if rng.random() < p / 2:
            r["prompt_tokens"] = rng.choice([None, 12, 999])
    if rng.random() < 0.3:
        out += [{**copy.deepcopy(r), "strategy": "ocr-first"} for r in chosen if rng.random() < 0.7]
    if repeats:
        out = [{**r, "repeat": k, "answer": r["answer"] if k == 0 or rng.random() < 0.8 else "Z"}
               for r in out for k in range(3 if r["modality"] != "ocr" else 1)]
    rng.shuffle(out) if rng.random() < 0.2 else None
    return out


def run_block(results: Path) -> dict[str, Any]:
    summary = results.parent / "summary.json"
    return json.loads(summary.read_text())["run"] if summary.exists() else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--ref", default="a89d6c1")  # the last commit before the plain-Python table
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args()
    old = old_build_summary(args.ref)
    from pytest_restgate.reports.collector import Outcomes
    from pytest_restgate.reports.summary import build_summary as new

    sets = [(p, [json.loads(line) for line in p.read_text().splitlines() if line.strip()], run_block(p))
            for p in args.results]
    rng = random.Random(args.seed)
    cases = [(str(p), recs, run) for p, recs, run in sets]
    cases += [(f"perturbed {n} of {sets[n % len(sets)][0].parent.name}", perturb(sets[n % len(sets)][1], rng),
               sets[n % len(sets)][2]) for n in range(args.cases)]
    differing = loosely = 0
    for name, records, run in cases:
        docs = []
        for build in (old, new):
            doc = build(records, Outcomes(), run, primary_strategy="direct", started=0.0)
            doc.pop("duration_s")
            docs.append(json.loads(json.dumps(doc)))
        diffs: list[str] = []
        loose: list[str] = []
        compare(docs[0], docs[1], "", diffs, loose)
        differing += bool(diffs)
        loosely += bool(loose)
        if diffs:
            print(f"DIFFERS {name} ({len(records)} records):", *diffs[:8], sep="\n  ")
    print(f"{len(cases)} record sets: {differing} differ, {loosely} equal only within rel 1e-12, "
          f"{len(cases) - differing - loosely} identical")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
