"""`--repeats K` end to end: a local server answers at random with a known distribution per modality, and the
run's noise-floor figures, verdicts and gate must match their closed-form values (tests/support/noisemodel.py).

Two models: one whose three modalities share a distribution (any inconsistency is sampling noise: RER sits at
its noise floor, the gate passes, almost no item is failed) and one whose image pathway shifts it (RER falls
far below the floor, the gate fails, the shifted items fail). Each figure is a mean over items of a per-item
figure whose exact mean and SD the enumeration gives, so the run's figure must lie within 4 standard errors.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import pytest_restgate.reports.summary  # noqa: F401  numpy/pandas/scipy imported outside pytester's inner runs, which unload them
from tests.support.localserver import LocalServer
from tests.support.noisemodel import RandomModel, closed_form

pytestmark = pytest.mark.slow

K = 5
N_ITEMS = 24
GATE = 0.2
"""--max-rer-below-noise: about 3 standard errors above the shared model's 0 and below the shifted one's 0.44."""
TEXT = {"7": 0.8, "8": 0.1, None: 0.1}
SHIFTED = {"7": 0.1, "8": 0.8, None: 0.1}
CASES = {"shared": {"text": TEXT, "image": TEXT, "mixed": TEXT},
         "image-shift": {"text": TEXT, "image": SHIFTED, "mixed": TEXT}}
RUN_FIGURES = {"rer_expected": "rer_expected", "rer_noise": "rer_noise", "rer_below_noise": "rer_below_noise",
               "majority_rer": "majority_rer"}


def _args(server: LocalServer, *more: str) -> tuple[str, ...]:
    return ("--model=openai/random", f"--api-base={server.base_url}", "--retry-backoff=0.01",
            f"--limit={N_ITEMS}", f"--repeats={K}", f"--max-rer-below-noise={GATE}", *more)


def _check_closed_form(noise: dict[str, Any], dists: dict[str, Any]) -> None:
    expected = closed_form(dists, K)
    n = noise["n"]
    assert n == N_ITEMS and noise["repeats"] == K
    for key, name in RUN_FIGURES.items():
        assert noise[key] == pytest.approx(expected[name].mean, abs=expected[name].tolerance(n)), key
    for m in ("text", "image", "mixed"):
        moment = expected[f"self_agreement_{m}"]
        assert noise["self_agreement"][m] == pytest.approx(moment.mean, abs=moment.tolerance(n)), m
    for count in ("shifted", "inconsistent"):
        assert noise[count] / n == pytest.approx(expected[count].mean, abs=expected[count].tolerance(n)), count


@pytest.mark.parametrize("case", list(CASES))
def test_noise_floor_and_verdicts_match_the_closed_form(run_suite, case: str) -> None:  # type: ignore[no-untyped-def]
    dists = CASES[case]
    with LocalServer(reply=RandomModel(dists, seed=16)) as server:
        run = run_suite(*_args(server), "-rx")  # -rx: the findings' reasons (xfail under the gate) are listed
        bodies = [r.body for r in server.requests]
    noise = run.summary["noise"]
    _check_closed_form(noise, dists)
    # every answer call K times, the OCR call once; each repeat a request of its own, seeded 1..K-1
    assert len(bodies) == N_ITEMS * (1 + 3 * K) == len(run.records)
    assert Counter(b.get("seed") for b in bodies) == {None: N_ITEMS * 4, **{k: N_ITEMS * 3 for k in range(1, K)}}
    answers = [r for r in run.records if r["modality"] != "ocr"]
    assert Counter(r["repeat"] for r in answers) == {k: N_ITEMS * 3 for k in range(K)}
    assert all(r["seed"] == (r["repeat"] or None) for r in answers)
    # the paper's figures stay on repeat 0: one unit per item
    assert run.summary["metrics"]["micro"]["n"] == N_ITEMS
    # the pytest verdicts are the noise-aware ones; the gate judges the shortfall, not the raw RER
    gate = next(g for g in run.summary["gates"] if g["label"] == "max-rer-below-noise")
    # under the gate the inconsistent items are findings (xfail); a failing gate is the one failed test
    run.result.assert_outcomes(passed=N_ITEMS - noise["inconsistent"], xfailed=noise["inconsistent"],
                               failed=int(not run.summary["gate_passed"]))
    assert gate["actual"] == pytest.approx(noise["rer_below_noise"])
    out = run.result.stdout.str()
    assert f"--repeats {K}: every answer call is made {K} times" in out
    assert "noise floor (--repeats 5" in out and 'id="restgate-noise"' in run.html
    if case == "shared":
        assert run.result.ret == pytest.ExitCode.OK and gate["passed"], out
    else:
        assert run.result.ret == pytest.ExitCode.TESTS_FAILED and not gate["passed"]
        assert "FAIL max-rer-below-noise" in out and "beyond sampling noise: text=[" in out


def test_a_rerun_resumes_every_repeat_from_the_cache(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each repeat is its own cache entry (temperature 0 is cached): the rerun asks nothing and agrees."""
    dists = CASES["image-shift"]
    with LocalServer(reply=RandomModel(dists, seed=3)) as server:
        first = run_suite(*_args(server, "--limit=4"), cache_dir=tmp_path)
        sent = server.request_count
        second = run_suite(*_args(server, "--limit=4"), cache_dir=tmp_path)
        assert server.request_count == sent == 4 * (1 + 3 * K)
    assert all(r["cached"] for r in second.records)
    assert second.summary["noise"]["units"] == first.summary["noise"]["units"]


def test_collect_only_and_bad_values(run_suite) -> None:  # type: ignore[no-untyped-def]
    shown = run_suite("--limit=2", "--repeats=3", "--collect-only")
    assert "restgate: --repeats 3: every answer call is made 3 times, the OCR call once: 10 calls per unit " \
           "instead of 4 (x2.50)" in shown.result.stdout.str()
    # 2 items x (1 OCR + 3 x 3 answers)
    assert "this run would make at most 20 model calls" in shown.result.stdout.str()
    bad = run_suite("--limit=2", "--repeats=0")
    assert "--repeats must be 1 to 100" in bad.result.stderr.str()
    too_few = run_suite("--limit=2", "--repeats=2", "--max-rer-below-noise=0.1")
    assert "--max-rer-below-noise needs --repeats 3 or more" in too_few.result.stderr.str()
