"""Coverage of the 95% interval of "RER below noise" (`--repeats K`): plain t over units vs the interval reported.

Each replicate draws units from a population of answer distributions (one per modality; three parsed answers and
"unparsed"), asks each modality K times, and computes each unit's noise-only RER and expected RER with
reports/repeats.py. The true value is the population mean of noise_rer - expected_rer (computed from the
distributions over 200,000 units). Populations:

- shared: every unit noisy, image and mixed draw like text (true value 0);
- det+shift: 80% of units always answer alike, 20% have an image pathway that shifts the answer;
- noisy+shift: every unit noisy, 30% with a shifted image pathway;
- rare-shift: 5% of units fully shifted, 30% mildly noisy, the rest steady (a rare shift absent from many
  samples of 40 is what a t interval misses);
- rest-plus: det+shift on items with ten renderings each; the text answers are asked once per item and shared
  by its renderings, as in a REST+ run, so an item's units are correlated.

    python benchmarks/noise_coverage.py [--replicates 2000] [--seed 24] [--units 40,150]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_restgate.core.repeats import distribution, expected_rer, noise_rer  # noqa: E402
from pytest_restgate.reports.clustered import shortfall_interval  # noqa: E402
from pytest_restgate.reports.stats import paired_t  # noqa: E402

ANSWERS: tuple[str | None, ...] = ("7", "8", "9", None)
Probs = np.ndarray  # [units, 3 modalities, 4 outcomes]


def population(name: str, rng: np.random.Generator, n: int) -> Probs:
    """Answer distributions of n units drawn from the named population (vectorised)."""
    p = np.zeros((n, 3, 4))
    base = name.replace("rest-plus", "det+shift")
    u, v = rng.random(n), rng.random(n)
    if base == "shared":
        p[:] = rng.dirichlet([2, 1, 1, 0.5], size=n)[:, None, :]
    elif base == "det+shift":
        p[:, :, 0] = 1.0
        p[u < 0.2, 1] = [0.2, 0.8, 0.0, 0.0]
    elif base == "noisy+shift":
        p[:] = rng.dirichlet([4, 1, 1, 0.5], size=n)[:, None, :]
        shifted = u < 0.3
        p[shifted, 1] = rng.dirichlet([1, 4, 1, 0.5], size=int(shifted.sum()))
    elif base == "rare-shift":
        p[:, :, 0] = 1.0
        noisy = (u >= 0.05) & (v < 0.3)
        p[noisy] = [0.9, 0.1, 0.0, 0.0]
        p[u < 0.05, 1] = [0.0, 1.0, 0.0, 0.0]
    return p


def truth(name: str) -> float:
    p = population(name, np.random.default_rng(99), 200_000)[:, :, :3]
    return float(((p[:, 0] ** 3).sum(1) - (p[:, 0] * p[:, 1] * p[:, 2]).sum(1)).mean())


def counts(rng: np.random.Generator, probs: np.ndarray, k: int) -> np.ndarray:
    """Multinomial counts of k answers for each row of `probs` ([rows, 4])."""
    cum = probs.cumsum(axis=1)
    draws = (rng.random((len(probs), k, 1)) > cum[:, None, :3]).sum(axis=2)  # [rows, k] outcome indexes
    return np.stack([(draws == j).sum(axis=1) for j in range(4)], axis=1)


def figures(text: np.ndarray, image: np.ndarray, mixed: np.ndarray, k: int) -> np.ndarray:
    """noise_rer - expected_rer per row from counts (reports/repeats.py's formulas; checked against it)."""
    t = text[:, :3]
    noise = (t * (t - 1) * (t - 2)).sum(axis=1) / (k * (k - 1) * (k - 2))
    return np.asarray(noise - (t * image[:, :3] * mixed[:, :3]).sum(axis=1) / k**3, dtype=float)


def by_repeats_module(text: np.ndarray, image: np.ndarray, mixed: np.ndarray) -> float:
    """The same figure for one unit through reports/repeats.py, from the counts as answer lists."""
    def dist(c: np.ndarray):  # type: ignore[no-untyped-def]
        return distribution([a for a, n in zip(ANSWERS, c, strict=True) for _ in range(int(n))])
    d_text = dist(text)
    return (noise_rer(d_text) or 0.0) - expected_rer(d_text, dist(image), dist(mixed))


def replicate(name: str, rng: np.random.Generator, items: int, k: int, check: bool = False
              ) -> tuple[list[float], list[int]]:
    """Per unit noise_rer - expected_rer, and each unit's item."""
    styles = 10 if name == "rest-plus" else 1
    p = population(name, rng, items)
    text = np.repeat(counts(rng, p[:, 0], k), styles, axis=0)  # asked once per item, shared by its renderings
    unit_p = np.repeat(p, styles, axis=0)
    image, mixed = counts(rng, unit_p[:, 1], k), counts(rng, unit_p[:, 2], k)
    values = figures(text, image, mixed, k)
    if check:
        for j in range(min(20, len(values))):
            assert abs(values[j] - by_repeats_module(text[j], image[j], mixed[j])) < 1e-12
    return values.tolist(), np.repeat(np.arange(items), styles).tolist()


def plain_t(values: list[float], _: list[int]) -> tuple[float, float]:
    r = paired_t(values, [0.0] * len(values))
    if r["ci_low"] is None:
        return r["mean_diff"], r["mean_diff"]
    return r["ci_low"], r["ci_high"]


def reported(values: list[float], owners: list[int]) -> tuple[float, float]:
    ci = shortfall_interval(values, owners)
    assert ci is not None
    return ci


METHODS: dict[str, Callable[[list[float], list[int]], tuple[float, float]]] = {
    "t over units": plain_t, "reported": reported}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--units", default="40,150", help="items per replicate (REST+: ten units each)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.replicates} replicates per row; coverage (mean width) of the 95% interval")
    print(f"{'population':<12} {'items':>5} {'K':>2} {'truth':>7}  " + "  ".join(f"{m:>19}" for m in METHODS))
    worst = 1.0
    for name in ("shared", "det+shift", "noisy+shift", "rare-shift", "rest-plus"):
        true = truth(name)
        for items in (int(v) for v in args.units.split(",")):
            for k in (3, 5):
                hits = dict.fromkeys(METHODS, 0)
                widths = dict.fromkeys(METHODS, 0.0)
                for r in range(args.replicates):
                    values, owners = replicate(name, rng, items, k, check=r == 0)
                    for m, f in METHODS.items():
                        low, high = f(values, owners)
                        hits[m] += low <= true <= high
                        widths[m] += high - low
                worst = min(worst, hits["reported"] / args.replicates)
                cells = "  ".join(f"{hits[m] / args.replicates:>11.3f} ({widths[m] / args.replicates:.3f})"
                                  for m in METHODS)
                print(f"{name:<12} {items:>5} {k:>2} {true:>7.4f}  {cells}", flush=True)
    print(f"lowest coverage of the reported interval: {worst:.3f} ({'meets' if worst >= 0.94 else 'MISSES'} 0.94)")


if __name__ == "__main__":
    main()
