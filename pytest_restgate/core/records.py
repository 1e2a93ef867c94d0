"""The record: one model call's outcome, the unit that crosses process boundaries and lands in results.jsonl.

It travels from an xdist worker to the controller inside `TestReport.user_properties`, so it is a
`TypedDict` of JSON-simple values, not an object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict, get_args

import pytest

ImageModality = Literal["image", "mixed"]
"""The forms of a question that carry the rendered page (OCR-first answers these from a transcription)."""
AnswerModality = Literal["text", ImageModality]
"""The three forms of one question whose answers REST compares; the modality names are spelled only here."""
Modality = Literal["ocr", AnswerModality]
Strategy = Literal["direct", "ocr-first"]
Verdict = Literal["consistent", "inconsistent", "error"]
"""One unit's verdict."""
ReleaseWord = Literal["PASSED", "FAILED", "INCOMPLETE"]
"""The release verdict, wherever it is read (terminal, JUnit, HTML banner, markdown: reports/release.py)."""
RunWord = Literal[ReleaseWord, "NO-GATE"]
"""summary.json's `verdict`: the release word, or NO-GATE for a run judged by pytest's rule alone."""

MODALITIES: tuple[Modality, ...] = get_args(Modality)
ANSWER_MODALITIES: tuple[AnswerModality, ...] = get_args(AnswerModality)
IMAGE_MODALITIES: tuple[ImageModality, ...] = get_args(ImageModality)
STRATEGIES: tuple[Strategy, ...] = get_args(Strategy)
RECORD_PROPERTY = "restgate_records"
"""The `user_properties` key under which a test attaches its list of records."""
KIND_PROPERTY = "restgate_test"
"""The `user_properties` key that marks a benchmark test (value: its kind, `rest`, `rest_plus` or `fresh`), set
at collection, so the collector knows its tests without reading node ids (a skipped one carries nothing else)."""
TEST_KINDS: tuple[str, ...] = ("rest", "rest_plus", "fresh")
VERDICT_PROPERTY = "restgate_verdict"
"""The `user_properties` key under which a REST test states its verdict: the collector counts from it, never
from the wording of a failure."""


class Record(TypedDict):
    """One call: item x rendering style x modality x strategy.

    `answer` is the extracted, normalised answer or None when none could be parsed (None never equals another
    answer for RER). `correct` is None for the OCR call. `cer` is set on the OCR call only: the character error
    rate of the transcription against the item's full text, whitespace removed. `error` is set when the call
    could not be completed after retries: such records are excluded from every metric. `cached` is True when the
    record cost no new call (a response-cache hit, or a call shared with another record, like the REST+ text call):
    summing `cost_usd` over records that are not cached bills every call exactly once. `finish_reason` is the
    provider's (`stop`, `length`, ...), None for a failed call.
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
    finish_reason: str | None
    colour: NotRequired[str | None]
    """The text colour's name when the style colours each item ("red", ...; see renderers.COLOURS), else None."""
    fallback_chars: NotRequired[str]
    """Characters of the item the style's face lacks, drawn in the fallback face (renderers/fallback.py)."""
    repeat: NotRequired[int]
    """`--repeats K` > 1 only: which of the K repeats of its call this record is (0 .. K-1; the OCR call: 0)."""
    seed: NotRequired[int | None]
    """`--repeats K` > 1 only: the `seed` the request carried (None for repeat 0 or a provider without seeds)."""
    sanitized: NotRequired[bool]
    """True when the reply held code points no file can store (lone surrogates), replaced by U+FFFD."""
    error_kind: NotRequired[str | None]
    """For a failed call: rate_limited, transient or permanent (fixtures/models/retry.py)."""
    digest: NotRequired[str]
    """The unit's identity: sha256 of dataset, item content, gold, style, prompt and renderer versions
    (fixtures/evaluation/identity.py); baselines match units by it."""
    item_digest: NotRequired[str]
    """The item's content digest (the unit digest without the style): decides its shard under --shard=K/N, which
    `restgate merge` recomputes from it (pytest_restgate/core/shards.py)."""
    shared: NotRequired[bool]
    """True when this record reuses a call another record of the run consumed first (REST+ text call, the
    second strategy's OCR/text): its cost is counted once, on that first record."""
    fresh_shrink: NotRequired[bool]
    """True for a system the fresh search evaluated while Hypothesis shrank a counterexample: kept (its calls were
    made and paid), left out of the metrics (shrinking looks for inconsistency, so counting it would bias RER)."""
    fresh_recheck: NotRequired[bool]
    """True for the second ask of a fresh-search finding, past the response cache (is it reproducible?): paid and
    kept, also flagged `fresh_shrink`, so left out of the metrics; the unit's first records are the counted ones."""


def figure_records(records: list[Record]) -> list[Record]:
    """The records the figures count: all but the fresh search's shrinking steps (`fresh_shrink`)."""
    return [r for r in records if not r.get("fresh_shrink")]


OCR_OK = "ocr_ok_"
"""Prefix of the figures restricted to units whose OCR was exact (CER 0 with whitespace removed)."""
THUMBNAIL_KEY = pytest.StashKey[str]()
"""Per-test stash slot for the rendered item's thumbnail (base64 PNG) that the HTML report shows."""


class StyleFacts(TypedDict):
    """What a rendering style is made of, as the REST+ tables group by it."""

    font: str
    dpi: int
    coloured: bool


@dataclass(frozen=True)
class RunInfo:
    """What the fixtures plugin tells the reports plugin about a run, resolved once on the controller.

    The reports side learns the model, strategies and styles here and from the records, never by reading the
    fixtures side's options again. `details` gives the rest of summary.json's `run` block (settings, versions,
    dataset notes) when a report is written.
    """

    model: str
    """The model as asked for (`--model`): names the run folder and the report."""
    model_id: str
    """The resolved litellm id the calls went to."""
    strategies: tuple[Strategy, ...] = ("direct",)
    default_style: str = ""
    styles: Mapping[str, StyleFacts] = field(default_factory=dict)
    """Every style this run renders with, by name."""
    details: Callable[[], dict[str, Any]] = dict
    spend: Callable[[], dict[str, Any]] | None = None
    """What the run sent to the provider, counted at the client in every process (fixtures/models/spend.py);
    called once after the test loop. None: count from the records (a run without the fixtures plugin)."""
    repeats: int = 1
    """`--repeats K`: how many times each answer call is made (the noise floor needs K >= 3)."""
    plan: Callable[[], frozenset[str]] | None = None
    """The parameter ids of the unit tests the settings plan (this shard's items x styles), so the summary can
    say whether -k/-m/--lf/--deselect/node ids left some out (reports/selection.py)."""
    datasets: tuple[str, ...] = ()
    """The datasets the run asks (`--datasets`, expanded): scoped gates must name one of them. Empty: unknown."""

    @property
    def primary_strategy(self) -> Strategy:
        return self.strategies[0]

    def as_json(self) -> dict[str, Any]:
        return {
            **self.details(),
            "model": self.model,
            "model_id": self.model_id,
            "strategies": list(self.strategies),
            "default_style": self.default_style,
            "styles": list(self.styles),
            "style_facts": {name: dict(facts) for name, facts in self.styles.items()},
        }


RUN_INFO_KEY = pytest.StashKey[RunInfo]()
"""Filled by the fixtures plugin's `pytest_configure` (tryfirst) before the reports plugin reads it."""
