"""Which token positions hold the item's content: the image placeholders, or the tokens of the item's text.

Why this matters: the score compares the model's view of the *same content* in two forms, so the chat template,
the role tags and the instruction must never enter the pool; they are identical across items and would pull every
pair of forms together. Everything here is plain Python over ids and offsets, so it is tested without a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

IMAGE_TOKEN_ATTRIBUTES: tuple[str, ...] = ("image_token_id", "image_token_index")
"""Where the model config keeps the id of its image placeholder (Qwen2-VL, Idefics3: the first; LLaVA: both)."""


class TokenSelectionError(ValueError):
    """The content tokens could not be found: the message names the item and what to check."""


def image_token_id(config: Any, processor: Any = None) -> int:
    """The id of the image placeholder token, from the model config (or the processor when the config lacks it)."""
    for source in (config, getattr(config, "text_config", None), processor):
        for attr in IMAGE_TOKEN_ATTRIBUTES:
            value = getattr(source, attr, None) if source is not None else None
            if isinstance(value, int):
                return value
    raise TokenSelectionError(
        "the model config names no image token (image_token_id / image_token_index): "
        "is this a vision-language model folder?"
    )


def image_positions(input_ids: Sequence[int], token_id: int) -> list[int]:
    """Positions of the image placeholder tokens: the slots the vision encoder's output fills."""
    return [i for i, t in enumerate(input_ids) if int(t) == token_id]


def text_span(prompt: str, text: str, item_id: str = "") -> tuple[int, int]:
    """Character span of the item's text inside the rendered chat prompt (its last occurrence).

    The last one: templates put the user content after any system text, and the instruction never repeats it.
    """
    start = prompt.rfind(text)
    if start < 0 or not text:
        raise TokenSelectionError(
            f"item {item_id}: its text does not occur verbatim in the chat prompt; the chat template rewrites "
            "the content (strip, escape), so the text tokens cannot be told from the template's"
        )
    return start, start + len(text)


def span_positions(offsets: Sequence[tuple[int, int]], span: tuple[int, int]) -> list[int]:
    """Positions of the tokens that overlap `span` by at least one character.

    Every such token carries part of the item's text, so all are kept. A byte-level BPE token often straddles the
    boundary: the template's space or newline glued to the first word (`Ġ3`, `Ċ3x`), or the last character glued
    to the template's next space. A majority rule dropped such a first token whenever the word was short (one
    character in, one out), so the pool lost the item's first content token in most items; the template
    characters a kept token also holds are one or two bytes of whitespace, identical across items. Special
    tokens (empty offsets) never count.
    """
    lo, hi = span
    return [i for i, (a, b) in enumerate(offsets) if b > a and min(b, hi) > max(a, lo)]


def align_to_row(own_ids: Sequence[int], own_positions: Sequence[int], row_ids: Sequence[int],
                 row_mask: Sequence[int], item_id: str = "") -> list[int]:
    """Map positions in the prompt's own tokenisation onto its row of a padded batch (left or right padding).

    The attended tokens of the row must be exactly the prompt's own tokens; anything else means the processor
    tokenised differently from the tokenizer, and the positions would be wrong.
    """
    attended = [i for i, m in enumerate(row_mask) if int(m)]
    if [int(row_ids[i]) for i in attended] != [int(t) for t in own_ids]:
        raise TokenSelectionError(
            f"item {item_id}: the processor's tokens differ from the tokenizer's for the same prompt; "
            "the text positions cannot be mapped (report the model and transformers version)"
        )
    return [attended[p] for p in own_positions]
