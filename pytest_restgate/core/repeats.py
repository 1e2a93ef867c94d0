"""Repeats (`--repeats K`): per item, the answer distribution of each modality and a noise-aware verdict.

Why: a model that is not deterministic (temperature 1, or a hosted model that varies at temperature 0) can give
different text, image and mixed answers by sampling alone. Asking each modality K times shows how much an
answer varies within one modality, so an inconsistency across modalities can be told apart from that noise.

Definitions (one item, answers `a` over the parsed answers; an unparsed answer equals no other answer):
- distribution: how often each answer came back in a modality's K repeats; its majority (modal) answers, and a
  *tie* when two or more answers share the top count.
- self-agreement: the share of the K(K-1)/2 repeat pairs of one modality that agree, sum_a c_a(c_a-1)/(K(K-1)):
  an unbiased estimate of the probability that two draws of that modality agree.
- expected RER: sum_a p_text(a) p_image(a) p_mixed(a) with p the observed shares: the probability that one
  draw from each modality agrees, averaged over all K^3 combinations of repeats (unbiased, as the three
  modalities' repeats are independent). With K = 1 it is the paper's 0/1 verdict.
- noise-only RER: sum_a c_a(c_a-1)(c_a-2) / (K(K-1)(K-2)) over the *text* repeats: an unbiased estimate of the
  probability that three independent text draws agree, i.e. the RER this item would show if the image and
  mixed pathways answered exactly like the text one. Needs K >= 3.
- majority consistent: some parsed answer is a majority answer of all three modalities.
- shifted: the Freeman-Halton exact test (exact.py) rejects, at `ALPHA`, that the three
  modalities draw from one answer distribution (unparsed answers pooled as one outcome for this test).

The verdict with K > 1: *inconsistent* when the majority answers differ AND the exact test says the difference
is beyond what the repeats of one modality show; otherwise consistent (a majority difference within the noise
is reported, not failed). With K = 1 the paper's rule holds (fixtures/evaluation/verdict.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pytest_restgate.core.exact import freeman_halton
from pytest_restgate.core.records import ANSWER_MODALITIES

ALPHA = 0.05
"""Significance level of the per-item exact test: a majority difference with p >= ALPHA is within the noise."""
UNPARSED = "<unparsed>"
"""How an unparsed answer (None) is shown and pooled in the exact test."""
MODALITIES: tuple[str, ...] = ANSWER_MODALITIES


@dataclass(frozen=True)
class Distribution:
    """One modality's K answers: counts (most common first), majority answers, self-agreement."""

    counts: tuple[tuple[str | None, int], ...]
    n: int

    @property
    def majority(self) -> tuple[str | None, ...]:
        """The modal answers: one, or several when tied (None stands for unparsed)."""
        if not self.counts:
            return ()
        top = self.counts[0][1]
        return tuple(a for a, c in self.counts if c == top)

    @property
    def tie(self) -> bool:
        return len(self.majority) > 1

    @property
    def self_agreement(self) -> float | None:
        """Share of repeat pairs that agree (unparsed pairs never do); None with fewer than two repeats."""
        if self.n < 2:
            return None
        return sum(c * (c - 1) for a, c in self.counts if a is not None) / (self.n * (self.n - 1))

    def share(self, answer: str) -> float:
        return dict(self.counts).get(answer, 0) / self.n if self.n else 0.0

    def describe(self) -> str:
        """`7 4/5, 8 1/5` (unparsed shown as such): the per-item distribution in a report row."""
        return ", ".join(f"{UNPARSED if a is None else a} {c}/{self.n}" for a, c in self.counts)

    def as_json(self) -> dict[str, object]:
        return {
            "counts": [[a, c] for a, c in self.counts],
            "n": self.n,
            "majority": list(self.majority),
            "tie": self.tie,
            "self_agreement": self.self_agreement,
        }


def distribution(answers: Sequence[str | None]) -> Distribution:
    """Count the answers; most common first, then by answer (unparsed last) so equal inputs give equal output."""
    counted = Counter(answers)
    order = sorted(counted.items(), key=lambda ac: (-ac[1], ac[0] is None, ac[0] or ""))
    return Distribution(tuple(order), len(answers))


def expected_rer(text: Distribution, image: Distribution, mixed: Distribution) -> float:
    """Probability that one draw from each modality gives the same parsed answer (see the module docstring)."""
    answers = {a for a, _ in text.counts if a is not None}
    return sum(text.share(a) * image.share(a) * mixed.share(a) for a in answers)


def noise_rer(text: Distribution) -> float | None:
    """Unbiased estimate of the probability that three text draws agree; None with fewer than three repeats."""
    k = text.n
    if k < 3:
        return None
    return sum(c * (c - 1) * (c - 2) for a, c in text.counts if a is not None) / (k * (k - 1) * (k - 2))


@dataclass(frozen=True)
class RepeatVerdict:
    """The noise-aware verdict on one item's repeat answers."""

    distributions: Mapping[str, Distribution]
    p_value: float
    alpha: float = ALPHA

    @property
    def majority_consistent(self) -> bool:
        """Some parsed answer is a majority answer of every modality (a tie counts each of its answers)."""
        sets = [set(self.distributions[m].majority) - {None} for m in MODALITIES]
        return bool(set.intersection(*sets))

    @property
    def ties(self) -> tuple[str, ...]:
        return tuple(m for m in MODALITIES if self.distributions[m].tie)

    @property
    def shifted(self) -> bool:
        """The exact test rejects one shared answer distribution at `alpha`."""
        return self.p_value < self.alpha

    @property
    def consistent(self) -> bool:
        return self.majority_consistent or not self.shifted

    @property
    def expected_rer(self) -> float:
        d = self.distributions
        return expected_rer(d["text"], d["image"], d["mixed"])

    @property
    def noise_rer(self) -> float | None:
        return noise_rer(self.distributions["text"])

    def line(self) -> str:
        """What a failed test prints: each modality's distribution, the test, the ties."""
        parts = [f"{m}=[{self.distributions[m].describe()}]" for m in MODALITIES]
        tie = f"  | tie in {', '.join(self.ties)}" if self.ties else ""
        return f"{'  '.join(parts)}  | exact test p={self.p_value:.3g} (alpha {self.alpha:g}){tie}"

    def as_json(self) -> dict[str, object]:
        return {
            "distributions": {m: self.distributions[m].as_json() for m in MODALITIES},
            "p_value": self.p_value,
            "majority_consistent": self.majority_consistent,
            "ties": list(self.ties),
            "shifted": self.shifted,
            "consistent": self.consistent,
            "expected_rer": self.expected_rer,
            "noise_rer": self.noise_rer,
        }


def judge_repeats(answers: Mapping[str, Sequence[str | None]], alpha: float = ALPHA) -> RepeatVerdict:
    """The verdict on one item from each modality's repeat answers (`text`, `image`, `mixed` keys)."""
    missing = [m for m in MODALITIES if not answers.get(m)]
    if missing:
        raise ValueError(f"no repeat answers for {', '.join(missing)}")
    distributions = {m: distribution(answers[m]) for m in MODALITIES}
    pooled = [[UNPARSED if a is None else a for a in answers[m]] for m in MODALITIES]
    return RepeatVerdict(distributions, freeman_halton(pooled), alpha)


__all__ = [
    "ALPHA",
    "MODALITIES",
    "UNPARSED",
    "Distribution",
    "RepeatVerdict",
    "distribution",
    "expected_rer",
    "judge_repeats",
    "noise_rer",
]
