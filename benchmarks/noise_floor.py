"""The noise floor against its closed form: two `--repeats K` runs of a model that answers at random.

A local OpenAI-compatible server answers each modality from a known distribution (tests/support/noisemodel.py):
`shared` (text, image and mixed draw alike: every inconsistency is noise) and `image-shift` (the image pathway
draws another distribution). Each run is a real pytest run of the suite; the table prints every noise figure
of summary.json beside its closed-form expectation and the 4-standard-error band of a mean over the items.

    python benchmarks/noise_floor.py [--items 60] [--repeats 5] [--model-seed 16]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.localserver import LocalServer  # noqa: E402
from tests.support.noisemodel import Dist, RandomModel, closed_form  # noqa: E402

TEXT: Dist = {"7": 0.8, "8": 0.1, None: 0.1}
SHIFTED: Dist = {"7": 0.1, "8": 0.8, None: 0.1}
CASES: dict[str, dict[str, Dist]] = {
    "shared": {"text": TEXT, "image": TEXT, "mixed": TEXT},
    "image-shift": {"text": TEXT, "image": SHIFTED, "mixed": TEXT},
}
ROWS = (("rer_expected", "rer_expected"), ("rer_noise", "rer_noise"), ("rer_below_noise", "rer_below_noise"),
        ("self_agreement.text", "self_agreement_text"), ("self_agreement.image", "self_agreement_image"),
        ("self_agreement.mixed", "self_agreement_mixed"), ("majority_rer", "majority_rer"),
        ("shifted / n", "shifted"), ("inconsistent / n", "inconsistent"))


def run_case(dists: dict[str, Dist], items: int, repeats: int, gate: float, workdir: Path, seed: int
             ) -> dict[str, Any]:
    """One pytest run against the random model; its summary.json."""
    with LocalServer(reply=RandomModel(dists, seed=seed)) as server:
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--model=openai/random",
             f"--api-base={server.base_url}", f"--limit={items}", f"--repeats={repeats}",
             f"--max-rer-below-noise={gate}", f"--report-dir={workdir / 'reports'}",
             f"--response-cache-dir={workdir / 'cache'}", "--retry-backoff=0.01"],
            cwd=ROOT, check=False, capture_output=True, text=True,
        )
    summary = sorted((workdir / "reports").glob("*/summary.json"))[-1]
    return dict(json.loads(summary.read_text()))


def observed(noise: dict[str, Any], key: str) -> float:
    if key.startswith("self_agreement."):
        return float(noise["self_agreement"][key.split(".")[1]])
    if key.endswith(" / n"):
        return float(noise[key.split(" ")[0]]) / noise["n"]
    return float(noise[key])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--gate", type=float, default=0.2, help="--max-rer-below-noise of both runs")
    parser.add_argument("--model-seed", type=int, default=16, help="seed of the random model's draws")
    args = parser.parse_args()
    for name, dists in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            summary = run_case(dists, args.items, args.repeats, args.gate, Path(tmp), args.model_seed)
        noise = summary["noise"]
        expected = closed_form(dists, args.repeats)
        gate = next(g for g in summary["gates"] if g["label"] == "max-rer-below-noise")
        print(f"\n{name}: {noise['n']} items x {args.repeats} repeats; headline RER (repeat 0) "
              f"{summary['metrics']['micro']['rer']:.3f}; gate {gate['line']}")
        print(f"  {'figure':<22}{'closed form':>12}{'+-4 SE':>9}{'observed':>10}  within")
        for key, figure in ROWS:
            moment = expected[figure]
            value = observed(noise, key)
            band = moment.tolerance(noise["n"])
            print(f"  {key:<22}{moment.mean:>12.4f}{band:>9.4f}{value:>10.4f}  "
                  f"{'yes' if abs(value - moment.mean) <= band else 'NO'}")


if __name__ == "__main__":
    main()
