"""A model that answers at random with a known distribution per modality, and its figures in closed form.

The noise-floor tests need a model whose expected self-agreement, RER, noise floor and verdicts are known
exactly: `RandomModel` is a reply function for tests/support/localserver.py that draws each answer from the
modality's distribution, and `closed_form` gives the expectation (and the per-item standard deviation) of every
per-item figure of pytest_restgate/core/repeats.py by enumerating every way K repeats per modality can come out.

Draws are reproducible without the request's seed reaching the reply function: each distinct request (same
messages) has its own seeded generator, and its repeats take that generator's draws in arrival order. The
multiset of an item's K answers per modality, which is all the figures depend on, is then the same every run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_restgate.core.repeats import MODALITIES, judge_repeats

Dist = Mapping[str | None, float]
"""Answer -> probability; None is an unparsed reply."""
FIGURES = ("self_agreement_text", "self_agreement_image", "self_agreement_mixed", "rer_expected", "rer_noise",
           "rer_below_noise", "majority_rer", "tie", "shifted", "inconsistent")


def modality_of(messages: list[dict[str, Any]]) -> str:
    """ocr, text, image or mixed, read from the prompt as a provider would see it."""
    parts = messages[0]["content"]
    parts = [{"type": "text", "text": parts}] if isinstance(parts, str) else parts
    texts = [p["text"] for p in parts if p.get("type") == "text"]
    if texts and texts[0].startswith("Transcribe"):
        return "ocr"
    if not any(p.get("type") == "image_url" for p in parts):
        return "text"
    return "mixed" if "in the image and the text below" in texts[0] else "image"


@dataclass
class RandomModel:
    """A reply function: `Answer: X` with X drawn from the modality's distribution (an unparsed reply for None)."""

    dists: Mapping[str, Dist]
    seed: int = 0
    _draws: dict[str, random.Random] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, messages: list[dict[str, Any]]) -> str:
        modality = modality_of(messages)
        if modality == "ocr":
            return "a transcription"
        key = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
        with self._lock:
            rng = self._draws.setdefault(key, random.Random(f"{self.seed}:{key}"))
            answers, weights = zip(*self.dists[modality].items(), strict=True)
            answer = rng.choices(answers, weights)[0]
        return "I cannot tell." if answer is None else f"Thinking...\nAnswer: {answer}"


def _count_vectors(k: int, n: int) -> Iterator[tuple[int, ...]]:
    for cut in itertools.combinations(range(k + n - 1), n - 1):
        edges = (-1, *cut, k + n - 1)
        yield tuple(edges[i + 1] - edges[i] - 1 for i in range(n))


def _outcomes(dist: Dist, k: int) -> list[tuple[list[str | None], float]]:
    """Every multiset of k draws from `dist`, as an answer list, with its multinomial probability."""
    answers = list(dist)
    out = []
    for counts in _count_vectors(k, len(answers)):
        prob = math.factorial(k) * math.prod(dist[a] ** c / math.factorial(c) for a, c in zip(answers, counts,
                                                                                               strict=True))
        out.append(([a for a, c in zip(answers, counts, strict=True) for _ in range(c)], prob))
    return out


@dataclass(frozen=True)
class Moments:
    """Expectation and standard deviation of one per-item figure (the run's figure is a mean over items)."""

    mean: float
    sd: float

    def tolerance(self, n_items: int, sds: float = 4.0) -> float:
        """Half-width of the band the mean over n items falls in (sds standard errors, never below 1e-9)."""
        return max(1e-9, sds * self.sd / math.sqrt(n_items))


def per_item(answers: Mapping[str, list[str | None]]) -> dict[str, float]:
    """The per-item figures of pytest_restgate/core/repeats.py for one outcome (noise needs K >= 3)."""
    v = judge_repeats(answers)
    noise = v.noise_rer if v.noise_rer is not None else math.nan
    return {
        **{f"self_agreement_{m}": v.distributions[m].self_agreement or 0.0 for m in MODALITIES},
        "rer_expected": v.expected_rer, "rer_noise": noise, "rer_below_noise": noise - v.expected_rer,
        "majority_rer": float(v.majority_consistent), "tie": float(bool(v.ties)), "shifted": float(v.shifted),
        "inconsistent": float(not v.consistent),
    }


def closed_form(dists: Mapping[str, Dist], k: int, figure: Callable[..., dict[str, float]] = per_item
                ) -> dict[str, Moments]:
    """Exact mean and SD of every per-item figure when each modality draws k answers from its distribution."""
    spaces = [_outcomes(dists[m], k) for m in MODALITIES]
    first = {name: 0.0 for name in FIGURES}
    second = {name: 0.0 for name in FIGURES}
    for combo in itertools.product(*spaces):
        prob = math.prod(p for _, p in combo)
        values = figure({m: answers for m, (answers, _) in zip(MODALITIES, combo, strict=True)})
        for name in FIGURES:
            first[name] += prob * values[name]
            second[name] += prob * values[name] ** 2
    return {name: Moments(first[name], math.sqrt(max(0.0, second[name] - first[name] ** 2))) for name in FIGURES}


def analytic(dists: Mapping[str, Dist]) -> dict[str, float]:
    """The figures that have a formula (parsed answers only agree): a check on `closed_form` itself."""
    t, i, m = (dists[x] for x in MODALITIES)
    parsed = [a for a in t if a is not None]
    return {
        **{f"self_agreement_{x}": sum(p**2 for a, p in dists[x].items() if a is not None) for x in MODALITIES},
        "rer_expected": sum(t[a] * i.get(a, 0.0) * m.get(a, 0.0) for a in parsed),
        "rer_noise": sum(t[a] ** 3 for a in parsed),
    }


__all__ = ["FIGURES", "Moments", "RandomModel", "analytic", "closed_form", "modality_of", "per_item"]
