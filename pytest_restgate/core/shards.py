"""Which shard of N a unit belongs to: the run's item digests sorted, then dealt round-robin.

Why here: the live run splits its tests with this function (fixtures/items/shard.py) and `restgate merge`
recomputes every record's shard with it over the union of the shards' items (reports/many/shardcheck.py), so a
shard folder relabelled or copied is caught by the same arithmetic that made the split. Why dealt by rank and not
by hash value alone: a hash modulo N left shards of 13/14/3 items at 30 items and 31/35/43/41 at 150; dealing the
sorted digests gives sizes that differ by at most one item, still a pure function of the item set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FRESH_MARK = "/fresh-"
"""In the id of a unit the fresh SoEBench search drew (`soebench/fresh-<digest>`): such units are no item's,
so they run in shard 1 only."""


def shard_map(item_digests: Iterable[str], count: int) -> dict[str, int]:
    """Item content digest -> its 1-based shard among `count`: the distinct digests sorted, dealt round-robin."""
    return {digest: rank % count + 1 for rank, digest in enumerate(sorted(set(item_digests)))}


def record_shard(item_id: str, item_digest: str, shards: Mapping[str, int]) -> int:
    """The shard a record belongs to: its item's (from `shard_map` over the run's items), or 1 for a fresh unit."""
    return 1 if FRESH_MARK in item_id else shards[item_digest]
