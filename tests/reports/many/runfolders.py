"""Run folders made by the tests themselves: results.jsonl records and a summary.json from `build_summary`,
the same writer a live run uses, so the cross-run commands read what they will read in use."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_restgate.core.evidence import EVIDENCE_KEY, evidence
from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.summary import build_summary


@dataclass(frozen=True)
class U:
    """One unit: its answers (text, image, mixed), the gold answer and the OCR CER."""

    item_id: str
    answers: tuple[str | None, str | None, str | None]
    gold: str = "7"
    cer: float = 0.0
    dataset: str = "soebench"
    error: bool = False


@dataclass(frozen=True)
class Spec:
    model: str
    units: list[U]
    seed: int = 2512
    started: float = 1_790_000_000.0
    shard: str | None = None
    gate_passed: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    digests: bool = False
    """Records carry unit and item digests, as a live run's do (merge checks shards by them); off by default so
    the cross-run commands' tests keep matching units by id."""


STYLE = "dejavu-200dpi"


def item_digest(u: U) -> str:
    """A stand-in for the item's content digest (it decides the unit's shard, as in a live run)."""
    return hashlib.sha256(f"{u.dataset}|{u.item_id}|{u.gold}".encode()).hexdigest()


def records(spec: Spec) -> list[dict[str, Any]]:
    out = []
    for u in spec.units:
        digests = {"item_digest": item_digest(u), "digest": hashlib.sha256(f"{item_digest(u)}|{STYLE}".encode())
                   .hexdigest()}
        base = {**(digests if spec.digests else {}),
                "item_id": u.item_id, "dataset": u.dataset, "style": STYLE, "strategy": "direct",
                "model": f"hosted_vllm/{spec.model}", "gold": u.gold, "prompt_tokens": 100,
                "completion_tokens": 10, "cost_usd": 0.001, "latency_s": 0.1, "cached": False}
        out.append({**base, "modality": "ocr", "answer": None, "correct": None, "response": "ocr", "cer": u.cer,
                    "error": None})
        for m, a in zip(ANSWER_MODALITIES, u.answers, strict=True):
            out.append({**base, "modality": m, "answer": a, "correct": a == u.gold, "response": f"Answer: {a}",
                        "cer": None, "error": "HTTP 500" if u.error and m == "image" else None})
    return out


def make_run(root: Path, spec: Spec) -> Path:
    """Write a run folder named like a live run's; return its path."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(spec.started))
    path = root / f"{stamp}-{spec.model}"
    path.mkdir(parents=True)
    recs = records(spec)
    (path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    outcomes = Outcomes()
    for u in spec.units:
        if u.error:
            outcomes.errors.append({"test": u.item_id, "when": "setup", "message": "HTTP 500"})
        elif len(set(u.answers)) == 1 and None not in u.answers:
            outcomes.passed += 1
        else:
            outcomes.inconsistent += 1
    run = {"model": spec.model, "model_id": f"hosted_vllm/{spec.model}", "seed": spec.seed, "limit": 150,
           "datasets": sorted({u.dataset for u in spec.units}), "strategies": ["direct"], "rest_plus": False,
           "default_style": "dejavu-200dpi", "shard": spec.shard, **spec.extra}
    summary = build_summary(recs, outcomes, run, primary_strategy="direct", started=spec.started)
    summary["gate_passed"] = spec.gate_passed
    summary[EVIDENCE_KEY] = evidence(path / "results.jsonl", recs)
    (path / "summary.json").write_text(json.dumps(summary))
    return path


def units_of(pattern: str, gold: str = "7") -> list[U]:
    """Units from a compact pattern: 'c' consistent and right, 'i' inconsistent (text right), 'w' consistent
    and wrong, 'o' consistent but misread (OCR CER 0.2), 'e' errored."""
    wrong = "8" if gold != "8" else "9"
    table = {"c": ((gold, gold, gold), 0.0, False), "i": ((gold, wrong, gold), 0.0, False),
             "w": ((wrong, wrong, wrong), 0.0, False), "o": ((gold, gold, gold), 0.2, False),
             "e": ((gold, gold, gold), 0.0, True)}
    out = []
    for n, ch in enumerate(pattern):
        answers, cer, error = table[ch]
        out.append(U(f"soebench/{n:04d}", answers, gold, cer, error=error))
    return out


def reseal(folder: Path) -> None:
    """After a test rewrote a folder's results.jsonl on purpose (as the run would have written it): record the
    new file's evidence in its summary.json, as the live run does."""
    path = folder / "summary.json"
    summary = json.loads(path.read_text())
    lines = (folder / "results.jsonl").read_text().splitlines()
    summary[EVIDENCE_KEY] = evidence(folder / "results.jsonl", [json.loads(line) for line in lines])
    path.write_text(json.dumps(summary))
