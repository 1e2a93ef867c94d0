"""PNG bytes and their data URIs: what the prompts send, and the one place base64 image payloads are decoded."""

from __future__ import annotations

import base64
import binascii
import io
from functools import lru_cache

from PIL import Image

from pytest_restgate.renderers.canvas import render
from pytest_restgate.renderers.memo import active_page_memo
from pytest_restgate.renderers.styles import RenderStyle

PNG_COMPRESS_LEVEL = 1
"""zlib level (lossless at any level: only the size moves). On a greyscale 200 DPI page of 650 characters (CPU
time): level 1 takes 4.8 ms for 47 KB, level 6 (Pillow's default) 9.8 ms for 38 KB; RGB pages took 16.3 ms at
level 6. A 1,500-item run encodes 3,000 pages on a two-core machine, where those milliseconds add up to seconds
of wall time; 10 KB more per request is nothing next to what a provider bills (pixels, not bytes)."""

RENDER_CACHE_SIZE = 512
"""PNGs kept by `render_png`: one item is rendered for OCR, image and mixed prompts; 512 pages at 200 DPI
hold about 15 MB."""


def to_png(image: Image.Image) -> bytes:
    """`image` as PNG bytes, identical for identical pixels (no timestamps or other varying chunks)."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"compress_level": PNG_COMPRESS_LEVEL}
    if "dpi" in image.info:
        options["dpi"] = image.info["dpi"]
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_png(text: str, style: RenderStyle) -> bytes:
    """`render` then `to_png`, memoised by (text, style): the same page is needed by several prompts. With a page
    memo in use (renderers/memo.py: a run with a response cache) a page drawn by an earlier run is read back."""
    memo = active_page_memo()
    png = memo.get(text, style) if memo is not None else None
    if png is None:
        png = to_png(render(text, style))
        if memo is not None:
            memo.put(text, style, png)
    return png


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_data_uri(text: str, style: RenderStyle) -> str:
    """`render_png` as a data URI, memoised: every prompt showing the page carries the very same string object,
    so the response cache hashes it once (its digest memo is keyed by the string) instead of per call."""
    return data_uri(render_png(text, style))


def data_uri(png: bytes) -> str:
    """`png` as a `data:image/png;base64,...` URI, the form OpenAI-style image content parts take."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("data_uri expects PNG bytes (use to_png or render_png)")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def decode_data_uri(uri: str) -> tuple[str, bytes] | None:
    """(media type, bytes) of a `data:<type>;base64,<payload>` URI; None for anything else or bad base64."""
    head, sep, payload = uri.partition(",")
    if not sep or not head.lower().startswith("data:") or not head.lower().endswith(";base64"):
        return None
    try:
        return head[5:-7].lower(), base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def from_data_uri(uri: str) -> bytes:
    """The PNG bytes inside a `data:image/png;base64,...` URI (what a local provider receives)."""
    decoded = decode_data_uri(uri)
    if decoded is None or decoded[0] != "image/png":
        raise ValueError(f"not a base64 PNG data URI: {uri[:40]!r}...")
    return decoded[1]
