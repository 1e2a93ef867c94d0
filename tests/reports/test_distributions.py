"""The standard-library distributions agree with scipy.stats (which the run no longer imports)."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from pytest_restgate.reports.distributions import (
    binomial_two_sided_half,
    normal_quantile,
    regularized_beta,
    t_cdf,
    t_quantile,
    t_two_sided_p,
)

DFS = (1, 2, 3, 5, 9, 29, 149, 1499)
TS = (0.0, 0.01, 0.3, 1.0, 1.96, 2.5, 4.0, 9.0, 40.0, -0.7, -3.0)


@pytest.mark.parametrize("p", [1e-6, 0.01, 0.025, 0.3, 0.5, 0.8, 0.95, 0.975, 0.995])
def test_normal_quantile(p: float) -> None:
    assert normal_quantile(p) == pytest.approx(float(stats.norm.ppf(p)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 31, 150, 600])
def test_binomial_two_sided_half_equals_binomtest(n: int) -> None:
    for k in range(n + 1):
        assert binomial_two_sided_half(k, n) == pytest.approx(stats.binomtest(k, n, 0.5).pvalue, rel=1e-9), (k, n)


def test_binomial_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="0 <= k <= n"):
        binomial_two_sided_half(4, 3)
    assert binomial_two_sided_half(0, 0) == 1.0


@pytest.mark.parametrize("df", DFS)
def test_t_distribution(df: int) -> None:
    for t in TS:
        assert t_cdf(t, df) == pytest.approx(float(stats.t.cdf(t, df)), rel=1e-9, abs=1e-15), (t, df)
        expected = float(2 * stats.t.sf(abs(t), df))
        assert t_two_sided_p(t, df) == pytest.approx(expected, rel=1e-9, abs=1e-15), (t, df)
    for p in (0.6, 0.9, 0.95, 0.975, 0.995, 0.05):
        assert t_quantile(p, df) == pytest.approx(float(stats.t.ppf(p, df)), rel=1e-9), (p, df)
    assert t_two_sided_p(math.inf, df) == 0.0


TAIL_PS = (1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 0.05, 0.24, 0.26, 0.49, 0.51, 0.74, 0.76, 0.975, 1 - 1e-6, 1 - 1e-9,
           1 - 1e-12, 1 - 1e-15)


@pytest.mark.parametrize("df", (0.5, 1, 2.5, 3, 9, 29, 149, 1499, 10_000))
def test_t_quantile_keeps_its_digits_in_the_tails(df: float) -> None:
    """Relative error below 1e-9 against scipy from p = 1e-15 to 1 - 1e-15 (the docstring's claim): the old
    bisection on 1 - CDF was off by 5.6e-5 at df = 1, p = 1 - 1e-12."""
    for p in TAIL_PS:
        assert t_quantile(p, df) == pytest.approx(float(stats.t.ppf(p, df)), rel=1e-9), (p, df)


@pytest.mark.parametrize("d", (1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 0.2))
def test_t_quantile_near_the_centre_against_closed_forms(d: float) -> None:
    """Near p = 1/2 scipy itself loses digits (relative 8e-6 at p = 1/2 + 1e-12), so the reference is the
    closed form: df = 1 (Cauchy) t = tan(pi (p - 1/2)); df = 2, t = (2p - 1) / sqrt(2 p (1 - p)). p - 1/2 is
    exact in floating point here."""
    p = 0.5 + d
    centre = p - 0.5
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * centre), rel=1e-12)
    assert t_quantile(p, 2) == pytest.approx(2 * centre / math.sqrt(2 * p * (1 - p)), rel=1e-12)
    assert t_quantile(1 - p, 2) == -t_quantile(p, 2)
    assert t_cdf(t_quantile(p, 1), 1) - 0.5 == pytest.approx(centre, rel=1e-12)


def test_t_functions_refuse_bad_arguments() -> None:
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError, match="strictly between"):
            t_quantile(bad, 3)
    with pytest.raises(ValueError, match="df must be positive"):
        t_quantile(0.9, 0)
    with pytest.raises(ValueError, match="df must be positive"):
        t_cdf(1.0, -1)


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.5), (1.0, 3.0), (14.5, 0.5), (749.5, 0.5), (3.0, 9.0)])
def test_regularized_beta(a: float, b: float) -> None:
    from scipy import special

    for x in (0.0, 1e-6, 0.1, 0.5, 0.77, 0.999, 1.0):
        assert regularized_beta(a, b, x) == pytest.approx(float(special.betainc(a, b, x)), rel=1e-9, abs=1e-15)
