"""Reply functions for the local server with a planted inconsistency, answering by content, the same way every
time: the fresh-search tests (tests/suite/test_suite_fresh.py) and the budget benchmark (benchmarks/fresh_budget.py)
share them, so the figures behind `--fresh-call-budget`'s default are measured on what the tests check."""

from __future__ import annotations

import re
from typing import Any

from pytest_restgate.fixtures.evaluation.prompts import OCR_INSTRUCTION


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    return [p["text"] for m in messages if isinstance(m.get("content"), list)
            for p in m["content"] if p.get("type") == "text"]


def has_image(messages: list[dict[str, Any]]) -> bool:
    return any(p.get("type") == "image_url" for m in messages if isinstance(m.get("content"), list)
               for p in m["content"])


def big_digits_differ(messages: list[dict[str, Any]]) -> str:
    """Inconsistent whenever the equations hold a digit from 5 to 9 (the text modality then answers 9, the
    others 7): Hypothesis's first draw (all zeros) passes, a later one fails and shrinks digit by digit."""
    texts = texts_of(messages)
    if texts[:1] == [OCR_INSTRUCTION]:
        return "unreadable"
    return "Answer: 9" if not has_image(messages) and re.search("[5-9]", " ".join(texts[1:])) else "Answer: 7"


def fails_with_c(messages: list[dict[str, Any]]) -> str:
    """Consistent on 2-unknown systems, inconsistent as soon as C appears in the text."""
    texts = texts_of(messages)
    if texts[:1] == [OCR_INSTRUCTION]:
        return "unreadable"
    content = " ".join(texts[1:])
    if has_image(messages) and not content:
        return "Answer: 1"
    return "Answer: 2" if "C" in content else "Answer: 1"
