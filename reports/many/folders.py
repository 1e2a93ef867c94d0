"""Run folders are read as untrusted input: one damaged folder is skipped with a warning, never a crash.

Why: listings (`restgate runs`, `leaderboard`, `trend`, the index a live run rewrites) read every folder under
the report folder, and any of them may be damaged: a binary or deeply nested summary.json, one of the wrong
shape (`{"run": 5}`), a results.jsonl cut inside a UTF-8 character by a kill. These helpers turn each into one
`ValueError` with a reason (the caller names the folder), read results.jsonl line by line, tolerating a torn
line, and keep control characters from a folder's text off the terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pytest_restgate.core.summary import Summary, from_json
from pytest_restgate.core.untrusted import printable

MAX_SUMMARY_BYTES = 256 * 2**20
"""A summary.json larger than this is not read (a 1,500-item REST+ run writes a few MB)."""
_WARNED: set[str] = set()


def read_summary(path: Path) -> Summary:
    """summary.json as the typed summary (pytest_restgate/core/summary.py), or ValueError saying what is wrong."""
    try:
        if path.stat().st_size > MAX_SUMMARY_BYTES:
            raise ValueError(f"larger than {MAX_SUMMARY_BYTES // 2**20} MiB")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not a restgate summary")
    return from_json(data)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSONL file; a line that is not UTF-8 JSON (a kill tears only the last) is skipped."""
    if not path.is_file():
        return []
    out: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for raw in handle:
            try:
                value = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                continue
            if isinstance(value, dict):
                out.append(value)
    return out


def warn_skipped(folder: Path, reason: object, stream: TextIO | None = None) -> None:
    """One line on stderr naming the folder skipped and why; nothing from the folder reaches it raw."""
    line = printable(f"restgate: skipped {folder}: {reason}", newlines=False)
    if line not in _WARNED:  # `restgate runs` lists twice (terminal, index): one line per folder
        _WARNED.add(line)
        print(line, file=stream or sys.stderr)


class PrintableStream:
    """A text stream that strips escape sequences and control characters (newlines kept) from what it writes:
    the `restgate` commands print names, models and errors read from folders anyone could have written."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        return self.inner.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


__all__ = ["PrintableStream", "read_jsonl", "read_summary", "warn_skipped"]
