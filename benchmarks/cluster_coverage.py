"""Coverage of the 95% intervals of a share pooled over renderings: Wilson over units vs the clustered interval.

A REST+ run has G items and up to ten renderings each; an item's renderings share its difficulty. Each
replicate draws item-level probabilities from a beta distribution with mean `p` and intra-item correlation
`rho` (rho 0: independent units; rho 1: the ten renderings always agree), then each item's units as Bernoulli
draws; some items have fewer units (as the OCR-correct subset or errored renderings leave them). It counts how
often each interval covers the true `p` (the estimand of the pooled share). The clustered interval
(reports/clustered.py) must reach 0.94 in every row; Wilson over units shows how far the unclustered interval falls.

    python benchmarks/cluster_coverage.py [--replicates 2000] [--seed 24] [--items 40,150]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_restgate.reports.clustered import clustered_interval  # noqa: E402
from pytest_restgate.reports.stats import wilson_interval  # noqa: E402

SHARES = (0.5, 0.8, 0.95)
RHOS = (0.0, 0.3, 0.9)
STYLES = 10


def draw(rng: np.random.Generator, items: int, p: float, rho: float, ragged: bool) -> tuple[list[int], list[int]]:
    """One replicate: per item, successes and units."""
    if rho == 0.0:
        probs = np.full(items, p)
    else:
        a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
        probs = rng.beta(a, b, size=items)
    sizes = rng.integers(1, STYLES + 1, size=items) if ragged else np.full(items, STYLES)
    successes = rng.binomial(sizes, probs)
    return [int(y) for y in successes], [int(m) for m in sizes]


def coverage(rng: np.random.Generator, items: int, p: float, rho: float, ragged: bool, replicates: int
             ) -> tuple[float, float, float]:
    """(Wilson-over-units coverage, clustered coverage, clustered interval's mean width)."""
    hit_w = hit_c = 0
    widths = []
    for _ in range(replicates):
        ys, ms = draw(rng, items, p, rho, ragged)
        w = wilson_interval(sum(ys), sum(ms))
        c = clustered_interval(ys, ms)
        assert w is not None and c is not None
        hit_w += w[0] <= p <= w[1]
        hit_c += c[0] <= p <= c[1]
        widths.append(c[1] - c[0])
    return hit_w / replicates, hit_c / replicates, float(np.mean(widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--items", default="40,150")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.replicates} replicates per row; units per item: {STYLES}, or 1-{STYLES} (ragged)")
    print(f"{'items':>5} {'p':>5} {'rho':>4} {'units':>7} {'Wilson':>7} {'clustered':>9} {'width':>6}")
    worst = 1.0
    for items in (int(v) for v in args.items.split(",")):
        for p in SHARES:
            for rho in RHOS:
                for ragged in (False, True):
                    w, c, width = coverage(rng, items, p, rho, ragged, args.replicates)
                    worst = min(worst, c)
                    print(f"{items:>5} {p:>5} {rho:>4} {'ragged' if ragged else 'ten':>7} {w:>7.3f} {c:>9.3f} "
                          f"{width:>6.3f}")
    print(f"lowest clustered coverage: {worst:.3f} ({'meets' if worst >= 0.94 else 'MISSES'} 0.94)")


if __name__ == "__main__":
    main()
