"""`--datasets` names, aliases and the registry of pinned sources."""

from __future__ import annotations

import pytest

from fixtures.datasets import (
    ALIASES,
    DATASETS,
    NAMES,
    DatasetError,
    DatasetSpec,
    get_spec,
    parse_dataset_names,
)
from fixtures.items import Item


def test_every_issue_name_parses_to_itself() -> None:
    for name in ("soebench", "mmlu", "arc-challenge", "arc-easy", "gsm-symbolic", "gsm-symbolic-p1",
                 "gsm-symbolic-p2"):
        assert parse_dataset_names(name) == (name,)


def test_aliases_expand_in_place_and_duplicates_go() -> None:
    assert parse_dataset_names("mmlu,arc") == ("mmlu", "arc-challenge", "arc-easy")
    assert parse_dataset_names("gsm, soebench") == ("gsm-symbolic", "soebench")
    assert parse_dataset_names("arc-easy,arc,ARC-Easy") == ("arc-easy", "arc-challenge")
    assert parse_dataset_names(" mmlu ,, mmlu ,") == ("mmlu",)


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(DatasetError) as info:
        parse_dataset_names("mmlu,gsm8k,arc-hard")
    message = str(info.value)
    assert "'gsm8k'" in message and "'arc-hard'" in message
    for name in NAMES:
        assert name in message
    assert "arc = arc-challenge+arc-easy" in message
    assert isinstance(info.value, ValueError)  # settings turn ValueErrors into usage errors


def test_empty_list_is_an_error() -> None:
    with pytest.raises(DatasetError, match="no dataset named"):
        parse_dataset_names(" , ")


def test_registry_pins_every_source_to_a_full_commit() -> None:
    assert set(DATASETS) == set(NAMES) - {"soebench"}
    for spec in DATASETS.values():
        assert len(spec.revision) == 40 and int(spec.revision, 16) >= 0
        assert spec.split == "test"
        assert spec.name in spec.how_to_supply() and all(f in spec.how_to_supply() for f in spec.fields)
    assert get_spec("arc-challenge").revision == "210d026faf9955653af8916fad021475a3f00453"
    assert (get_spec("arc-easy").hub_id, get_spec("arc-easy").config) == ("allenai/ai2_arc", "ARC-Easy")
    assert (get_spec("mmlu").hub_id, get_spec("mmlu").config) == ("cais/mmlu", "all")
    assert [get_spec(n).config for n in ("gsm-symbolic", "gsm-symbolic-p1", "gsm-symbolic-p2")] == [
        "main", "p1", "p2"]


def test_every_dataset_maps_to_a_declared_marker() -> None:
    markers = {"mmlu", "arc_challenge", "arc_easy", "gsm_symbolic"}
    for spec in DATASETS.values():
        item = Item(id=f"{spec.name}/x", dataset=spec.dataset, stem="s", tail="t", gold="A",
                    answer_kind="letter")
        assert item.marker in markers


def test_unknown_config_is_an_error_naming_the_valid_ones() -> None:
    with pytest.raises(DatasetError) as info:
        DatasetSpec("gsm-symbolic-p3", "gsm-symbolic", "gsm", "apple/GSM-Symbolic", "p3", "test", "0" * 40)
    assert "'p3'" in str(info.value) and "main, p1, p2" in str(info.value)


def test_get_spec_rejects_soebench_and_unknown_names() -> None:
    with pytest.raises(DatasetError, match="generated"):
        get_spec("soebench")
    with pytest.raises(DatasetError, match="valid: mmlu, arc-challenge"):
        get_spec("arc")  # aliases are for the command line only
    assert set(ALIASES["arc"]) <= set(DATASETS)
