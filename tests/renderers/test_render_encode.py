"""PNG bytes, memoisation, content hash and data URIs."""

from __future__ import annotations

import base64
import hashlib
import io

import numpy as np
import pytest
from PIL import Image

from renderers import REST_DEFAULT, content_hash, data_uri, from_data_uri, render, render_png, to_png
from renderers.encode import RENDER_CACHE_SIZE

TEXT = "4A + 5C = 22\n\nWhat is the value of C?"


def test_png_decodes_to_the_rendered_pixels() -> None:
    image = render(TEXT, REST_DEFAULT)
    png = to_png(image)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(png))
    assert decoded.size == image.size
    assert np.array_equal(np.asarray(decoded.convert("RGB")), np.asarray(image))
    assert decoded.info["dpi"] == pytest.approx((200, 200), abs=0.01)


def test_to_png_is_deterministic() -> None:
    assert to_png(render(TEXT, REST_DEFAULT)) == to_png(render(TEXT, REST_DEFAULT))


def test_render_png_is_memoised_and_bounded() -> None:
    render_png.cache_clear()
    first = render_png(TEXT, REST_DEFAULT)
    again = render_png(TEXT, REST_DEFAULT)
    assert again is first
    info = render_png.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (1, 1, RENDER_CACHE_SIZE)
    assert first == to_png(render(TEXT, REST_DEFAULT))


def test_content_hash_is_sha256_hex() -> None:
    png = render_png(TEXT, REST_DEFAULT)
    assert content_hash(png) == hashlib.sha256(png).hexdigest()
    assert len(content_hash(png)) == 64
    assert content_hash(png) != content_hash(render_png(TEXT + "!", REST_DEFAULT))


def test_data_uri_round_trip() -> None:
    png = render_png(TEXT, REST_DEFAULT)
    uri = data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png
    assert from_data_uri(uri) == png


def test_data_uri_rejects_non_png() -> None:
    with pytest.raises(ValueError, match="PNG"):
        data_uri(b"GIF89a...")
    with pytest.raises(ValueError, match="data URI"):
        from_data_uri("data:image/jpeg;base64,AAAA")
