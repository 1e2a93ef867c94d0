"""PNG bytes, memoisation, content hash and data URIs."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from pytest_restgate.renderers import REST_DEFAULT, data_uri, decode_data_uri, from_data_uri, render, render_png, to_png
from pytest_restgate.renderers.encode import RENDER_CACHE_SIZE

TEXT = "4A + 5C = 22\n\nWhat is the value of C?"


def test_png_decodes_to_the_rendered_pixels() -> None:
    image = render(TEXT, REST_DEFAULT)
    png = to_png(image)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(png))
    assert decoded.size == image.size and decoded.mode == image.mode  # black pages stay greyscale
    assert np.array_equal(np.asarray(decoded), np.asarray(image))
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


def test_decode_data_uri_gives_the_media_type_and_bytes_or_none() -> None:
    png = render_png(TEXT, REST_DEFAULT)
    assert decode_data_uri(data_uri(png)) == ("image/png", png)
    assert decode_data_uri("DATA:image/JPEG;BASE64,AAAA") == ("image/jpeg", b"\x00\x00\x00")
    for bad in ("data:image/png;base64,not base64!", "data:text/plain,hello", "https://example.com/a.png", ""):
        assert decode_data_uri(bad) is None


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
