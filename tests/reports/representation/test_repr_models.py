"""Token selection and pooling on tiny LLaVA and Idefics3 models loaded from their saved folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pytest_restgate.fixtures.evaluation.prompts import instruction
from pytest_restgate.fixtures.items.item import Item

torch = pytest.importorskip("torch")

from pytest_restgate.reports.representation.pooling import mean_pool  # noqa: E402
from pytest_restgate.reports.representation.runner import Loaded, encode, load, pool_form, pool_items, prompt_of  # noqa: E402

FAMILIES = ("llava_dir", "idefics3_dir")


@pytest.fixture(scope="module", params=FAMILIES)
def loaded(request: pytest.FixtureRequest) -> Loaded:
    folder: Path = request.getfixturevalue(request.param)
    return load(str(folder), "cpu")


def _tokens(loaded: Loaded, ids: list[int]) -> list[str]:
    return [str(t) for t in loaded.processor.tokenizer.convert_ids_to_tokens(ids)]


def test_loaded_from_folder_with_its_own_template(loaded: Loaded, repr_items: list[Item]) -> None:
    prompt = prompt_of(loaded, repr_items[0], "text")
    assert repr_items[0].full_text in prompt
    assert instruction(repr_items[0].answer_kind, "text") in prompt
    assert prompt != instruction(repr_items[0].answer_kind, "text") + repr_items[0].full_text  # template around


@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_text_positions_are_exactly_the_items_text(loaded: Loaded, repr_items: list[Item], padding_side: str) -> None:
    """Every token wholly inside the item's text is pooled, nothing wholly outside it is.

    LLaVA's template separates the parts with a space, so the pooled tokens are the text's own tokenisation;
    SmolVLM's glues the instruction's final '.' to the text, and the straddling token stays out (half in).
    """
    tokenizer = loaded.processor.tokenizer
    tokenizer.padding_side = padding_side
    try:
        inputs, rows = encode(loaded, repr_items[:3], "text")
    finally:
        tokenizer.padding_side = "right"
    ids, mask = inputs["input_ids"].tolist(), inputs["attention_mask"].tolist()
    for row, item in enumerate(repr_items[:3]):
        prompt = prompt_of(loaded, item, "text")
        lo = prompt.rindex(item.full_text)
        hi = lo + len(item.full_text)
        offsets = tokenizer(prompt, return_offsets_mapping=True)["offset_mapping"]
        attended = [p for p, m in enumerate(mask[row]) if m]
        inside = {attended[k] for k, (a, b) in enumerate(offsets) if b > a and lo <= a and b <= hi}
        touching = {attended[k] for k, (a, b) in enumerate(offsets) if min(b, hi) > max(a, lo)}
        assert inside <= set(rows[row]) <= touching
        assert len(inside) > 10
        own = tokenizer(item.full_text, add_special_tokens=False)["input_ids"]
        if "llava" in loaded.name:
            assert [ids[row][p] for p in rows[row]] == own  # the text's tokens, in order, nothing else
        assert rows[row] == list(range(rows[row][0], rows[row][-1] + 1))  # one contiguous run
        words = set(_tokens(loaded, [ids[row][p] for p in attended if p not in rows[row]]))
        assert {"Solve", "problem"} <= words  # the instruction is there, and not pooled


def test_image_positions_are_exactly_the_image_tokens(loaded: Loaded, repr_items: list[Item]) -> None:
    from tinyvlm import IMAGE_TOKENS

    inputs, rows = encode(loaded, repr_items[:2], "image")
    ids = inputs["input_ids"].tolist()
    token = loaded.image_token_id
    for row in range(2):
        assert len(rows[row]) == IMAGE_TOKENS
        assert [p for p, t in enumerate(ids[row]) if t == token] == rows[row]
        assert {ids[row][p] for p in rows[row]} == {token}
        assert "<fake_token_around_image>" not in _tokens(loaded, [ids[row][p] for p in rows[row]])


def test_pooled_vectors_are_the_mean_of_the_selected_hidden_states(loaded: Loaded, repr_items: list[Item]) -> None:
    """Batched pooling (padding, two items of different length) equals pooling each item alone by hand."""
    pooled, counts = pool_form(loaded, repr_items[:2], "text", batch_size=2)
    layers = loaded.model.config.get_text_config().num_hidden_layers
    assert pooled.shape == (2, layers + 1, 32)
    for k, item in enumerate(repr_items[:2]):
        inputs, rows = encode(loaded, [item], "text")
        with torch.inference_mode():
            hidden = loaded.model(**inputs, output_hidden_states=True).hidden_states
        by_hand = mean_pool(np.stack([h[0].float().numpy() for h in hidden]), rows[0])
        assert counts[k] == len(rows[0])
        np.testing.assert_allclose(pooled[k], by_hand, rtol=1e-4, atol=1e-5)


def test_both_forms_give_one_vector_per_layer(loaded: Loaded, repr_items: list[Item]) -> None:
    pooled = pool_items(loaded, repr_items, batch_size=4)
    layers = loaded.model.config.get_text_config().num_hidden_layers
    assert pooled.text.shape == pooled.image.shape == (len(repr_items), layers + 1, 32)
    assert pooled.item_ids == tuple(i.id for i in repr_items)
    assert all(n > 10 for n in pooled.text_tokens)
    assert np.isfinite(pooled.text).all() and np.isfinite(pooled.image).all()
    assert not np.allclose(pooled.text, pooled.image)
