"""Mean-pooling, cosine and retrieval over per-layer hidden states: the score of Shukor & Cord, in numpy.

Shapes: one form of one item pools to `[layers + 1, hidden]` (the embeddings' output, then every layer's).
A set of N items stacks to `[N, layers + 1, hidden]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def mean_pool(hidden: NDArray[np.floating], positions: Sequence[int]) -> Array:
    """Mean over the given token positions, per layer: `[layers + 1, tokens, hidden]` -> `[layers + 1, hidden]`."""
    if len(positions) == 0:
        raise ValueError("no content tokens to pool: the selection is empty")
    return np.asarray(hidden, dtype=np.float64)[:, list(positions), :].mean(axis=1)


def _unit(x: Array) -> Array:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)


def cosine(a: Array, b: Array) -> Array:
    """Cosine along the last axis (a zero vector has cosine 0 with everything)."""
    return np.sum(_unit(a) * _unit(b), axis=-1)


def retrieval_accuracy(images: Array, texts: Array) -> tuple[float, float]:
    """Within the set, the share of items whose own partner is the most similar: (image→text, text→image).

    `images`, `texts`: `[N, hidden]`, row i of each is the same item. A tie goes to the lower index, so a
    degenerate layer (all rows equal) scores 1/N-ish rather than a flattering 1.
    """
    sim = _unit(images) @ _unit(texts).T
    target = np.arange(len(sim))
    i2t = float(np.mean(np.argmax(sim, axis=1) == target))
    t2i = float(np.mean(np.argmax(sim, axis=0) == target))
    return i2t, t2i


@dataclass(frozen=True)
class LayerCurve:
    """Per layer (index 0 = the embeddings): mean cosine of the two forms and retrieval both ways."""

    cosine: tuple[float, ...]
    image_to_text: tuple[float, ...]
    text_to_image: tuple[float, ...]
    per_item: tuple[tuple[float, ...], ...]
    """Cosine per item (rows) and layer (columns)."""

    @property
    def best_layer(self) -> int:
        """The layer where the two forms are closest on average (the first, if several tie)."""
        return int(np.argmax(self.cosine))

    def maxima(self) -> dict[str, dict[str, float | int]]:
        """The maximum over layers of each curve, and where it is."""
        out: dict[str, dict[str, float | int]] = {}
        for name, values in (("cosine", self.cosine), ("image_to_text", self.image_to_text),
                             ("text_to_image", self.text_to_image)):
            layer = int(np.argmax(values))
            out[name] = {"max": float(values[layer]), "layer": layer}
        return out


def layer_curve(images: Array, texts: Array) -> LayerCurve:
    """The per-layer curve of a set: `images`, `texts` are `[N, layers + 1, hidden]`, row i the same item."""
    images, texts = np.asarray(images, dtype=np.float64), np.asarray(texts, dtype=np.float64)
    if images.shape != texts.shape or images.ndim != 3:
        raise ValueError(f"image and text pools must both be [N, layers+1, hidden], got {images.shape} and "
                         f"{texts.shape}")
    per_item = cosine(images, texts)  # [N, layers + 1]
    retrieval = [retrieval_accuracy(images[:, k], texts[:, k]) for k in range(images.shape[1])]
    return LayerCurve(
        cosine=tuple(float(v) for v in per_item.mean(axis=0)),
        image_to_text=tuple(r[0] for r in retrieval),
        text_to_image=tuple(r[1] for r in retrieval),
        per_item=tuple(tuple(float(v) for v in row) for row in per_item),
    )
