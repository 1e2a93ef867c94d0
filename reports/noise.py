"""The noise floor of a `--repeats K` run: how much of the inconsistency sampling noise alone explains.

Why: RER counts an item as inconsistent when its text, image and mixed answers differ; for a model that is not
deterministic part of that is noise it would also show by asking the text question twice. With K repeats per
modality (pytest_restgate/core/repeats.py defines the per-item figures) the run-level figures are means over
the scored units (an errored unit is excluded, as everywhere):

- `self_agreement[m]`: probability that two draws of modality m agree.
- `rer_expected`: probability that one draw of each modality agrees (the RER over all K^3 repeat combinations;
  the headline RER of the metrics table is the same figure on repeat 0 only, comparable with K = 1 runs).
- `rer_noise`: the *noise floor* of RER, the probability that three draws of the text modality agree: the RER
  the model would get if its image and mixed pathways answered exactly like its text pathway. Expressed as
  inconsistency, 1 - rer_noise is the inconsistency that noise alone produces.
- `rer_below_noise` = rer_noise - rer_expected: the RER lost to the modality beyond the noise (about 0 when the
  modality changes nothing, whatever the noise; positive when a pathway shifts the answers; it can be negative
  when the image pathway is *less* noisy than the text one). Its 95% interval is a t interval over items (an
  item's REST+ renderings averaged first) with one pseudo-item at each end of the figure's range, -1 and 1
  (reports/clustered.py `shortfall_interval`; benchmarks/noise_coverage.py measures its coverage).
  `--max-rer-below-noise X` gates on it: a maximum, because under "no modality effect" the RER sits at
  its noise floor, so "RER above noise" would be a figure whose good value is 0 and whose threshold would have
  to be negative; the shortfall reads as "at most X of the items' agreement may be lost to the modality".
  Under `--gate-on=lower-bound` it is judged on the interval's upper end (the conservative side).
- `majority_rer`: share of units whose majority answers agree; `ties`: units with a tied modality;
  `shifted`: units whose exact test rejects one shared distribution; `inconsistent`: the test verdicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from pytest_restgate.core.gates import NOISE_FIGURE
from pytest_restgate.core.repeats import ALPHA, MODALITIES, RepeatVerdict, judge_repeats, noise_rer
from pytest_restgate.reports.cells import text_figure as _f

MIN_REPEATS = 3
"""The noise floor needs three text answers per item."""
UnitKey = tuple[str, str, str]


def has_repeats(records: Sequence[Mapping[str, Any]]) -> bool:
    return any("repeat" in r for r in records)


def first_repeat(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The records of repeat 0 only: the paper's single-call figures, comparable with a K = 1 run."""
    return [r for r in records if not r.get("repeat")]


def unit_verdicts(records: Sequence[Mapping[str, Any]], strategy: str) -> tuple[dict[UnitKey, RepeatVerdict], int]:
    """Per unit (item, dataset, style) of `strategy`: the repeat verdict; and how many units errored."""
    answers: dict[UnitKey, dict[str, list[tuple[int, str | None]]]] = defaultdict(lambda: defaultdict(list))
    errored: set[UnitKey] = set()
    for r in records:
        if r.get("strategy") != strategy or "repeat" not in r:
            continue
        key = (str(r["item_id"]), str(r["dataset"]), str(r["style"]))
        if r.get("error"):
            errored.add(key)
        if r["modality"] in MODALITIES:
            answers[key][r["modality"]].append((int(r["repeat"]), r["answer"]))
    verdicts = {}
    for key, by in answers.items():
        if key in errored or any(not by.get(m) for m in MODALITIES):
            continue
        verdicts[key] = judge_repeats({m: [a for _, a in sorted(by[m], key=lambda ra: ra[0])] for m in MODALITIES})
    return verdicts, len(errored)


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def benjamini_hochberg_cutoff(p_values: Sequence[float], alpha: float) -> float | None:
    """The largest p-value Benjamini-Hochberg rejects at false discovery rate `alpha` (None: none rejected).

    Why: each item's test fails when its exact test gives p < alpha on its own (a test's verdict cannot wait for
    the other items), so over 150 items of a model with no modality effect about alpha x 150 of them can shift by
    chance. The summary also counts the shifts that survive the correction over all units of the run.
    """
    ordered = sorted(p_values)
    cutoff = None
    for rank, p in enumerate(ordered, start=1):
        if p <= alpha * rank / len(ordered):
            cutoff = p
    return cutoff


