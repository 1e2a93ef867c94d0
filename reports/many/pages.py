"""The shell and the table helpers of the static pages (index, leaderboard, compare, trend, merged report).

One inline stylesheet, no script: a page is a single file that opens from disk, a CI artefact or an e-mail.
Every string that came from a model or a file passes through `escape`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.reports.cells import html_cell

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#111;max-width:1500px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 6px}
.sub{color:#555;margin:0 0 14px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
th,td{border:1px solid #d0d0d0;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f3f3}th:first-child,td:first-child{text-align:left}
#restgate-runs td:nth-child(2),#restgate-runs td:last-child,#restgate-leaderboard td:nth-child(2){text-align:left}
tr.ref td{color:#555;background:#fafafa;font-style:italic}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.none{color:#777}
.note{color:#555;font-size:12px;max-width:1000px}
.flex{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.ci{color:#666;font-size:11px}
.mark{display:inline-block;margin-left:4px;padding:0 4px;border-radius:3px;font-size:11px;background:#fff4ce;
color:#7a4b00;font-weight:600}.mark.killed,.mark.incomplete,.mark.budget-stopped{background:#ffebe9;color:#b00020}
code{background:#f4f4f4;padding:0 3px}
img.item{max-width:420px;border:1px solid #ddd}
"""


def fmt(value: Any, digits: int = 3) -> str:
    """A figure for a cell: 3 decimals, an en dash for missing."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return html_cell(value, digits)


def with_ci(value: Any, ci: tuple[float, float] | None) -> str:
    """`0.812 [0.71, 0.88]` with the interval in small grey type."""
    if value is None:
        return "–"
    tail = f' <span class="ci">[{ci[0]:.2f}, {ci[1]:.2f}]</span>' if ci else ""
    return f"{fmt(value)}{tail}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, ident: str = "",
          row_classes: Sequence[str] | None = None) -> str:
    """An HTML table; cells are already-escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    attr = f' id="{ident}"' if ident else ""
    return f"<table{attr}><tr>{head}</tr>{''.join(body)}</table>"


def page(title: str, subtitle: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1><p class=\"sub\">{subtitle}</p>"
            f"{body}</body></html>")


def link(target: Path, base: Path, text: str) -> str:
    """A relative link from a page in `base` to `target`, so the folder can be moved or archived whole."""
    rel = os.path.relpath(target, base)
    return f'<a href="{escape(Path(rel).as_posix())}">{escape(text)}</a>'


def write_page(path: Path, html: str) -> Path:
    """Write atomically: a browser or CI upload never sees half a page.

    Through a temporary file of its own (`mkstemp`: a fresh random name, created exclusively, so no symlink
    planted in the folder is followed and two writers never share one), then a rename over `path`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(name, 0o644)  # mkstemp makes 0600; a page is for anyone to read
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return path
