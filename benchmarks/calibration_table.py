"""The reference model's per-style calibration table (docs/calibration.md) from one or more REST+ run folders.

Usage: python benchmarks/calibration_table.py RUN_DIR [RUN_DIR ...]
Reads each folder's results.jsonl (the direct strategy) and prints, per dataset and REST+ style, the units scored,
RER, mean OCR CER (whitespace removed) and the share of units whose OCR was exact, as a Markdown table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytest_restgate.renderers import REST_PLUS_STYLES
from pytest_restgate.reports.metrics import summarise

STYLE_ORDER = [s.name for s in REST_PLUS_STYLES]


def load(folders: list[Path]) -> pd.DataFrame:
    rows = [json.loads(line) for folder in folders
            for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    frame = pd.DataFrame(rows)
    return frame[frame["strategy"] == "direct"]


def table(frame: pd.DataFrame) -> str:
    figures = summarise(frame, by=["dataset", "style"])
    lines = ["| dataset | style | n | RER | OCR CER | OCR-correct share | errors |", "|---|---|---|---|---|---|---|"]
    order = {name: i for i, name in enumerate(STYLE_ORDER)}
    figures = figures.assign(_o=figures["style"].map(order)).sort_values(["dataset", "_o"])
    for row in figures.itertuples(index=False):
        lines.append(f"| {row.dataset} | {row.style} | {row.n} | {row.rer:.3f} | {row.cer_mean:.4f} | "
                     f"{row.ocr_exact_share:.3f} | {row.n_errors} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(load([Path(a) for a in sys.argv[1:]])))
