"""One unit's calls, planned once: which requests an item under one style makes, for the strategies and repeats.

Why: the run (fixtures/evaluation/evaluate.py), the `--collect-only` estimate and its upper bound
(fixtures/evaluation/estimate.py) and the `--repeats` header (fixtures/evaluation/repeats.py) each counted a
unit's calls by hand, four copies of one rule. They now read this plan; a test checks it against the calls
`evaluate` really makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_restgate.core.records import ANSWER_MODALITIES


@dataclass(frozen=True)
class PlannedCall:
    """One request of a unit. `purpose` names it as the client's call does (ocr, text, image, mixed, ocr-stem,
    ocr-first-image, ocr-first-mixed)."""

    purpose: str
    repeat: int = 0
    per_item: bool = False
    """The text call: the same request under every rendering style of an item (REST+ makes it once)."""
    known: bool = True
    """False for ocr-first's calls, whose prompt holds an earlier reply (unknown before the run)."""


def unit_plan(strategies: Sequence[str], repeats: int = 1) -> tuple[PlannedCall, ...]:
    """The calls of one unit: the OCR call once; per repeat the text call (shared by the strategies), the direct
    image and mixed answers, ocr-first's two answers from transcriptions; ocr-first's stem transcription once."""
    calls = [PlannedCall("ocr")]
    for k in range(repeats):
        calls.append(PlannedCall(ANSWER_MODALITIES[0], k, per_item=True))
        if "direct" in strategies:
            calls += [PlannedCall(m, k) for m in ANSWER_MODALITIES[1:]]
        if "ocr-first" in strategies:
            calls += [PlannedCall(f"ocr-first-{m}", k, known=False) for m in ANSWER_MODALITIES[1:]]
    if "ocr-first" in strategies:
        calls.append(PlannedCall("ocr-stem", known=False))
    return tuple(calls)


__all__ = ["PlannedCall", "unit_plan"]
