"""Write a restgate run folder (summary.json + results.jsonl) the way the results plugin does, for join tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_restgate.core.records import MODALITIES, Record

STYLE = "dejavu-200dpi"


def record(item_id: str, modality: str, answer: str | None, gold: str, style: str = STYLE) -> Record:
    return Record(
        item_id=item_id, dataset=item_id.split("/")[0], style=style, modality=modality,  # type: ignore[typeddict-item]
        strategy="direct", model="tiny", gold=gold, answer=answer,
        correct=None if modality == "ocr" else answer == gold, response=f"Answer: {answer}",
        cer=0.0 if modality == "ocr" else None, prompt_tokens=10, completion_tokens=5, cost_usd=0.0,
        latency_s=0.01, cached=False, error=None)


Answers = Mapping[str, tuple[str | None, str | None, str | None]]


def write_run(folder: Path, answers: Answers, *, seed: int = 2512, limit: int = 5, rer: float | None = None,
              pooled_rer: float | None = None) -> Path:
    """`answers`: item id -> (text, image, mixed) answers; gold is the text answer. Returns the folder.

    `rer` is the paper's headline RER (metrics.paper); `pooled_rer` the all-unit pooled one (default: the same)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for item_id, (text, image, mixed) in answers.items():
        by_modality = {"ocr": "", "text": text, "image": image, "mixed": mixed}
        lines += [json.dumps(record(item_id, m, by_modality[m], text or "")) for m in MODALITIES]
    (folder / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    consistent = sum(len(set(a)) == 1 for a in answers.values())
    summary: dict[str, Any] = {
        "schema": "test",
        "run": {"model": "tiny", "datasets": ["soebench"], "limit": limit, "seed": seed, "data_dir": None,
                "default_style": STYLE},
        "primary_strategy": "direct",
        "metrics": {"micro": {"rer": consistent / len(answers) if pooled_rer is None and rer is None
                              else (rer if pooled_rer is None else pooled_rer)},
                    "paper": {"rer": consistent / len(answers) if rer is None else rer}},
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder
