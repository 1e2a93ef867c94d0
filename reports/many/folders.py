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

from pytest_restgate.core.untrusted import printable

MAX_SUMMARY_BYTES = 256 * 2**20
"""A summary.json larger than this is not read (a 1,500-item REST+ run writes a few MB)."""
SHAPES: dict[str, type | tuple[type, ...]] = {
    "run": dict, "metrics": dict, "units": list, "usage": dict, "started": str, "errors": list,
    "complete": bool, "gate_passed": (bool, type(None)), "gates": list,
}
"""The summary's top-level fields the listings read, and the type each must have when present."""
_WARNED: set[str] = set()


def read_summary(path: Path) -> dict[str, Any]:
    """summary.json as a dict of the expected shape, or ValueError saying what is wrong with it."""
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
    wrong = [k for k, shape in SHAPES.items() if k in data and not isinstance(data[k], shape)]
    wrong = wrong or _nested_problems(data)
    if wrong:
        raise ValueError(f"not a restgate summary (wrong type of {', '.join(wrong[:3])})")
    return data


def _figures(block: Any) -> bool:
    return isinstance(block, dict) and all(v is None or isinstance(v, int | float) for v in block.values())


def _nested_problems(data: dict[str, Any]) -> list[str]:
    """The nested fields the listings format as numbers, strings or unit rows, checked to be those."""
    from pytest_restgate.reports.metrics import UNIT_KEY
    from pytest_restgate.reports.prechecks import unit_problem

    metrics, run, usage = data.get("metrics") or {}, data.get("run") or {}, data.get("usage") or {}
    wrong = [f"metrics.{k}" for k in ("micro", "macro") if k in metrics and not _figures(metrics[k])]
    wrong += [f"metrics.{k}" for k in ("datasets", "strategies") if k in metrics and not (
        isinstance(metrics[k], dict) and all(_figures(v) for v in metrics[k].values()))]
    wrong += [f"metrics.{k}" for k in ("paper",) if k in metrics and not isinstance(metrics[k], dict)]
    wrong += [f"run.{k}" for k in ("model", "model_id", "shard") if run.get(k) is not None
              and not isinstance(run[k], str)]
    wrong += [f"run.{k}" for k in ("datasets", "strategies", "merged_from", "item_sources") if run.get(k) is not None
              and not (isinstance(run[k], list) and all(isinstance(x, str) for x in run[k]))]
    wrong += [f"usage.{k}" for k, v in usage.items() if any(w in k for w in ("cost", "calls", "tokens", "latency"))
              and v is not None and not isinstance(v, int | float)]
    units = data.get("units") or []
    wrong += ["units"] if any(unit_problem(u, UNIT_KEY) for u in units) else []
    return wrong


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
