"""The rendered item's picture: written as a PNG file beside the report, linked lazily from its row."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from types import SimpleNamespace

from PIL import Image

from pytest_restgate.reports.pictures import FOLDER, PICTURE_NAME, externalise, file_name

NODEID = "tests_rest/test_rest_plus.py::test_rest_plus[soebench/0007-ab12cd[courier-50dpi]]"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (40, 20), 200).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_picture_becomes_a_file_beside_the_report_and_a_lazy_link(tmp_path: Path) -> None:
    png = _png()
    responses = {"name": None, "format_type": "html", "content": "<div>Answer: 7</div>", "mime_type": None,
                 "extension": None}
    picture = {"name": PICTURE_NAME, "format_type": "image", "content": base64.b64encode(png).decode(),
               "mime_type": "image/png", "extension": "png"}
    report = SimpleNamespace(nodeid=NODEID, extras=[picture, responses])
    externalise(report, tmp_path / FOLDER)
    written = tmp_path / FOLDER / file_name(NODEID)
    assert written.read_bytes() == png  # the very pixels the worker sent
    link, kept = report.extras
    assert kept == responses
    assert link["format_type"] == "html" and link["name"] == PICTURE_NAME
    assert f'src="{FOLDER}/{written.name}"' in link["content"] and 'loading="lazy"' in link["content"]
    assert "base64" not in link["content"]


def test_a_report_without_a_picture_writes_nothing(tmp_path: Path) -> None:
    report = SimpleNamespace(nodeid=NODEID, extras=[{"name": PICTURE_NAME, "format_type": "image",
                                                     "content": "not base64!"}])
    externalise(report, tmp_path / FOLDER)
    assert not (tmp_path / FOLDER).exists() and report.extras[0]["content"] == "not base64!"


def test_file_names_are_readable_unique_and_safe() -> None:
    names = {file_name(NODEID), file_name(NODEID.replace("0007", "0008")), file_name(NODEID.replace("[", "[../"))}
    assert len(names) == 3
    assert all("/" not in n and n.endswith(".png") and not n.startswith(".") for n in names)
    assert file_name(NODEID).startswith("soebench-0007-ab12cd-courier-50dpi-")
