"""What a run folder promises about itself, so a merge can check a shard's files before it trusts them.

Why: a shard folder travels between CI jobs as an artifact; a truncated or edited results.jsonl, or a folder
copied under another shard's label, would otherwise be merged and gated as if it were the run. The live run
writes `evidence` into summary.json (the sha256 of its results.jsonl, and the count of its units with one sha256
over their sorted digests: a list of every digest would be 1 MB at 15,000 units, and merge recomputes the
digests from results.jsonl anyway); `restgate merge` recomputes them with these same functions and refuses a
shard whose files disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EVIDENCE_KEY = "evidence"
"""summary.json's key: {"results_sha256": hex, "units": count, "units_sha256": hex} (pytest_restgate/core/summary.py
reads it, and the `unit_digests` list older runs wrote)."""


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks."""
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def unit_digests(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The sorted, distinct unit digests of the records (units without one are counted by item id)."""
    return sorted({str(r.get("digest") or f"id:{r.get('item_id')}|{r.get('style')}") for r in records})


def digests_sha256(digests: Iterable[str]) -> str:
    """One sha256 over the sorted, distinct unit digests (one per line): the set of units, in 64 characters."""
    return hashlib.sha256("".join(d + "\n" for d in sorted(set(digests))).encode()).hexdigest()


def evidence(results: Path, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The block the live run writes into summary.json after its results.jsonl is closed."""
    digests = unit_digests(records)
    return {"results_sha256": file_sha256(results) if results.is_file() else None,
            "units": len(digests), "units_sha256": digests_sha256(digests)}


def data_digests(sources: Mapping[str, str]) -> dict[str, str]:
    """sha256 of each dataset's local file (`--data-dir`), by dataset: shards that read different files asked
    different questions, whatever the folder was called. Generated or hub datasets have no local file."""
    return {name: file_sha256(Path(source)) for name, source in sorted(sources.items())
            if source and Path(source).is_file()}
