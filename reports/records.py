"""The record: one model call's outcome, the unit that crosses process boundaries and lands in results.jsonl.

It travels from an xdist worker to the controller inside `TestReport.user_properties`, so it is a
`TypedDict` of JSON-simple values, not an object.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pytest

Modality = Literal["ocr", "text", "image", "mixed"]
Strategy = Literal["direct", "ocr-first"]

MODALITIES: tuple[Modality, ...] = ("ocr", "text", "image", "mixed")
ANSWER_MODALITIES: tuple[Modality, ...] = ("text", "image", "mixed")
RECORD_PROPERTY = "restgate_records"
"""The `user_properties` key under which a test attaches its list of records."""


class Record(TypedDict):
    """One call: item x rendering style x modality x strategy.

    `answer` is the extracted, normalised answer or None when none could be parsed (None never equals another
    answer for RER). `correct` is None for the OCR call. `cer` is set on the OCR call only: the character error
    rate of the transcription against the item's full text, whitespace removed. `error` is set when the call
    could not be completed after retries: such records are excluded from every metric. `cached` is True when the
    record cost no new call (a response-cache hit, or a call shared with another record, like the REST+ text call):
    summing `cost_usd` over records that are not cached bills every call exactly once.
    """

    item_id: str
    dataset: str
    style: str
    modality: Modality
    strategy: Strategy
    model: str
    gold: str
    answer: str | None
    correct: bool | None
    response: str
    cer: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    latency_s: float
    cached: bool
    error: str | None
    colour: NotRequired[str | None]
    """The text colour's name when the style colours each item ("red", ...; see renderers.COLOURS), else None."""
    fallback_chars: NotRequired[str]
    """Characters of the item the style's face lacks, drawn in the fallback face (renderers/fallback.py)."""


THUMBNAIL_KEY = pytest.StashKey[str]()
"""Per-test stash slot for the rendered item's thumbnail (base64 PNG) that the HTML report shows."""

INCONSISTENT_PREFIX = "inconsistent across modalities"
"""How a REST test's failure message begins; the collector tells inconsistencies from other failures by it."""

RUN_INFO_KEY = pytest.StashKey["Callable[[], dict[str, Any]]"]()
"""Filled by the fixtures plugin: a callable giving the run's settings, seed, model and dataset notes as JSON.

A callable, so the item side stays the only one that knows how they are made (the data flows one way), and the
controller pays for collecting dataset notes only when a report is written.
"""
