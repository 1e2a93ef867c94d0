"""The items to feed: rebuilt from a run folder's own settings, or from a dataset selection.

A run folder stores results, not item text; but collection depends only on (datasets, limit, seed, data_dir),
so the same settings rebuild the same items (the property every xdist worker already relies on).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pytest_restgate.core.summary import Summary, from_json
from pytest_restgate.fixtures.items.item import Item


class SourceError(ValueError):
    """The run folder or the selection cannot give items: the message says what to fix."""


@dataclass(frozen=True)
class Selection:
    """The four settings collection reads (`pytest_restgate.fixtures.items.collection.collect_items`)."""

    datasets: tuple[str, ...]
    limit: int | None
    seed: int
    data_dir: Path | None


def read_summary(run_dir: Path) -> Summary:
    """summary.json of a run folder, typed (pytest_restgate/core/summary.py), or a one-line error naming it."""
    path = run_dir / "summary.json"
    if not path.is_file():
        raise SourceError(f"{run_dir} has no summary.json: pass a restgate run folder (reports/runs/<time>-<model>)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("run"), dict):
        raise SourceError(f"{path} has no 'run' block: was it written by restgate?")
    try:
        return from_json(data)
    except ValueError as exc:
        raise SourceError(f"{path}: {exc}") from None


def selection_from_run(run_dir: Path) -> Selection:
    """The selection a run was collected with, from summary.json's `run` block."""
    run = read_summary(run_dir).run.raw
    settings = run.get("settings", run)
    try:
        datasets = tuple(str(d) for d in settings["datasets"])
        seed = int(settings["seed"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(f"{run_dir}/summary.json: the run block lacks datasets or seed") from None
    limit = settings.get("limit")
    data_dir = settings.get("data_dir")
    return Selection(datasets, int(limit) if limit else None, seed, Path(data_dir) if data_dir else None)


def parse_selection(datasets: str, limit: int | None, seed: int, data_dir: Path | None) -> Selection:
    """A selection from command-line values, checked as pytest's options are."""
    from pytest_restgate.fixtures.items.datasets import parse_dataset_names

    try:
        names = parse_dataset_names(datasets)
    except ValueError as exc:
        raise SourceError(f"--datasets: {exc}") from None
    if limit is not None and limit < 0:
        raise SourceError(f"--limit must be 0 (all) or a positive number, not {limit}")
    if data_dir is not None and not data_dir.is_dir():
        raise SourceError(f"--data-dir {data_dir} is not a folder")
    return Selection(names, limit or None, seed, data_dir)


def collect(selection: Selection, only: set[str] | None = None) -> list[Item]:
    """The items of the selection (in collection order), keeping only the ids in `only` when given."""
    from pytest_restgate.fixtures.items.collection import collect_items
    from pytest_restgate.fixtures.settings import Settings

    # collect_items reads exactly these four attributes; a full Settings would drag in pytest's option set.
    collection = collect_items(cast(Settings, selection))
    for name, why in collection.unavailable.items():
        raise SourceError(f"dataset {name} is unavailable: {why}")
    items = list(collection.items)
    return [i for i in items if i.id in only] if only is not None else items
