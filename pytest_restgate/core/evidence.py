"""What a run folder promises about itself, so a merge can check a shard's files before it trusts them.

Why: a shard folder travels between CI jobs as an artifact; a truncated or edited results.jsonl, or a folder
copied under another shard's label, would otherwise be merged and gated as if it were the run. The live run
writes `evidence` into summary.json (the sha256 of its results.jsonl and the sorted digests of its units);
`restgate merge` recomputes both with these same functions and refuses a shard whose files disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EVIDENCE_KEY = "evidence"
"""summary.json's key: {"results_sha256": hex, "unit_digests": [hex, ...]}."""


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


def evidence(results: Path, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The block the live run writes into summary.json after its results.jsonl is closed."""
    return {"results_sha256": file_sha256(results) if results.is_file() else None,
            "unit_digests": unit_digests(records)}


def data_digests(sources: Mapping[str, str]) -> dict[str, str]:
    """sha256 of each dataset's local file (`--data-dir`), by dataset: shards that read different files asked
    different questions, whatever the folder was called. Generated or hub datasets have no local file."""
    return {name: file_sha256(Path(source)) for name, source in sorted(sources.items())
            if source and Path(source).is_file()}
