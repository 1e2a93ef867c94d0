"""Without `--data-dir` the rows come from the pinned hub revision via `datasets`, or the run says why not.

The `datasets` library is not a dependency; these tests put a stand-in module in its place (no network).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from dataset_rows import arc_row, mmlu_row

from fixtures.datasets import DatasetUnavailable, get_spec, load_items


def fake_library(monkeypatch: pytest.MonkeyPatch, load_dataset: Any) -> None:
    module = types.ModuleType("datasets")
    module.load_dataset = load_dataset  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", module)


def test_no_library_and_no_data_dir_says_so_and_how_to_supply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    with pytest.raises(DatasetUnavailable) as info:
        load_items("mmlu", data_dir=None, limit=5, seed=0)
    message = str(info.value)
    assert "no local file was given (no --data-dir)" in message
    assert "'datasets' library is not installed" in message
    assert "put mmlu.jsonl (or mmlu.parquet) in --data-dir DIR" in message
    assert "cais/mmlu all/test schema: question, subject, choices, answer" in message


def test_a_namespace_folder_called_datasets_is_not_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", types.ModuleType("datasets"))
    with pytest.raises(DatasetUnavailable, match="not installed"):
        load_items("arc-easy", data_dir=None, limit=None, seed=0)


def test_rows_come_from_the_pinned_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def load_dataset(path: str, name: str, *, split: str, revision: str) -> list[dict[str, Any]]:
        calls.append((path, name, split, revision))
        return [arc_row("HUB_1", labels=["1", "2", "3", "4"], key="2"), arc_row("HUB_2")]

    fake_library(monkeypatch, load_dataset)
    result = load_items("arc-challenge", data_dir=None, limit=None, seed=0)
    assert calls == [("allenai/ai2_arc", "ARC-Challenge", "test", "210d026faf9955653af8916fad021475a3f00453")]
    assert [(item.id, item.gold) for item in result.items] == [
        ("arc-challenge/HUB_1", "B"), ("arc-challenge/HUB_2", "C")]
    assert result.source == "hf://allenai/ai2_arc@210d026 ARC-Challenge/test"


def test_an_unreachable_hub_is_unavailable_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def load_dataset(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Couldn't reach 'cais/mmlu' on the Hub (LocalEntryNotFoundError)")

    fake_library(monkeypatch, load_dataset)
    with pytest.raises(DatasetUnavailable) as info:
        load_items("mmlu", data_dir=None, limit=None, seed=0)
    message = str(info.value)
    assert "could not load hf://cais/mmlu@c30699e all/test from the Hugging Face hub" in message
    assert "ConnectionError: Couldn't reach 'cais/mmlu'" in message
    assert get_spec("mmlu").how_to_supply() in message


def test_hub_rows_get_the_same_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures.datasets import DatasetError

    fake_library(monkeypatch, lambda *args, **kwargs: [mmlu_row(), mmlu_row(answer=7)])
    with pytest.raises(DatasetError, match=r"hf://cais/mmlu@c30699e all/test, row 2, field 'answer'"):
        load_items("mmlu", data_dir=None, limit=None, seed=0)