def _block(keyed: Sequence[tuple[UnitKey, RepeatVerdict]]) -> dict[str, Any]:
    from pytest_restgate.reports.clustered import shortfall_interval
    from pytest_restgate.reports.stats import paired_t

    verdicts = [v for _, v in keyed]
    with_floor = [(key, v) for key, v in keyed if v.noise_rer is not None]
    cutoff = benjamini_hochberg_cutoff([v.p_value for v in verdicts], ALPHA)
    shortfall = paired_t([v.noise_rer or 0.0 for _, v in with_floor], [v.expected_rer for _, v in with_floor])
    ci = shortfall_interval([(v.noise_rer or 0.0) - v.expected_rer for _, v in with_floor],
                            [(key[1], key[0]) for key, _ in with_floor])
    return {
        "n": len(verdicts),
        "n_noise": len(with_floor),
        "rer_expected": _mean([v.expected_rer for v in verdicts]),
        "rer_noise": _mean([v.noise_rer for v in verdicts]),
        NOISE_FIGURE: shortfall["mean_diff"],
        NOISE_FIGURE + "_ci": None if ci is None else [ci[0], ci[1]],
        NOISE_FIGURE + "_ci_method": "t over items with a pseudo-item at -1 and at 1 (reports/clustered.py)",
        NOISE_FIGURE + "_p": shortfall["p_value"],
        "self_agreement": {m: _mean([v.distributions[m].self_agreement for v in verdicts]) for m in MODALITIES},
        "noise_rer_by_modality": {
            m: _mean([_cube(v, m) for v in verdicts]) for m in MODALITIES
        },
        "majority_rer": _mean([float(v.majority_consistent) for v in verdicts]),
        "ties": sum(1 for v in verdicts if v.ties),
        "shifted": sum(1 for v in verdicts if v.shifted),
        "inconsistent": sum(1 for v in verdicts if not v.consistent),
        "shifted_fdr": sum(1 for v in verdicts if cutoff is not None and v.p_value <= cutoff),
        "inconsistent_fdr": sum(1 for v in verdicts
                                if cutoff is not None and v.p_value <= cutoff and not v.majority_consistent),
    }


def _cube(verdict: RepeatVerdict, modality: str) -> float | None:
    return noise_rer(verdict.distributions[modality])


def noise_summary(records: Sequence[Mapping[str, Any]], strategy: str) -> dict[str, Any] | None:
    """summary.json's `noise` block (None for a run without repeats)."""
    if not has_repeats(records):
        return None
    verdicts, n_errors = unit_verdicts(records, strategy)
    k = max((int(r["repeat"]) for r in records if "repeat" in r), default=0) + 1
    by_dataset: dict[str, list[tuple[UnitKey, RepeatVerdict]]] = defaultdict(list)
    for key, verdict in verdicts.items():
        by_dataset[key[1]].append((key, verdict))
    return {
        "repeats": k,
        "alpha": ALPHA,
        "strategy": strategy,
        "n_errors": n_errors,
        **_block(list(verdicts.items())),
        "datasets": {name: _block(vs) for name, vs in sorted(by_dataset.items())},
        "units": [
            {"item_id": item, "dataset": dataset, "style": style, **verdict.as_json()}
            for (item, dataset, style), verdict in sorted(verdicts.items())
        ],
    }


def noise_lines(noise: Mapping[str, Any] | None) -> list[str]:
    """The terminal's noise-floor lines."""
    if not noise:
        return []
    ci = noise.get(NOISE_FIGURE + "_ci")
    interval = f" [{_f(ci[0])}, {_f(ci[1])}]" if ci else ""
    sa = noise.get("self_agreement") or {}
    return [
        f"noise floor (--repeats {noise['repeats']}, {noise['n']} units): RER over repeats "
        f"{_f(noise.get('rer_expected'))}, noise-only RER {_f(noise.get('rer_noise'))} (three text draws agree), "
        f"RER below noise {_f(noise.get(NOISE_FIGURE))}{interval}",
        "  self-agreement " + " ".join(f"{m} {_f(sa.get(m))}" for m in MODALITIES)
        + f"; majority RER {_f(noise.get('majority_rer'))} ({noise.get('ties', 0)} with ties); "
        f"{noise.get('shifted', 0)} shifted beyond noise (exact test p<{noise.get('alpha')}), "
        f"{noise.get('inconsistent', 0)} inconsistent by the noise-aware verdict; at a {noise.get('alpha')} false "
        f"discovery rate over the {noise['n']} units (Benjamini-Hochberg) {noise.get('shifted_fdr', 0)} shifted, "
        f"{noise.get('inconsistent_fdr', 0)} inconsistent",
    ]


