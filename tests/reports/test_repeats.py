"""Per-item repeat statistics: distributions, self-agreement, expected and noise-only RER, the exact test, verdicts.

Small hand-computed cases, the exact test against scipy's Fisher test (two groups) and against its own size
(never above alpha when the modality changes nothing), and the closed-form expectations of tests/support/
noisemodel.py against the formulas they must reproduce.
"""

from __future__ import annotations

import itertools
import math

import pytest
from scipy.stats import fisher_exact

from pytest_restgate.core import exact
from pytest_restgate.core.exact import freeman_halton
from pytest_restgate.core.repeats import ALPHA, distribution, expected_rer, judge_repeats, noise_rer
from tests.support.noisemodel import analytic, closed_form


def test_distribution_counts_majority_tie_and_self_agreement() -> None:
    d = distribution(["7", "8", "7", None, "7"])
    assert d.counts == (("7", 3), ("8", 1), (None, 1))
    assert d.majority == ("7",) and not d.tie
    assert d.self_agreement == pytest.approx(3 * 2 / (5 * 4))  # only the three 7s agree, pairwise
    assert d.describe() == "7 3/5, 8 1/5, <unparsed> 1/5"
    tied = distribution(["8", "7", "7", "8"])
    assert tied.majority == ("7", "8") and tied.tie
    assert distribution(["7"]).self_agreement is None


def test_unparsed_answers_never_agree() -> None:
    d = distribution([None, None, None])
    assert d.self_agreement == 0.0 and noise_rer(d) == 0.0
    assert expected_rer(d, d, d) == 0.0
    verdict = judge_repeats({"text": [None] * 3, "image": [None] * 3, "mixed": [None] * 3})
    assert not verdict.majority_consistent  # an unparsed majority equals nothing
    assert verdict.p_value == 1.0 and verdict.consistent  # ... but the modalities do not differ


def test_expected_and_noise_rer_by_hand() -> None:
    text, image, mixed = distribution(["7", "7", "8"]), distribution(["7", "8", "8"]), distribution(["7"] * 3)
    assert expected_rer(text, image, mixed) == pytest.approx(2 / 3 * 1 / 3 * 1)
    assert noise_rer(text) == 0.0  # no three text repeats agree
    assert noise_rer(mixed) == 1.0
    assert noise_rer(distribution(["7", "7"])) is None  # needs three draws
    assert noise_rer(distribution(["7", "7", "7", "8"])) == pytest.approx(3 * 2 * 1 / (4 * 3 * 2))


@pytest.mark.parametrize("table", [[[4, 1], [1, 4]], [[6, 1], [1, 4]], [[5, 0], [0, 5]], [[3, 2], [2, 3]]])
def test_exact_test_equals_fisher_on_two_groups(table: list[list[int]]) -> None:
    groups = [["a"] * row[0] + ["b"] * row[1] for row in table]
    assert freeman_halton(groups) == pytest.approx(fisher_exact(table).pvalue, rel=1e-9)


def test_exact_test_by_hand_on_three_groups() -> None:
    # 3 x 2 table, one group all B: 3 of the C(9, 3) = 84 ways to place three Bs are that extreme
    assert freeman_halton([["A"] * 3, ["B"] * 3, ["A"] * 3]) == pytest.approx(3 / 84)
    assert freeman_halton([["A", "A"], ["B", "B"], ["A", "A"]]) == pytest.approx(3 / 15)  # K = 2 cannot reject
    assert freeman_halton([["A", "B"]] * 3) == pytest.approx(1.0)
    assert freeman_halton([["A"], ["A"], ["A"]]) == 1.0
    with pytest.raises(ValueError):
        freeman_halton([["A"]])


def test_exact_test_never_rejects_more_often_than_alpha_when_modality_does_not_matter() -> None:
    """Size: over every outcome of K = 4 repeats of a shared distribution, P(p < alpha) <= alpha."""
    dist = {"7": 0.6, "8": 0.3, "9": 0.1}
    size = closed_form({m: dist for m in ("text", "image", "mixed")}, 4)["shifted"].mean
    assert 0.0 < size <= ALPHA


def test_permutation_estimate_agrees_with_enumeration(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = [list("AAAAB"), list("ABBBB"), list("AABBB")]
    exact_p = freeman_halton(groups)
    exact._p_value.cache_clear()
    monkeypatch.setattr(exact, "MAX_TABLES", 0)
    try:
        estimate = freeman_halton(groups)
    finally:
        exact._p_value.cache_clear()
    assert estimate == pytest.approx(exact_p, abs=4 * math.sqrt(exact_p * (1 - exact_p) / exact.PERMUTATIONS))


def test_verdict_needs_a_majority_difference_beyond_the_noise() -> None:
    strong = judge_repeats({"text": ["7"] * 5, "image": ["8"] * 5, "mixed": ["7"] * 5})
    assert not strong.majority_consistent and strong.shifted and not strong.consistent
    assert "image=[8 5/5]" in strong.line() and "exact test p=" in strong.line()
    weak = judge_repeats({"text": ["7", "7", "8"], "image": ["8", "8", "7"], "mixed": ["7", "7", "8"]})
    assert not weak.majority_consistent and not weak.shifted and weak.consistent  # within the noise
    tie = judge_repeats({"text": ["7", "8"], "image": ["7", "7"], "mixed": ["8", "7"]})
    assert tie.ties == ("text", "mixed") and tie.majority_consistent  # 7 is a majority answer everywhere


def test_order_of_repeats_does_not_change_anything() -> None:
    answers = ["7", "8", None, "7", "7"]
    verdicts = {judge_repeats({"text": list(p), "image": ["8"] * 5, "mixed": answers}).as_json().__repr__()
                for p in itertools.islice(itertools.permutations(answers), 20)}
    assert len(verdicts) == 1


@pytest.mark.parametrize("image", [{"7": 0.7, "8": 0.2, None: 0.1}, {"7": 0.2, "8": 0.7, None: 0.1}],
                         ids=["shared", "image-shift"])
def test_closed_form_reproduces_the_formulas(image: dict[str | None, float]) -> None:
    """The enumeration's expectations equal sum p^2, sum p_t p_i p_m and sum p_t^3: the estimators are unbiased."""
    text = {"7": 0.7, "8": 0.2, None: 0.1}
    dists = {"text": text, "image": image, "mixed": text}
    moments = closed_form(dists, 3)
    for name, value in analytic(dists).items():
        assert moments[name].mean == pytest.approx(value, abs=1e-12), name
    assert moments["rer_below_noise"].mean == pytest.approx(analytic(dists)["rer_noise"]
                                                            - analytic(dists)["rer_expected"], abs=1e-12)
