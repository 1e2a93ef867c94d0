"""Rows in the three hub schemas, written for these tests, and a writer for `--data-dir` files.

Every question here was written for this project (none is copied from MMLU, ARC or GSM-Symbolic;
GSM-Symbolic's licence forbids redistribution), but field names, types and nesting follow the real schemas
exactly: MMLU `{question, subject, choices: [str], answer: int}`, ARC `{id, question, choices: {text, label},
answerKey}`, GSM-Symbolic `{id, instance, question, answer: "...\\n#### <number>", original_id, ...}`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def mmlu_row(question: str = "Which planet is closest to the Sun?", subject: str = "astronomy",
             choices: list[str] | None = None, answer: Any = 0) -> dict[str, Any]:
    choices = ["Mercury", "Venus", "Earth", "Mars"] if choices is None else choices
    return {"question": question, "subject": subject, "choices": choices, "answer": answer}


def arc_row(arc_id: str = "TEST_0001", question: str = "Which object is a source of light?",
            texts: list[str] | None = None, labels: list[str] | None = None,
            key: Any = "C") -> dict[str, Any]:
    texts = ["a mirror", "the Moon", "a candle flame", "a window"] if texts is None else texts
    labels = ["A", "B", "C", "D"][: len(texts)] if labels is None else labels
    return {"id": arc_id, "question": question, "choices": {"text": texts, "label": labels}, "answerKey": key}


def gsm_row(template: Any = 0, instance: Any = 0, question: str | None = None,
            answer: str = "She has 4 + 3 = 7 apples.\n#### 7") -> dict[str, Any]:
    question = ("Dana picks 4 apples in the morning and 3 apples in the afternoon. "
                "How many apples does she pick?") if question is None else question
    return {"id": template, "instance": instance, "question": question, "answer": answer,
            "original_id": template, "original_question": "(written for this test)",
            "original_answer": "(written for this test)", "canary": "(not the real canary)"}


def write_jsonl(folder: Path, name: str, rows: list[Any], *, newline: str = "\n") -> Path:
    """`folder/<name>.jsonl`, one row per line as the `datasets` library exports them (ensure_ascii=False)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text(newline.join(lines) + newline, encoding="utf-8", newline="")
    return path
