"""Token selection rules, pooling, cosine and retrieval on hand-made values (no model, no torch)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from pytest_restgate.reports.representation.pooling import cosine, layer_curve, mean_pool, retrieval_accuracy
from pytest_restgate.reports.representation.tokens import (
    TokenSelectionError,
    align_to_row,
    image_positions,
    image_token_id,
    span_positions,
    text_span,
)


def test_image_positions_pick_only_the_placeholder() -> None:
    assert image_positions([5, 9, 9, 9, 7, 9, 2], 9) == [1, 2, 3, 5]
    assert image_positions([5, 7], 9) == []


def test_image_token_id_from_config_then_text_config_then_processor() -> None:
    assert image_token_id(SimpleNamespace(image_token_id=151655)) == 151655
    assert image_token_id(SimpleNamespace(image_token_index=32000)) == 32000
    assert image_token_id(SimpleNamespace(text_config=SimpleNamespace(image_token_id=7))) == 7
    assert image_token_id(SimpleNamespace(), SimpleNamespace(image_token_id=3)) == 3
    with pytest.raises(TokenSelectionError, match="no image token"):
        image_token_id(SimpleNamespace())


def test_text_span_is_the_last_occurrence_and_missing_text_is_named() -> None:
    prompt = "USER: Solve 1+1 below. 1+1 ASSISTANT:"
    assert text_span(prompt, "1+1") == (23, 26)
    with pytest.raises(TokenSelectionError, match="soebench/0003"):
        text_span(prompt, "2+2", "soebench/0003")


def test_span_positions_keep_every_overlapping_token_and_no_special_token() -> None:
    # prompt "ab.-cd ef": tokens "ab"(0,2) ".-"(2,4) "cd"(4,6) "ef"(7,9), a special token (0,0); text = "-cd ef"
    offsets = [(0, 0), (0, 2), (2, 4), (4, 6), (7, 9)]
    assert span_positions(offsets, (3, 9)) == [2, 3, 4]  # ".-" holds the text's first character: kept
    assert span_positions(offsets, (2, 9)) == [2, 3, 4]
    assert span_positions(offsets, (4, 6)) == [3]  # touching a token's edge is no overlap
    assert span_positions([(0, 3), (3, 6)], (2, 6)) == [0, 1]  # "xy|z": one of three chars inside


@pytest.mark.parametrize("row_ids,row_mask,expected", [
    ([10, 11, 12, 13, 0, 0], [1, 1, 1, 1, 0, 0], [1, 2]),  # right padding
    ([0, 0, 10, 11, 12, 13], [0, 0, 1, 1, 1, 1], [3, 4]),  # left padding
])
def test_align_to_row_follows_padding(row_ids: list[int], row_mask: list[int], expected: list[int]) -> None:
    assert align_to_row([10, 11, 12, 13], [1, 2], row_ids, row_mask) == expected


def test_align_to_row_refuses_a_different_tokenisation() -> None:
    with pytest.raises(TokenSelectionError, match="differ"):
        align_to_row([10, 11], [1], [10, 12], [1, 1], "soebench/0001")


def test_mean_pool_per_layer() -> None:
    hidden = np.arange(2 * 4 * 3, dtype=np.float32).reshape(2, 4, 3)  # 2 layers, 4 tokens, 3 dims
    pooled = mean_pool(hidden, [1, 3])
    np.testing.assert_allclose(pooled, [[6.0, 7.0, 8.0], [18.0, 19.0, 20.0]])
    with pytest.raises(ValueError, match="empty"):
        mean_pool(hidden, [])


def test_cosine_known_values() -> None:
    a = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    b = np.array([[0.0, 2.0], [2.0, 2.0], [1.0, 0.0]])
    np.testing.assert_allclose(cosine(a, b), [0.0, 1.0, 0.0])


def test_retrieval_on_a_planted_case() -> None:
    rng = np.random.default_rng(0)
    images = rng.normal(size=(6, 16))
    texts = images + 0.01 * rng.normal(size=(6, 16))  # each text right beside its own image
    assert retrieval_accuracy(images, texts) == (1.0, 1.0)
    swapped = texts[[1, 0, 2, 3, 4, 5]]  # items 0 and 1 exchange partners: both directions miss exactly 2 of 6
    assert retrieval_accuracy(images, swapped) == pytest.approx((4 / 6, 4 / 6))
    hub = texts.copy()
    hub[:] = texts[0]  # every text is the same vector: image→text finds row 0 for all, text→image ties to 0
    i2t, t2i = retrieval_accuracy(images, hub)
    assert i2t == pytest.approx(1 / 6) and t2i == pytest.approx(1 / 6)


def test_layer_curve_length_maxima_and_per_item() -> None:
    rng = np.random.default_rng(1)
    n, layers, dim = 5, 3, 8
    images = rng.normal(size=(n, layers + 1, dim))
    texts = rng.normal(size=(n, layers + 1, dim))
    texts[:, 2] = images[:, 2]  # layer 2: the forms coincide
    curve = layer_curve(images, texts)
    assert len(curve.cosine) == len(curve.image_to_text) == len(curve.text_to_image) == layers + 1
    assert curve.best_layer == 2 and curve.cosine[2] == pytest.approx(1.0)
    assert curve.maxima()["image_to_text"] == {"max": 1.0, "layer": 2}
    assert len(curve.per_item) == n and all(len(r) == layers + 1 for r in curve.per_item)
    expected = np.mean([cosine(images[i, 0], texts[i, 0]) for i in range(n)])
    assert curve.cosine[0] == pytest.approx(float(expected))
    with pytest.raises(ValueError, match="layers"):
        layer_curve(images, texts[:, :2])
