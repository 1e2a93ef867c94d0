"""Statistics of the paper's analyses: confidence intervals for RER/MMC/CFR and paired modality tests
(within one run, paired over items; and across models, paired over models).

A release gate on a point estimate flaps with sampling noise; the Wilson interval gives the bound that
`--gate-on=lower-bound` checks. Modality comparisons are paired (the same units answered in two modalities),
so they use McNemar's exact test on the discordant pairs and a paired t-test on the 0/1 correctness, with
Cohen's d_z as effect size. Degenerate inputs (no data, n < 2, zero variance) give None fields, never NaN
or a warning. Every dict returned here is JSON-ready.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_restgate.reports.distributions import binomial_two_sided_half, normal_quantile, t_quantile, t_two_sided_p
from pytest_restgate.reports.metrics import jsonable, scored
from pytest_restgate.reports.unitrows import Unit, as_rows, mean, missing, sample_sd

PAIRS: tuple[tuple[str, str], ...] = (("text", "image"), ("image", "mixed"))
"""The paper's comparisons: does rendering hurt (text vs image), does the split help (image vs mixed)?"""


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None when n is 0.

    Chosen over the Wald interval because gates look at proportions near 0 or 1 on small n, where Wald
    collapses to a zero-width interval.
    """
    _check_confidence(confidence)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return None
    z = normal_quantile(0.5 + confidence / 2.0)
    p, z2 = successes / n, z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _bools(values: Sequence[Any], name: str) -> list[bool]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise ValueError(f"{name} holds a missing value; correctness must be True or False")
        out.append(bool(v))
    return out


def mcnemar_exact(a_correct: Sequence[bool], b_correct: Sequence[bool]) -> dict[str, Any]:
    """Exact (binomial) two-sided McNemar test of paired correctness.

    b01: a wrong and b right; b10: a right and b wrong. With no discordant pair there is no evidence either
    way and p is 1.0; with no pair at all p is None. `diff` = acc_a - acc_b = (b10 - b01) / n.
    """
    a, b = _bools(a_correct, "a_correct"), _bools(b_correct, "b_correct")
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    b01 = sum(1 for x, y in zip(a, b, strict=True) if not x and y)
    b10 = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    discordant = b01 + b10
    p = 1.0 if discordant == 0 else binomial_two_sided_half(min(b01, b10), discordant)
    return {"n": len(a), "b01": b01, "b10": b10, "n_discordant": discordant, "p_value": p if a else None,
            "diff": (b10 - b01) / len(a) if a else None}


def _floats(values: Sequence[float]) -> list[float]:
    """A 1-D sequence of numbers as floats (what numpy's asarray(dtype=float) accepted)."""
    out = []
    for v in values:
        if isinstance(v, Sequence | str) and not isinstance(v, bytes):
            raise ValueError("paired samples must be 1-D sequences of numbers")
        out.append(float(v))
    return out


def paired_t(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Paired t-test of a - b with Cohen's d_z (mean difference / SD of differences) and a CI of the mean.

    `note` says why t, p, d_z and the CI are None: fewer than 2 pairs, or differences all equal (zero
    variance, where t is undefined).
    """
    _check_confidence(confidence)
    x, y = _floats(a), _floats(b)
    if len(x) != len(y):
        raise ValueError(f"paired samples must be 1-D and equally long: ({len(x)},) vs ({len(y)},)")
    if any(math.isnan(v) for v in (*x, *y)):
        raise ValueError("paired samples hold NaN")
    n, d = len(x), [p - q for p, q in zip(x, y, strict=True)]
    out: dict[str, Any] = {
        "n": n, "mean_a": mean(x) if n else None, "mean_b": mean(y) if n else None,
        "mean_diff": mean(d) if n else None, "sd_diff": sample_sd(d) if n >= 2 else None,
        "t": None, "df": n - 1 if n >= 2 else None, "p_value": None, "d_z": None,
        "ci_low": None, "ci_high": None, "confidence": confidence, "note": None,
    }
    if n < 2:
        out["note"] = "fewer than 2 pairs"
        return out
    if max(d) - min(d) == 0.0:
        out["sd_diff"], out["note"] = 0.0, "zero variance of the differences"
        return out
    standard_error = out["sd_diff"] / math.sqrt(n)
    t = out["mean_diff"] / standard_error
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * standard_error
    out.update(t=t, p_value=t_two_sided_p(t, n - 1), d_z=out["mean_diff"] / out["sd_diff"],
               ci_low=out["mean_diff"] - half, ci_high=out["mean_diff"] + half)
    return out


def _interval(successes: int, n: int, confidence: float) -> dict[str, Any]:
    ci = wilson_interval(successes, n, confidence)
    return {"value": successes / n if n else None, "successes": successes, "n": n,
            "low": ci[0] if ci else None, "high": ci[1] if ci else None}


def modality_tests(units: list[Unit] | Any, confidence: float = 0.95) -> dict[str, Any]:
    """Text vs image and image vs mixed accuracy over the scored units (McNemar, paired t, Wilson CIs).

    Pairs are units: pass a single-style frame for the paper's per-item test, as REST+ units of one item
    share their text answer and are not independent.
    """
    s = scored(as_rows(units))
    out: dict[str, Any] = {}
    for a, b in PAIRS:
        ca, cb = [bool(u[f"correct_{a}"]) for u in s], [bool(u[f"correct_{b}"]) for u in s]
        out[f"{a}_vs_{b}"] = {
            "a": a, "b": b, "n": len(ca),
            "acc_a": _interval(sum(ca), len(ca), confidence),
            "acc_b": _interval(sum(cb), len(cb), confidence),
            "mcnemar": mcnemar_exact(ca, cb),
            "paired_t": paired_t([float(v) for v in ca], [float(v) for v in cb], confidence),
        }
    return jsonable(out)


ITEM: tuple[str, ...] = ("dataset", "item_id")
"""What a cluster is: one item, whose renderings (REST+) share its text answer and difficulty."""


def _clustered(flags: list[bool], items: list[Unit], confidence: float) -> dict[str, Any]:
    """`_interval` of 0/1 flags (one per unit of `items`), with the item-clustered interval when an item has
    several units; units without an item key are in no cluster (as in pandas' groupby)."""
    from pytest_restgate.reports.clustered import clustered_interval

    clusters: dict[tuple[Any, ...], list[bool]] = {}
    for unit, value in zip(items, flags, strict=True):
        key = tuple(unit[c] for c in ITEM)
        if not any(missing(k) for k in key):
            clusters.setdefault(key, []).append(value)
    if not clusters or max(len(c) for c in clusters.values()) <= 1:
        return {**_interval(sum(flags), len(flags), confidence), "method": "wilson"}
    sums, counts = [sum(c) for c in clusters.values()], [len(c) for c in clusters.values()]
    ci = clustered_interval(sums, counts, confidence)
    assert ci is not None
    n, successes = sum(counts), sum(sums)
    return {"value": successes / n, "successes": successes, "n": n, "low": ci[0], "high": ci[1],
            "method": "clustered by item", "n_items": len(clusters)}


def metric_intervals(units: list[Unit] | Any, confidence: float = 0.95) -> dict[str, Any]:
    """95% intervals of RER, MMC (over scored units) and CFR (over the MMC units), for bound gates.

    Wilson when each item has one unit; when an item has several (REST+ renderings), the interval clustered by
    item (reports/clustered.py), since those units are not independent draws.
    """
    s = scored(as_rows(units))
    solved = [u for u in s if bool(u["solved_any"])]
    return jsonable({
        "confidence": confidence,
        "rer": _clustered([bool(u["consistent"]) for u in s], s, confidence),
        "mmc": _clustered([bool(u["solved_any"]) for u in s], s, confidence),
        "cfr": _clustered([not bool(u["solved_all"]) for u in solved], solved, confidence),
    })


CROSS_MODEL_SUBSETS: dict[str, str] = {"ocr-correct": "ocr_ok_", "all": ""}
"""The cut of each model's accuracies, and the prefix of its keys in a summary block (reports/metrics.py)."""
PAPER_REPORTED_T: dict[str, float] = {"text_vs_image": 17.7, "image_vs_mixed": -7.2}
"""The t statistics the paper reports for its modality comparisons (text vs image, image vs mixed). It does not
state what they pair or over which unit, so restgate's test over models is not the paper's computation and need
not reproduce them (a recomputation from the paper's per-model figures did not): they are shown as what the
paper reported, never as the value this test should give."""


def cross_model_modality_tests(rows: Sequence[Mapping[str, Any]], confidence: float = 0.95,
                               subset: str = "ocr-correct") -> dict[str, Any]:
    """Paired t-tests over models of accuracy, text vs image and image vs mixed: one pair per model.

    `rows` holds one dict per model (a summary block: a run's mean over datasets) with accuracies as shares under
    `ocr_ok_acc_text`, `ocr_ok_acc_image`, `ocr_ok_acc_mixed` for the default `subset` "ocr-correct" (the cut of
    the paper's table), or `acc_*` for "all"; other keys (e.g. `model`) are ignored. Each pair is tested over the
    models that have both figures (a None or missing figure leaves that model out of that pair). The difference
    is a - b: positive when text beats image. It asks whether models in general differ between the modalities;
    one run's per-item test (`modality_tests`) asks whether one model does on these items. This is restgate's
    choice of test: the paper reports t statistics (`PAPER_REPORTED_T`) without stating their pairing or unit.
    Each result is `paired_t`'s dict (t, df, p_value, mean_diff, ci_low, ci_high, d_z, note) plus `models`, the
    names (or row indexes) used.
    """
    _check_confidence(confidence)
    if subset not in CROSS_MODEL_SUBSETS:
        raise ValueError(f"subset must be one of {', '.join(CROSS_MODEL_SUBSETS)}, not {subset!r}")
    prefix = CROSS_MODEL_SUBSETS[subset]
    out: dict[str, Any] = {"scope": "across models (paired over models)", "n_rows": len(rows), "subset": subset,
                           "computes": f"paired t over models of each model's accuracy on the {subset} units, "
                                      "mean over its datasets"}
    for a, b in PAIRS:
        ka, kb = f"{prefix}acc_{a}", f"{prefix}acc_{b}"
        used = [(str(r.get("model", i)), float(r[ka]), float(r[kb])) for i, r in enumerate(rows)
                if r.get(ka) is not None and r.get(kb) is not None]
        result = paired_t([x for _, x, _ in used], [y for _, _, y in used], confidence)
        out[f"{a}_vs_{b}"] = {"a": a, "b": b, "models": [m for m, _, _ in used], **result}
    return jsonable(out)
