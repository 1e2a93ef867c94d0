"""Bad input names the file, the row and the field; nothing is skipped silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dataset_rows import arc_row, gsm_row, mmlu_row, write_jsonl

from fixtures.datasets import DatasetError, load_items


def load_error(folder: Path, name: str, rows: list[Any]) -> DatasetError:
    path = write_jsonl(folder, name, rows)
    with pytest.raises(DatasetError) as info:
        load_items(name, data_dir=folder, limit=None, seed=0)
    assert info.value.source == str(path)
    return info.value


def test_missing_file_says_which_paths_were_tried(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "mmlu", [mmlu_row()])
    with pytest.raises(DatasetError) as info:
        load_items("arc-challenge", data_dir=tmp_path, limit=None, seed=0)
    message = str(info.value)
    assert str(tmp_path / "arc-challenge.jsonl") in message
    assert str(tmp_path / "arc-challenge.parquet") in message
    assert "id, question, choices, answerKey" in message


def test_two_files_for_one_dataset_are_ambiguous(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "mmlu", [mmlu_row()])
    (tmp_path / "mmlu.parquet").write_bytes(b"PAR1")
    with pytest.raises(DatasetError, match=r"both mmlu\.jsonl and mmlu\.parquet exist"):
        load_items("mmlu", data_dir=tmp_path, limit=None, seed=0)


def test_unknown_dataset_name(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"unknown dataset 'mmlu-pro'; valid: mmlu, arc-challenge"):
        load_items("mmlu-pro", data_dir=tmp_path, limit=None, seed=0)


def test_invalid_json_line_is_named_by_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, "mmlu", [mmlu_row(), "", '{"question": "cut off', mmlu_row()])
    assert error.row == 3 and "not valid JSON" in str(error)


def test_a_row_that_is_not_an_object(tmp_path: Path) -> None:
    error = load_error(tmp_path, "mmlu", [mmlu_row(), '["a", "list"]'])
    assert error.row == 2
    assert "expected an object with fields question, subject, choices, answer" in str(error)


@pytest.mark.parametrize("field", ["question", "subject", "choices", "answer"])
def test_mmlu_missing_field(tmp_path: Path, field: str) -> None:
    row = mmlu_row()
    del row[field]
    error = load_error(tmp_path, "mmlu", [mmlu_row(), mmlu_row(), row])
    assert (error.row, error.field) == (3, field)
    assert str(error) == f"{tmp_path / 'mmlu.jsonl'}, row 3, field {field!r}: missing"


@pytest.mark.parametrize(("row", "field", "words"), [
    (mmlu_row(answer="B"), "answer", "expected an integer, got str 'B'"),
    (mmlu_row(answer=True), "answer", "expected an integer, got bool True"),
    (mmlu_row(answer=1.0), "answer", "expected an integer, got float 1.0"),
    (mmlu_row(answer=4), "answer", "index 4 is out of range for 4 choices"),
    (mmlu_row(answer=-1), "answer", "expected an integer >= 0, got -1"),
    (mmlu_row(choices="A B C D"), "choices", "expected a list of strings, got str"),
    (mmlu_row(choices=["1", 2, "3", "4"]), "choices", "item 1 is int 2, not a string"),
    (mmlu_row(choices=["only"]), "choices", "has 1 entries; expected 2 to 5"),
    (mmlu_row(question=None), "question", "expected a string, got null"),
    (mmlu_row(question=" \r\n "), "question", "is empty"),
    (mmlu_row(subject="high school/physics"), "subject", "is not a subject name"),
])
def test_mmlu_bad_values(tmp_path: Path, row: dict[str, Any], field: str, words: str) -> None:
    error = load_error(tmp_path, "mmlu", [mmlu_row(), row])
    assert (error.row, error.field) == (2, field)
    assert words in str(error)


@pytest.mark.parametrize(("row", "field", "words"), [
    (arc_row(key="E"), "answerKey", "'E' is not among the labels ['A', 'B', 'C', 'D']"),
    (arc_row(labels=["1", "2", "3", "4"], key="D"), "answerKey", "'D' is not among the labels"),
    (arc_row(key=3), "answerKey", "expected a string, got int 3"),
    (arc_row(labels=["A", "B", "C"]), "choices.label", "3 labels for 4 texts"),
    (arc_row(labels=["A", "B", "B", "D"]), "choices.label", "labels repeat"),
    (arc_row(texts=["one", "two", "three", "four", "five", "six"]), "choices.text", "has 6 entries"),
    ({**arc_row(), "choices": ["a", "b"]}, "choices", "expected an object"),
    ({**arc_row(), "choices": {"text": ["a", "b"]}}, "choices.label", "missing"),
    (arc_row(arc_id="has space"), "id", "is not an id"),
])
def test_arc_bad_values(tmp_path: Path, row: dict[str, Any], field: str, words: str) -> None:
    error = load_error(tmp_path, "arc-challenge", [arc_row("OK_1"), row])
    assert (error.row, error.field) == (2, field)
    assert words in str(error)


@pytest.mark.parametrize(("row", "field", "words"), [
    (gsm_row(answer="She has 7 apples. The answer is 7."), "answer", "no final '#### <number>' line"),
    (gsm_row(answer="#### seven"), "answer", "the text after '####' is 'seven', not a number"),
    (gsm_row(answer="#### 7 or 8"), "answer", "not a number"),
    (gsm_row(answer="#### "), "answer", "the text after '####' is '', not a number"),
    (gsm_row(template="0"), "id", "expected an integer, got str '0'"),
    (gsm_row(instance=None), "instance", "expected an integer, got null"),
])
def test_gsm_bad_values(tmp_path: Path, row: dict[str, Any], field: str, words: str) -> None:
    error = load_error(tmp_path, "gsm-symbolic-p1", [gsm_row(5, 5), row])
    assert (error.row, error.field) == (2, field)
    assert words in str(error)


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "arc-easy", [arc_row("DUP_1"), arc_row("OTHER"), arc_row("DUP_1")])
    assert (error.row, error.field) == (3, "id")
    assert "duplicate item id 'arc-easy/DUP_1' (first at row 1)" in str(error)
    error = load_error(tmp_path, "gsm-symbolic", [gsm_row(1, 2), gsm_row(1, 2)])
    assert "duplicate item id 'gsm-symbolic/main/1-2'" in str(error)


def test_the_first_bad_row_fails_the_load_whatever_the_limit(tmp_path: Path) -> None:
    rows: list[Any] = [mmlu_row(f"Question {i}?") for i in range(20)] + [mmlu_row(answer=9)]
    write_jsonl(tmp_path, "mmlu", rows)
    with pytest.raises(DatasetError, match="row 21, field 'answer'"):
        load_items("mmlu", data_dir=tmp_path, limit=1, seed=0)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "mmlu.jsonl").write_bytes(b'{"question": "caf\xe9"}\n')
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_items("mmlu", data_dir=tmp_path, limit=None, seed=0)


def test_limit_must_be_positive(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "mmlu", [mmlu_row()])
    with pytest.raises(ValueError, match="limit must be a positive number"):
        load_items("mmlu", data_dir=tmp_path, limit=0, seed=0)
