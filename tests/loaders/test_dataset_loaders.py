"""Every loader on local files in the hub schemas: forms, ids, gold answers, meta and where rows came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_rows import arc_row, gsm_row, mmlu_row, write_jsonl

from fixtures.answers import extract_answer
from fixtures.datasets import load_items
from fixtures.items import SEPARATOR

FIVE = ["one", "two", "three", "four", "five"]


def load_all(name: str, folder: Path):
    return load_items(name, data_dir=folder, limit=None, seed=0)


def test_mmlu_forms_ids_and_gold(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, "mmlu", [
        mmlu_row("Which planet is closest to the Sun?", "astronomy", answer=0),
        mmlu_row("Which planet has the most moons?", "astronomy", ["Mars", "Earth", "Saturn", "Venus"], 2),
        mmlu_row("Which bone is in the upper arm?", "anatomy", ["femur", "humerus", "tibia", "ulna"], 1),
    ])
    result = load_all("mmlu", tmp_path)
    assert result.source == str(path) and result.rows == 3 and result.kept == 3
    assert [item.id for item in result.items] == [
        "mmlu/anatomy/0000", "mmlu/astronomy/0000", "mmlu/astronomy/0001"]
    moons = result.items[2]
    assert moons.stem == "Which planet has the most moons?"
    assert moons.tail == "A. Mars\nB. Earth\nC. Saturn\nD. Venus"
    assert moons.full_text == moons.stem + SEPARATOR + moons.tail
    assert (moons.gold, moons.answer_kind, moons.dataset, moons.marker) == ("C", "letter", "mmlu", "mmlu")
    assert dict(moons.meta) == {"subject": "astronomy"}
    assert [item.gold for item in result.items] == ["B", "A", "C"]


def test_mmlu_carriage_returns_become_newlines(tmp_path: Path) -> None:
    question = "Consider the program below.\r\nx = 1\r\nWhat is x?\r\n"
    write_jsonl(tmp_path, "mmlu", [mmlu_row(question, "computer_security", ["1", "2\r\n", "3", "4"])],
                newline="\r\n")
    (item,) = load_all("mmlu", tmp_path).items
    assert item.stem == "Consider the program below.\nx = 1\nWhat is x?"
    assert item.tail == "A. 1\nB. 2\nC. 3\nD. 4"
    assert "\r" not in item.full_text


def test_arc_numeric_labels_map_to_letters_and_keep_the_original(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "arc-challenge", [
        arc_row("NUM_1", labels=["1", "2", "3", "4"], key="3"),
        arc_row("THREE_1", texts=["solid", "liquid", "gas"], key="B"),
        arc_row("FIVE_1", texts=FIVE, labels=["A", "B", "C", "D", "E"], key="E"),
        arc_row("FIVE_2", texts=FIVE, labels=["1", "2", "3", "4", "5"], key="4"),
    ])
    items = {item.id: item for item in load_all("arc-challenge", tmp_path).items}
    numeric = items["arc-challenge/NUM_1"]
    assert numeric.gold == "C"
    assert numeric.tail == "A. a mirror\nB. the Moon\nC. a candle flame\nD. a window"
    assert dict(numeric.meta) == {"config": "ARC-Challenge", "answer_key": "3", "labels": "1,2,3,4"}
    three = items["arc-challenge/THREE_1"]
    assert (three.tail, three.gold) == ("A. solid\nB. liquid\nC. gas", "B")
    assert items["arc-challenge/FIVE_1"].tail.splitlines()[-1] == "E. five"
    assert items["arc-challenge/FIVE_1"].gold == "E"
    five_numeric = items["arc-challenge/FIVE_2"]
    assert (five_numeric.gold, dict(five_numeric.meta)["answer_key"]) == ("D", "4")
    assert {item.dataset for item in items.values()} == {"arc-challenge"}
    assert {item.marker for item in items.values()} == {"arc_challenge"}


def test_arc_easy_uses_its_own_file_name_and_ids(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "arc-easy", [arc_row("Mercury_TEST_7")])
    (item,) = load_all("arc-easy", tmp_path).items
    assert (item.id, item.dataset, item.marker) == ("arc-easy/Mercury_TEST_7", "arc-easy", "arc_easy")
    assert dict(item.meta)["config"] == "ARC-Easy"


@pytest.mark.parametrize(("final", "gold"), [
    ("7", "7"), ("7.5", "7.5"), ("1,234", "1234"), ("-12", "-12"), ("$1,234.50", "1234.5"), ("12.0", "12"),
    ("0.25", "0.25"), ("1,000,000", "1000000"),
])
def test_gsm_gold_is_the_number_after_the_marker(tmp_path: Path, final: str, gold: str) -> None:
    write_jsonl(tmp_path, "gsm-symbolic", [gsm_row(3, 1, answer=f"Step one.\nStep two.\n#### {final}")])
    (item,) = load_all("gsm-symbolic", tmp_path).items
    assert (item.gold, item.answer_kind) == (gold, "number")
    assert extract_answer(f"Working...\nAnswer: {final}", "number") == item.gold  # same normalisation


def test_gsm_forms_ids_and_configs(tmp_path: Path) -> None:
    question = ("A baker bakes 12 loaves each hour. She works 3 hours and sells 30 loaves. "
                "How many loaves are left?")
    for name in ("gsm-symbolic", "gsm-symbolic-p1", "gsm-symbolic-p2"):
        write_jsonl(tmp_path, name, [gsm_row(10, 2, question, "12 * 3 - 30 = 6\n#### 6"),
                                     gsm_row(2, 0, answer="#### 7")])
    for name, config in (("gsm-symbolic", "main"), ("gsm-symbolic-p1", "p1"), ("gsm-symbolic-p2", "p2")):
        items = load_all(name, tmp_path).items
        assert [item.id for item in items] == [f"gsm-symbolic/{config}/2-0", f"gsm-symbolic/{config}/10-2"]
        baker = items[1]
        assert baker.stem == "A baker bakes 12 loaves each hour. She works 3 hours and sells 30 loaves."
        assert baker.tail == "How many loaves are left?"
        assert (baker.dataset, baker.marker, baker.gold) == ("gsm-symbolic", "gsm_symbolic", "6")
        assert dict(baker.meta) == {"config": config, "instance": "2", "original_id": "10"}


def test_parquet_needs_pyarrow_or_reads_it(tmp_path: Path) -> None:
    import importlib.util

    import pandas as pd

    from fixtures.datasets import DatasetUnavailable

    frame = pd.DataFrame([mmlu_row(answer=1), mmlu_row("Which gas do plants take in?", "biology",
                                                       ["oxygen", "carbon dioxide", "helium", "neon"], 1)])
    path = tmp_path / "mmlu.parquet"
    if importlib.util.find_spec("pyarrow") is None:
        path.write_bytes(b"PAR1 not read")
        with pytest.raises(DatasetUnavailable) as info:
            load_all("mmlu", tmp_path)
        assert "'pyarrow'" in str(info.value) and "pip install pyarrow" in str(info.value)
        assert "mmlu.jsonl" in str(info.value) and str(path) in str(info.value)
    else:
        frame.to_parquet(path)
        result = load_all("mmlu", tmp_path)
        assert [(item.id, item.gold) for item in result.items] == [
            ("mmlu/astronomy/0000", "B"), ("mmlu/biology/0000", "B")]
        assert result.source == str(path)


def test_parquet_values_from_pandas_become_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas gives list columns as ndarrays, ARC's struct column as a dict of ndarrays, numpy ints."""
    import numpy as np
    import pandas as pd

    from fixtures.datasets import sources

    record = {"id": "PQ_1", "question": "Which is a mammal?",
              "choices": {"text": np.array(["shark", "whale", "trout"], dtype=object),
                          "label": np.array(["1", "2", "3"], dtype=object)},
              "answerKey": "2"}
    frame = pd.DataFrame([record])
    (tmp_path / "arc-easy.parquet").write_bytes(b"PAR1")
    monkeypatch.setattr(sources, "have_pyarrow", lambda: True)
    monkeypatch.setattr(pd, "read_parquet", lambda path, engine: frame)
    (item,) = load_all("arc-easy", tmp_path).items
    assert (item.id, item.tail, item.gold) == ("arc-easy/PQ_1", "A. shark\nB. whale\nC. trout", "B")
    assert sources.to_plain({"n": np.int64(3), "xs": np.array([1, 2])}) == {"n": 3, "xs": [1, 2]}
    assert type(sources.to_plain(np.int64(3))) is int
