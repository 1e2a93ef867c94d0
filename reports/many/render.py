"""Rendered pictures of flipped items for the compare page, remade from what the run folder says.

Run folders keep answers, not the items; SoEBench items are regenerated from the run's seed (the generator is
deterministic), and an item is only shown when the regenerated one has the recorded gold answer. Items of
loaded datasets would need the dataset files, so for them the page says why no picture is shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pytest_restgate.reports.many.runs import Run

MAX_PICTURES = 40


def item_images(run: Run, flips: pd.DataFrame) -> tuple[dict[tuple[str, str], str], str]:
    """{(item_id, style): base64 PNG} for the flips that can be re-rendered, and why the others are not."""
    if flips.empty:
        return {}, ""
    seed = run.info.seed
    if seed is None:
        return {}, "not re-rendered: the run folder records no seed"
    try:
        from pytest_restgate.fixtures.evaluation.thumbnails import thumbnail
        from pytest_restgate.fixtures.items import soebench
        from pytest_restgate.renderers import REST_DEFAULT, REST_PLUS_STYLES
    except ImportError as exc:  # pragma: no cover - run from a checkout, these are always there
        return {}, f"not re-rendered: {exc}"
    styles: dict[str, Any] = {s.name: s for s in (REST_DEFAULT, *REST_PLUS_STYLES)}
    wanted = flips[flips["dataset_a" if "dataset_a" in flips else "dataset"] == "soebench"].head(MAX_PICTURES)
    if wanted.empty:
        return {}, "not re-rendered: only SoEBench items can be regenerated from the seed (answers shown)"
    numbers = [int(str(i).rsplit("/", 1)[-1]) for i in wanted["item_id_a"] if str(i).rsplit("/", 1)[-1].isdigit()]
    items = {i.id: i for i in soebench.generate(max(numbers, default=-1) + 1, int(seed))}
    out = {}
    for _, r in wanted.iterrows():
        item, style = items.get(str(r["item_id_a"])), styles.get(str(r["style_a"]))
        if item is not None and style is not None and item.gold == str(r["gold_a"]):
            out[(str(r["item_id_a"]), str(r["style_a"]))] = thumbnail(item, style)
    return out, "not re-rendered: not a SoEBench item of this seed (answers shown)"