def noise_html(noise: Mapping[str, Any] | None) -> str:
    """The report's noise-floor table: RER beside its noise floor, self-agreement per modality."""
    if not noise:
        return ""
    head = ("<tr><th>scope</th><th>n</th><th>RER over repeats</th><th>noise-only RER</th><th>RER below noise "
            "[95% CI]</th>" + "".join(f"<th>self-agreement {m}</th>" for m in MODALITIES)
            + "<th>majority RER</th><th>ties</th><th>shifted</th><th>shifted (FDR)</th></tr>")

    def row(name: str, b: Mapping[str, Any]) -> str:
        ci = b.get(NOISE_FIGURE + "_ci")
        sa = b.get("self_agreement") or {}
        return (f"<tr><td>{escape(name)}</td><td>{b.get('n')}</td><td>{_f(b.get('rer_expected'))}</td>"
                f"<td>{_f(b.get('rer_noise'))}</td><td>{_f(b.get(NOISE_FIGURE))}"
                + (f" [{_f(ci[0])}, {_f(ci[1])}]" if ci else "") + "</td>"
                + "".join(f"<td>{_f(sa.get(m))}</td>" for m in MODALITIES)
                + f"<td>{_f(b.get('majority_rer'))}</td><td>{b.get('ties')}</td><td>{b.get('shifted')}</td>"
                + f"<td>{b.get('shifted_fdr', '-')}</td></tr>")

    rows = [row(name, b) for name, b in (noise.get("datasets") or {}).items()] + [row("all", noise)]
    return (f'<h3>Noise floor (--repeats {noise["repeats"]})</h3><table class="rg-table" id="restgate-noise">'
            f"{head}{''.join(rows)}</table><p class=\"rg-note\">RER over repeats: one draw per modality agrees; "
            "noise-only RER: three text draws agree (the RER if image and mixed answered like text); RER below "
            f"noise is their difference. Shifted: the exact test on the repeat answers rejects one shared "
            f"distribution at p&lt;{noise.get('alpha')} (each item's own test); shifted (FDR): those that stay "
            f"shifted at a {noise.get('alpha')} false discovery rate over the scope's units (Benjamini-Hochberg). "
            "The metrics table above is repeat 0 only.</p>")


def repeat_cells(records: Sequence[Mapping[str, Any]], strategy: str) -> list[str] | None:
    """The result row's Text/Image/Mixed cells as distributions (None for a record list without repeats)."""
    if not has_repeats(records):
        return None
    verdicts, _ = unit_verdicts(records, strategy)
    if len(verdicts) != 1:
        return None
    verdict = next(iter(verdicts.values()))
    return [f'<td class="col-rg-{m}">{escape(verdict.distributions[m].describe())}</td>' for m in MODALITIES]


def distributions_html(records: Sequence[Mapping[str, Any]], strategy: str) -> str:
    """The drill-down extra: each modality's answer distribution over the repeats, and the exact test."""
    verdicts, _ = unit_verdicts(records, strategy)
    parts = []
    for verdict in verdicts.values():
        rows = "".join(
            f"<tr><td>{m}</td><td>{escape(verdict.distributions[m].describe())}</td>"
            f"<td>{_f(verdict.distributions[m].self_agreement)}</td></tr>" for m in MODALITIES
        )
        parts.append(
            '<table class="rg-table"><tr><th>modality</th><th>answers over the repeats</th>'
            f"<th>self-agreement</th></tr>{rows}</table><p>exact test p={verdict.p_value:.3g}; majority "
            f"{'agrees' if verdict.majority_consistent else 'differs'}"
            + (f"; tie in {escape(', '.join(verdict.ties))}" if verdict.ties else "")
            + f"; verdict: {'consistent' if verdict.consistent else 'inconsistent beyond the noise'}</p>"
        )
    return "".join(parts)
