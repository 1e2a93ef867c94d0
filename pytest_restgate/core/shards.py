"""Which shard of N a unit belongs to, from its item's content digest alone.

Why here: the live run splits its tests with this function (fixtures/items/shard.py) and `restgate merge`
recomputes every record's shard with it (reports/many/evidence.py), so a shard folder relabelled or copied
is caught by the same arithmetic that made the split.
"""

from __future__ import annotations

FRESH_MARK = "/fresh-"
"""In the id of a unit the fresh SoEBench search drew (`soebench/fresh-<digest>`): such units are no item's,
so they run in shard 1 only."""


def shard_of(item_digest: str, count: int) -> int:
    """The 1-based shard among `count` of the item whose content digest (hex sha256) is `item_digest`."""
    return int(item_digest[:16], 16) % count + 1


def record_shard(item_id: str, item_digest: str, count: int) -> int:
    """The shard a record belongs to: its item's, or shard 1 for a fresh-search unit."""
    return 1 if FRESH_MARK in item_id else shard_of(item_digest, count)
