"""summary.json stays at most 1 MB for REST+ at the paper's size (1,500 items x 10 renderings = 15,000 units).

Why (issue 26): every listing reads every folder's summary.json, and at 150 REST+ items it was already 936 KB,
growing per unit: the unit rows (about 540 bytes each) and the evidence's list of every unit digest. The rows now
go to units.jsonl beside it (reports/summaryfile.py) and the evidence carries a count and one sha256. This test
builds the summary of 15,000 synthetic units through the real builder and writer, and checks the size (not a
time) and that nothing was lost: the rows read back whole and the evidence counts every unit.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from pytest_restgate.core.evidence import digests_sha256, evidence
from pytest_restgate.core.records import Record
from pytest_restgate.core.summary import UNITS_FILE, from_json
from pytest_restgate.renderers import REST_DEFAULT, REST_PLUS_STYLES
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.summary import build_summary
from pytest_restgate.reports.summaryfile import read_document, write_summary

ITEMS = 1_500
LIMIT = 1_000_000


def _records(items: int) -> list[Record]:
    """Four records (OCR, text, image, mixed) per item and REST+ style, in the core Record shape."""
    out = []
    for i in range(items):
        item = f"soebench/{i:04d}"
        item_digest = hashlib.sha256(item.encode()).hexdigest()
        for style in REST_PLUS_STYLES:
            digest = hashlib.sha256(f"{item}|{style.name}".encode()).hexdigest()
            for modality in ("ocr", "text", "image", "mixed"):
                answer = None if modality == "ocr" else ("4" if (i + len(style.name)) % 7 == 0 and
                                                        modality == "image" else "3")
                out.append({
                    "item_id": item, "dataset": "soebench", "style": style.name, "modality": modality,
                    "strategy": "direct", "model": "m", "gold": "3", "answer": answer,
                    "correct": None if modality == "ocr" else answer == "3", "response": f"Answer: {answer}",
                    "cer": (i % 3) / 100 if modality == "ocr" else None, "prompt_tokens": 120,
                    "completion_tokens": 6, "cost_usd": 0.0001, "latency_s": 0.3,
                    "cached": modality == "text" and style is not REST_PLUS_STYLES[0], "error": None,
                    "finish_reason": "stop", "digest": digest, "item_digest": item_digest, "colour": None,
                    "fallback_chars": "",
                })
    return out  # type: ignore[return-value]


@pytest.mark.slow
def test_summary_json_of_15000_rest_plus_units_is_at_most_1_mb(tmp_path: Path) -> None:
    records = _records(ITEMS)
    styles = [s.name for s in REST_PLUS_STYLES]
    run = {"model": "m", "model_id": "openai/m", "default_style": REST_DEFAULT.name, "styles": styles,
           "style_facts": {s.name: {"font": s.font, "dpi": s.dpi, "coloured": False} for s in REST_PLUS_STYLES},
           "datasets": ["soebench"], "rest_plus": True}
    doc = build_summary(records, Outcomes(passed=ITEMS * len(styles)), run, primary_strategy="direct",
                        started=time.time())
    results = tmp_path / "results.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in records[:100]))  # the digest of some file
    doc["evidence"] = evidence(results, records)
    path = write_summary(tmp_path, doc)
    size = path.stat().st_size
    assert size <= LIMIT, f"summary.json is {size:,} bytes at {len(doc['units']):,} units"
    units = ITEMS * len(styles)
    back = read_document(tmp_path)
    assert len(back["units"]) == units and back["units"] == json.loads(json.dumps(doc["units"]))
    summary = from_json(json.loads(path.read_text()))
    assert summary.units_file == UNITS_FILE and summary.units == ()
    assert summary.evidence is not None and summary.evidence.units == units
    assert summary.evidence.units_sha256 == digests_sha256(str(r["digest"]) for r in records)
    assert summary.metrics.micro["n_units"] == units
