"""Shared fixtures of the representation tests: five SoEBench items and the tiny model folders built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_restgate.fixtures.evaluation.prompts import INSTRUCTIONS
from pytest_restgate.fixtures.items import soebench
from pytest_restgate.fixtures.items.item import Item

SEED = 2512
N_ITEMS = 5


@pytest.fixture(scope="session")
def repr_items() -> list[Item]:
    return soebench.generate(N_ITEMS, SEED)


@pytest.fixture(scope="session")
def repr_corpus(repr_items: list[Item]) -> list[str]:
    return [*INSTRUCTIONS.values(), *(i.full_text for i in repr_items)]


@pytest.fixture(scope="session")
def llava_dir(tmp_path_factory: pytest.TempPathFactory, repr_corpus: list[str]) -> Path:
    pytest.importorskip("torch")
    from tinyvlm import build_llava

    return build_llava(tmp_path_factory.mktemp("llava"), repr_corpus)


@pytest.fixture(scope="session")
def idefics3_dir(tmp_path_factory: pytest.TempPathFactory, repr_corpus: list[str]) -> Path:
    pytest.importorskip("torch")
    from tinyvlm import build_idefics3

    return build_idefics3(tmp_path_factory.mktemp("idefics3"), repr_corpus)
