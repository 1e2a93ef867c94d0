"""Feed each item's text form and image form through a local model and pool the content tokens per layer.

The model's own processor and chat template build both inputs, with the same instruction restgate sends (only
`below` / `in the image` differs), so the two forms differ only where the content is. Hidden states come from
one forward pass with `output_hidden_states=True`; only the pooled vectors are kept, on the CPU, as float64.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from pytest_restgate.fixtures.evaluation.prompts import instruction
from pytest_restgate.fixtures.items.item import Item
from pytest_restgate.reports.representation.pooling import Array, mean_pool
from pytest_restgate.reports.representation.tokens import (
    TokenSelectionError,
    align_to_row,
    image_positions,
    image_token_id,
    span_positions,
    text_span,
)

Form = Literal["text", "image"]
Device = Literal["auto", "cpu", "cuda"]


class ModelLoadError(RuntimeError):
    """The model folder could not be loaded: the message names the folder and what to install or pass."""


@dataclass(frozen=True)
class Loaded:
    """A model, its processor and where it runs."""

    model: Any
    processor: Any
    device: str
    name: str

    @property
    def image_token_id(self) -> int:
        return image_token_id(self.model.config, self.processor)


@dataclass(frozen=True)
class Pooled:
    """Per item (rows, in input order): the pooled content of each form, `[N, layers + 1, hidden]`."""

    item_ids: tuple[str, ...]
    text: Array
    image: Array
    text_tokens: tuple[int, ...]
    image_tokens: tuple[int, ...]


def pick_device(device: Device) -> str:
    """`auto`: CUDA when torch sees a GPU, else the CPU. `cuda` without a GPU is an error, not a silent CPU run."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError("--device cuda: torch sees no GPU (is the CUDA build of torch installed?)")
    return device


def load(model_dir: str, device: Device = "auto") -> Loaded:
    """Load a Hugging Face model folder (or a hub id where the hub is reachable) and its processor."""
    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor

    local = Path(model_dir).expanduser()
    if local.exists() or model_dir.startswith((".", "/", "~")) or model_dir.count("/") > 1:
        if not (local / "config.json").is_file():
            raise ModelLoadError(f"--model-dir {model_dir}: no config.json there; pass a Hugging Face model folder")
        model_dir = str(local)
    where = pick_device(device)
    dtype = torch.bfloat16 if where == "cuda" else torch.float32
    try:
        processor: Any = AutoProcessor.from_pretrained(model_dir)
        model: Any = AutoModelForImageTextToText.from_pretrained(model_dir, dtype=dtype)
    except (OSError, ValueError, ImportError, AttributeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(f"cannot load a vision-language model from {model_dir}: {first}") from None
    if getattr(processor, "chat_template", None) is None:
        raise ModelLoadError(f"{model_dir}: the processor has no chat template (chat_template.jinja); the forms "
                             "must be built with the model's own template")
    model.to(where).eval()
    return Loaded(model=model, processor=processor, device=where, name=Path(str(model_dir)).name or str(model_dir))


def messages(item: Item, form: Form) -> list[dict[str, Any]]:
    """The chat of one form, in the processor's format: restgate's instruction, then the content."""
    head = {"type": "text", "text": instruction(item.answer_kind, form)}
    content = {"type": "text", "text": item.full_text} if form == "text" else {"type": "image"}
    return [{"role": "user", "content": [head, content]}]


def page(item: Item) -> Any:
    """The item rendered exactly as the image modality sends it (the same PNG bytes), as an RGB image."""
    from PIL import Image

    from pytest_restgate.renderers import REST_DEFAULT, render_png

    return Image.open(io.BytesIO(render_png(item.full_text, REST_DEFAULT.for_item(item.id)))).convert("RGB")


def prompt_of(loaded: Loaded, item: Item, form: Form) -> str:
    return str(loaded.processor.apply_chat_template(messages(item, form), add_generation_prompt=True,
                                                    tokenize=False))


def _text_positions(loaded: Loaded, item: Item, prompt: str) -> tuple[list[int], list[int]]:
    """The prompt's own token ids and the positions of the item's text among them."""
    tokenizer = getattr(loaded.processor, "tokenizer", loaded.processor)
    if not getattr(tokenizer, "is_fast", False):
        raise TokenSelectionError(f"{loaded.name}: a fast tokenizer (tokenizer.json) is needed for offsets")
    enc = tokenizer(prompt, return_offsets_mapping=True)
    positions = span_positions([tuple(o) for o in enc["offset_mapping"]], text_span(prompt, item.full_text, item.id))
    if not positions:
        raise TokenSelectionError(f"item {item.id}: no token of its text found in the prompt")
    return list(enc["input_ids"]), positions


def _batches(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _forward(loaded: Loaded, inputs: Any) -> list[Any]:
    """Hidden states of every layer (embeddings first) for one batch, as float32 CPU tensors."""
    import torch

    inputs = inputs.to(loaded.device)
    with torch.inference_mode():
        out = loaded.model(**inputs, output_hidden_states=True, logits_to_keep=1)
    return [h.float().cpu() for h in out.hidden_states]


def encode(loaded: Loaded, batch: Sequence[Item], form: Form) -> tuple[Any, list[list[int]]]:
    """The processor's batch for one form, and per row the positions of the item's content tokens."""
    prompts = [prompt_of(loaded, item, form) for item in batch]
    if form == "image":
        inputs = loaded.processor(text=prompts, images=[[page(i)] for i in batch], padding=True, return_tensors="pt")
    else:
        inputs = loaded.processor(text=prompts, padding=True, return_tensors="pt")
    ids, mask = inputs["input_ids"].tolist(), inputs["attention_mask"].tolist()
    rows: list[list[int]] = []
    for row, item in enumerate(batch):
        if form == "image":
            positions = image_positions(ids[row], loaded.image_token_id)
            if not positions:
                raise TokenSelectionError(f"item {item.id}: no image token ({loaded.image_token_id}) in the image form")
        else:
            own_ids, own = _text_positions(loaded, item, prompts[row])
            positions = align_to_row(own_ids, own, ids[row], mask[row], item.id)
        rows.append(positions)
    return inputs, rows


def pool_form(loaded: Loaded, items: Sequence[Item], form: Form, batch_size: int = 4,
              progress: Callable[[int], None] | None = None) -> tuple[Array, list[int]]:
    """`[N, layers + 1, hidden]` pooled content of one form, and the number of content tokens per item."""
    pooled: list[Array] = []
    counts: list[int] = []
    for batch in _batches(items, max(1, batch_size)):
        inputs, rows = encode(loaded, batch, form)
        stacked = np.stack([h.numpy() for h in _forward(loaded, inputs)], axis=1)  # [B, layers + 1, T, H]
        for row, positions in enumerate(rows):
            pooled.append(mean_pool(stacked[row], positions))
            counts.append(len(positions))
        if progress is not None:
            progress(len(batch))
    return np.stack(pooled), counts


def pool_items(loaded: Loaded, items: Sequence[Item], batch_size: int = 4,
               progress: Callable[[int], None] | None = None) -> Pooled:
    """Both forms of every item."""
    text, text_counts = pool_form(loaded, items, "text", batch_size, progress)
    image, image_counts = pool_form(loaded, items, "image", batch_size, progress)
    return Pooled(tuple(i.id for i in items), text, image, tuple(text_counts), tuple(image_counts))
