"""--preset=paper sets the paper's datasets and gate figure where the user left the default."""

from __future__ import annotations

from argparse import Namespace

from pytest_restgate.core.judge import PAPER_DATASETS, apply_preset
from pytest_restgate.fixtures.items.datasets import parse_dataset_names
from pytest_restgate.reports.paper import published


def test_the_paper_preset_fills_the_defaults() -> None:
    option = Namespace(preset="paper", datasets=None, gate_subset=None, gate_mean=None, limit=150)
    assert apply_preset(option) == ["datasets", "gate_subset", "gate_mean"]
    assert (option.datasets, option.gate_subset, option.gate_mean) == (
        "soebench,mmlu,arc-challenge,gsm-symbolic", "ocr-correct", "datasets")
    assert option.limit == 150  # the paper's item counts are unknown: --limit is kept


def test_what_the_user_chose_wins_and_applying_twice_changes_nothing() -> None:
    option = Namespace(preset="paper", datasets="mmlu", gate_subset="all", gate_mean=None)
    assert apply_preset(option) == ["gate_mean"]
    assert (option.datasets, option.gate_subset, option.gate_mean) == ("mmlu", "all", "datasets")
    assert apply_preset(option) == []  # a worker applying it again sees the controller's values


def test_no_preset_changes_nothing() -> None:
    option = Namespace(preset=None, datasets="soebench", gate_subset=None, gate_mean=None)
    assert apply_preset(option) == [] and option.datasets == "soebench"


def test_the_paper_preset_names_exactly_the_papers_four_datasets() -> None:
    """The `arc` alias would expand to two datasets (a mean over five, ARC weighing 2/5); the preset names one ARC
    split, so the mean over datasets is over the four the published figure averages."""
    option = Namespace(preset="paper", datasets=None, gate_subset=None, gate_mean=None)
    apply_preset(option)
    names = parse_dataset_names(option.datasets)
    assert names == PAPER_DATASETS and len(names) == 4
    assert parse_dataset_names("arc") == ("arc-challenge", "arc-easy")  # why the alias is not used
    assert "four datasets" in published()["figure"]
