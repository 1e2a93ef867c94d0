"""The rendered item's picture as a PNG file beside report.html, linked from its row, not inlined in it.

Why: a base64 thumbnail in every row was most of report.html (8.5 MB at 1,500 REST+ units, 4 KB a row) and of
what the controller held until the end. A worker now makes a picture only for a unit that did not hold
(fixtures/evaluation/runtime.py), and the controller writes it into `thumbnails/` beside the report and shows it
as a lazily loaded image: the page stays small and opens fast, and a person reviewing a failure still sees the
page the model saw (click for the file itself). Copy the run folder, not report.html alone, to keep them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from html import escape
from pathlib import Path
from typing import Any

PICTURE_NAME = "rendered item"
"""The extra's name on the setup report (reports/extras.py) and on the row's HTML that replaces it."""
FOLDER = "thumbnails"


def file_name(nodeid: str) -> str:
    """A readable, unique PNG name for a test: its parameter id, cleaned and cut, and a digest of the node id."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", nodeid.split("[", 1)[-1]).strip("-.")[:80]
    return f"{readable}-{hashlib.sha256(nodeid.encode()).hexdigest()[:10]}.png"


def picture_html(src: str) -> str:
    """The row's picture: loaded only when the row is shown, a link to the full file."""
    src = escape(src, quote=True)
    return (f'<a href="{src}" target="_blank"><img loading="lazy" src="{src}" alt="{PICTURE_NAME}" '
            'style="max-width:480px;border:1px solid #ccc" title="the page the model saw"></a>')


def _png(extra: dict[str, Any]) -> bytes | None:
    if extra.get("name") != PICTURE_NAME or extra.get("format_type") != "image":
        return None
    try:
        return base64.b64decode(str(extra.get("content", "")), validate=True)
    except (binascii.Error, ValueError):
        return None


def externalise(report: Any, folder: Path) -> None:
    """Write the report's inline picture to `folder` and put a link to it in its place (controller only)."""
    extras = getattr(report, "extras", None)
    if not extras:
        return
    kept = []
    for extra in extras:
        png = _png(extra)
        if png is None:
            kept.append(extra)
            continue
        name = file_name(report.nodeid)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
        kept.append({**extra, "format_type": "html", "mime_type": None, "extension": None,
                     "content": picture_html(f"{folder.name}/{name}")})
    report.extras = kept


__all__ = ["FOLDER", "PICTURE_NAME", "externalise", "file_name", "picture_html"]
