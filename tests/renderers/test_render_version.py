"""RENDERER_VERSION must change whenever the pixels do: cached model answers are keyed on it."""

from __future__ import annotations

import hashlib

import pytest

from pytest_restgate.renderers import RENDERER_VERSION, REST_DEFAULT, REST_PLUS_STYLES, render

REFERENCE = (
    "3A + 2B - C = 17\n4A + 5C = 22\nA + B + C = 9\n\nWhat is the value of A + B?\n\n"
    + "A ball is thrown upward at 20 m/s from a 40 m building; when does it pass the other one? " * 3
    + "\n\tA) 19.6 m\n\tB) 20.4 m\n"
    + "x" * 120
)

PIXEL_HASHES = {
    "1+pillow13.0.0+freetype2.14.3": "cb1e5cd7b09ef4a84182647d97cae85b50386b70d7b232edad4debd9575a8778",
    # Revision 2 added the per-character fallback face; the reference page has no character any face lacks,
    # so its pixels (and hash) are unchanged: plain pages keep their renderings, by design.
    "2+pillow13.0.0+freetype2.14.3": "cb1e5cd7b09ef4a84182647d97cae85b50386b70d7b232edad4debd9575a8778",
}
"""sha256 over the reference page in every style, per RENDERER_VERSION. When this test fails, pixels moved:
look at the new renderings, bump `_LAYOUT_REVISION` in renderers/__init__.py if the change is ours, and record
the new hash under the new version."""


def _pixel_hash() -> str:
    digest = hashlib.sha256()
    for style in (REST_DEFAULT, *REST_PLUS_STYLES):
        # As RGB: black pages are drawn in greyscale ("L"), which must not move a single pixel value.
        image = render(REFERENCE, style.for_item("soebench/0000")).convert("RGB")
        digest.update(f"{style.name}:{image.mode}:{image.size}".encode())
        digest.update(image.tobytes())
    return digest.hexdigest()


def test_version_names_its_inputs() -> None:
    assert "pillow" in RENDERER_VERSION and "freetype" in RENDERER_VERSION


def test_pixels_match_the_pin_for_this_version() -> None:
    if RENDERER_VERSION not in PIXEL_HASHES:
        pytest.fail(
            f"no pinned pixel hash for RENDERER_VERSION {RENDERER_VERSION!r} (Pillow or FreeType changed?): "
            f"inspect the renderings and add {RENDERER_VERSION!r}: {_pixel_hash()!r} to PIXEL_HASHES"
        )
    assert _pixel_hash() == PIXEL_HASHES[RENDERER_VERSION], (
        "rendered pixels changed without a RENDERER_VERSION bump: bump _LAYOUT_REVISION in "
        "renderers/__init__.py and pin the new hash"
    )
