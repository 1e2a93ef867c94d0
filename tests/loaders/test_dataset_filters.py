"""The paper's filters (800 characters, LaTeX) with their counts, and the seeded sample."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from dataset_rows import arc_row, gsm_row, mmlu_row, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from fixtures.datasets import MAX_CHARS, has_latex, latex_match, load_items
from fixtures.datasets.convert import split_question
from fixtures.datasets.filters import sample
from fixtures.items import Item

LATEX = [
    "Find $x$ if $2x = 6$.",
    "the diagonal is $5\\sqrt{5}$, find the area",
    "How long will it take $\\$300$ to grow?",
    "at an $x\\%$ interest rate",
    "Simplify $$\\sqrt{2}$$",
    "Solve \\(x^2 = 4\\).",
    "Evaluate \\[ \\int_0^1 x \\, dx \\]",
    "Let B = {m + n : (m, n) \\in A}.",
    "\\frac{1}{2}",
    "\\begin{pmatrix} 1 & 0 \\end{pmatrix}",
    "What is \\alpha + \\beta?",
    "the group \\mathfrak{g}",
    "x^{2} + 1",
    "the formula CsCl_{2}",
]
PLAIN = [
    "She sells eggs for $3 per egg and milk for $2 per litre.",
    "The price of labor is $2, and the price of capital is $1.",
    "It costs between $5-$10.",
    "A. About $300\nB. About $3k\nC. About $8k",
    "You bought a limousine for $98,000 and earn $245 per hour.",
    "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.",
    'print("Hello\\nWorld")',
    'Path C:\\temp\\notes.txt',
    "The ratio is 3:4 and 10% of $50 is $5.",
]


@pytest.mark.parametrize("text", LATEX)
def test_latex_is_detected(text: str) -> None:
    assert has_latex(text), text


@pytest.mark.parametrize("text", PLAIN)
def test_prices_code_and_ascii_math_are_not_latex(text: str) -> None:
    assert latex_match(text) is None, text


def test_load_counts_each_dropped_row_once_by_its_first_reason(tmp_path: Path) -> None:
    long_question = "Which of these is true? " + "x" * MAX_CHARS
    write_jsonl(tmp_path, "mmlu", [
        mmlu_row("Which planet is closest to the Sun?"),
        mmlu_row("What is $\\frac{1}{2}$ of 4?", "elementary_mathematics", ["1", "2", "3", "4"], 1),
        mmlu_row(long_question, "logic"),
        mmlu_row(long_question + " $x$", "logic"),  # both: counted as too long only
        mmlu_row("A pen costs $2 and a book $5. What do both cost?", "elementary_mathematics",
                 ["$3", "$5", "$7", "$10"], 2),
    ])
    result = load_items("mmlu", data_dir=tmp_path, limit=None, seed=0)
    assert result.dropped == {"too_long": 2, "latex": 1, "no_question_split": 0}
    assert (result.rows, result.kept) == (5, 2)
    assert [item.id for item in result.items] == ["mmlu/astronomy/0000", "mmlu/elementary_mathematics/0001"]


def test_the_limit_is_800_characters_of_full_text_options_included(tmp_path: Path) -> None:
    choices = ["one", "two", "three", "four"]
    tail = "\n".join(f"{letter}. {text}" for letter, text in zip("ABCD", choices, strict=True))
    room = MAX_CHARS - len("\n\n" + tail)
    write_jsonl(tmp_path, "mmlu", [mmlu_row("q" * room, "fits", choices),
                                   mmlu_row("q" * (room + 1), "over", choices)])
    result = load_items("mmlu", data_dir=tmp_path, limit=None, seed=0)
    (kept,) = result.items
    assert (kept.id, len(kept.full_text)) == ("mmlu/fits/0000", MAX_CHARS)
    assert result.dropped["too_long"] == 1


def test_gsm_problem_of_one_sentence_is_dropped_and_counted(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "gsm-symbolic", [
        gsm_row(0, 0), gsm_row(1, 0, "How many legs do 3 cats have?", "3 * 4 = 12\n#### 12")])
    result = load_items("gsm-symbolic", data_dir=tmp_path, limit=None, seed=0)
    assert [item.id for item in result.items] == ["gsm-symbolic/main/0-0"]
    assert result.dropped == {"too_long": 0, "latex": 0, "no_question_split": 1}


def _items(n: int) -> list[Item]:
    return [Item(id=f"mmlu/s/{i:04d}", dataset="mmlu", stem=f"q{i}", tail="A. x", gold="A",
                 answer_kind="letter") for i in range(n)]


def test_sample_is_seeded_nested_sorted_and_independent_of_row_order() -> None:
    items = _items(60)
    first = sample(items, 10, seed=7)
    assert first == sample(items, 10, seed=7)
    shuffled = items[:]
    random.Random(1).shuffle(shuffled)
    assert sample(shuffled, 10, seed=7) == first
    assert list(first) == sorted(first, key=lambda item: item.id)
    assert set(first) <= set(sample(items, 25, seed=7))
    assert sample(items, 10, seed=8) != first
    assert len(set(first)) == 10
    assert sample(items, 100, seed=7) == tuple(items) == sample(items, None, seed=7)
    with pytest.raises(ValueError, match="positive"):
        sample(items, 0, seed=7)


def test_load_items_samples_after_filtering(tmp_path: Path) -> None:
    rows = [mmlu_row(f"Question {i}?", "astronomy") for i in range(30)]
    rows += [mmlu_row(f"What is ${i}x$?", "algebra") for i in range(30)]
    write_jsonl(tmp_path, "mmlu", rows)
    result = load_items("mmlu", data_dir=tmp_path, limit=12, seed=3)
    assert len(result.items) == 12 and result.dropped["latex"] == 30
    assert all(item.id.startswith("mmlu/astronomy/") for item in result.items)
    assert result.items == load_items("mmlu", data_dir=tmp_path, limit=12, seed=3).items


def test_the_same_seed_picks_the_same_items_whatever_the_file_order(tmp_path: Path) -> None:
    rows = [arc_row(f"TEST_{i}", question=f"Question {i}?") for i in range(40)]
    write_jsonl(tmp_path, "arc-easy", rows)
    first = load_items("arc-easy", data_dir=tmp_path, limit=9, seed=11).items
    random.Random(5).shuffle(rows)
    write_jsonl(tmp_path, "arc-easy", rows)
    assert load_items("arc-easy", data_dir=tmp_path, limit=9, seed=11).items == first
    assert load_items("arc-easy", data_dir=tmp_path, limit=9, seed=12).items != first


def test_ids_sort_naturally() -> None:
    items = [Item(id=f"gsm-symbolic/main/{t}-{i}", dataset="gsm-symbolic", stem="s", tail="t", gold="1",
                  answer_kind="number") for t, i in ((10, 0), (2, 1), (2, 0), (1, 10))]
    assert [item.id for item in sample(items, None, 0)] == [
        "gsm-symbolic/main/1-10", "gsm-symbolic/main/2-0", "gsm-symbolic/main/2-1", "gsm-symbolic/main/10-0"]


@pytest.mark.parametrize(("text", "body", "question"), [
    ("Ann has 3 pens. Bo has 2. How many pens do they have?", "Ann has 3 pens. Bo has 2.",
     "How many pens do they have?"),
    ("Is it big? Ann has 3 pens. How many pens? Round to the nearest pen.", "Is it big? Ann has 3 pens.",
     "How many pens? Round to the nearest pen."),
    ("Mr. Lee buys 4 pens at $2.50 each. How much does Mr. Lee pay?", "Mr. Lee buys 4 pens at $2.50 each.",
     "How much does Mr. Lee pay?"),
    ("Ann has 3 pens. Find the number of pens she has left after giving 1 away.", "Ann has 3 pens.",
     "Find the number of pens she has left after giving 1 away."),
    ('Ann says "I have 3 pens." How many pens does Ann have?', 'Ann says "I have 3 pens."',
     "How many pens does Ann have?"),
    ("It is 8 a.m. now. She leaves at 9 a.m. and walks home.\nHow long does she wait?",
     "It is 8 a.m. now. She leaves at 9 a.m. and walks home.", "How long does she wait?"),
])
def test_split_question(text: str, body: str, question: str) -> None:
    assert split_question(text) == (body, question)


def test_split_question_needs_a_body() -> None:
    assert split_question("How many pens does Ann have?") is None
    assert split_question("How many pens? Ann has 3.") is None  # the only question comes first: no body


_VOCABULARY = ["Ann", "has", "3", "pens", "and", "$2.50", "each", "Bo", "buys", "12,000", "Mr.", "i.e."]
_WORDS = st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=6).map(" ".join)


@given(st.lists(_WORDS, min_size=1, max_size=5), _WORDS)
def test_split_question_keeps_every_word_in_order(statements: list[str], asked: str) -> None:
    body = " ".join(f"{s[0].upper()}{s[1:]}." for s in statements)
    question = f"How many {asked}?"
    assert split_question(f"{body} {question}") == (body, question)
