"""Helpers shared by the model-layer tests (imported by name: tests/models is on sys.path in pytest's
default import mode). The fixtures that use them live in this folder's conftest.py.
"""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Awaitable
from typing import Any, TypeVar

from PIL import Image, ImageDraw

from fixtures.models.aliases import ModelSpec
from fixtures.models.cache import ResponseCache
from fixtures.models.client import CallResult, ModelClient

SENTINEL_KEY = "sk-restgate-SENTINEL-7f3c9a1e5b2d4068"
T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    """Run one coroutine on a fresh event loop (the suite runs its own loop; tests need no plugin)."""

    async def _main() -> T:
        return await awaitable

    return asyncio.run(_main())


def png_bytes(text: str = "3A + 2B - C = 17", size: tuple[int, int] = (240, 60)) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((8, 20), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def image_message(png: bytes, question: str = "Transcribe the image.") -> list[dict[str, Any]]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": question},
                {"type": "image_url", "image_url": {"url": data_uri(png)}},
            ],
        }
    ]


def text_message(text: str = "What is 2 + 2?") -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def make_client(spec: ModelSpec, cache: ResponseCache | None, **overrides: Any) -> ModelClient:
    """A client with test-sized backoff so retry tests stay fast."""
    options: dict[str, Any] = {
        "timeout_s": 5.0,
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_max_s": 2.0,
    }
    options.update(overrides)
    return ModelClient(spec, cache=cache, **options)


async def ask(
    client: ModelClient,
    messages: list[dict[str, Any]],
    *,
    prompt_version: str = "p1",
    purpose: str = "text",
    max_tokens: int = 64,
) -> CallResult:
    return await client.call(
        messages, max_tokens=max_tokens, prompt_version=prompt_version, renderer_version="r1", purpose=purpose
    )
