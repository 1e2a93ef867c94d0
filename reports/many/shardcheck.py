"""What `restgate merge` checks before it trusts shard folders: one run, every shard once, files as recorded.

Why: a merged verdict is only the unsharded run's when the shards asked the same questions of the same
server, each holds exactly its own units, and each results.jsonl is the file its run wrote. Each refusal is one
line that names the folder and the fix (a MergeError, which the CLI prints as a usage error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_restgate.core.evidence import digests_sha256, file_sha256, unit_digests
from pytest_restgate.core.records import Record
from pytest_restgate.core.shards import FRESH_MARK, record_shard, shard_map
from pytest_restgate.reports.many.runs import Run
from pytest_restgate.reports.many.status import describe_selection

SAME_SETTINGS: tuple[str, ...] = (
    "model", "model_id", "api_base", "seed", "datasets", "limit", "repeats", "rest_plus", "strategies", "styles",
    "default_style", "data_dir", "data_digests", "fresh_examples", "versions.prompt", "versions.renderer",
    "versions.restgate", "item_sources", "items_map", "item_filters", "sources",
)
"""Settings every shard must share: they decide which units exist, how they are asked and who answered (`sources`
names each dataset's file or hub revision, and for --items files the sha256 of their bytes)."""


class MergeError(ValueError):
    """Shards that cannot be merged; the message is one line naming the folder and the fix."""


def shard_of_run(run: Run) -> tuple[int, int]:
    raw = run.info.shard
    if not raw:
        raise MergeError(f"{run.path}: not a shard (run without --shard=K/N)")
    k, n = (int(x) for x in str(raw).split("/"))
    return k, n


def check_shards(runs: list[Run]) -> int:
    """Refuse shards that are missing, duplicated, unfinished or from different runs; return N."""
    if not runs:
        raise MergeError("give the shard run folders to merge (restgate merge RUN... --out DIR)")
    shards: dict[int, Run] = {}
    count = None
    for run in runs:
        if run.rebuilt:
            raise MergeError(f"{run.path}: no summary.json (the shard did not finish); rerun that shard")
        if run.summary.completeness.complete is False:  # interrupted, -x, a crashed worker: no verdict existed
            raise MergeError(f"{run.path}: the shard is INCOMPLETE ({run.summary.completeness.incomplete_reason}); "
                             "rerun that shard")
        k, n = shard_of_run(run)
        check_whole_plan(run, k, n)
        if count is not None and n != count:
            raise MergeError(f"{run.path}: shard {k}/{n} is from a {n}-way split, the others from {count}")
        count = n
        if k in shards:
            raise MergeError(f"shard {k}/{n} given twice: {shards[k].path} and {run.path}; give each shard once")
        check_same_settings(runs[0], run)
        shards[k] = run
    assert count is not None
    missing = [f"{k}/{count}" for k in range(1, count + 1) if k not in shards]
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(missing)} of {count}; got "
                         f"{', '.join(f'{k}/{count}' for k in sorted(shards))}")
    return count


def check_whole_plan(run: Run, k: int, n: int) -> None:
    """A shard run on a subset (-k, --lf, node ids) is refused: the merged run would be a full run with units
    silently missing (and the shards' membership, dealt over every item, cannot be recomputed)."""
    plan = run.summary.plan
    if plan.units is not None and plan.selected is not None and plan.selected < plan.units:
        raise MergeError(f"{run.path}: shard {k}/{n} ran a subset ({plan.selected} of {plan.units} units selected"
                         f"{describe_selection(run.summary.selection)}); merge needs each shard's whole plan: "
                         "rerun that shard without the selection")


def check_same_settings(first: Run, run: Run) -> None:
    for key in SAME_SETTINGS:
        mine, theirs = run.info.setting(key), first.info.setting(key)
        if mine != theirs:
            raise MergeError(f"{run.path}: {key} {mine!r} differs from {first.path}'s {theirs!r}; merge shards of "
                             "one run only (rerun the odd shard with the others' settings)")


def check_evidence(run: Run, records: list[Record]) -> None:
    """The shard's results.jsonl is the file its run wrote, and holds exactly the units it recorded, each once
    and each of this shard (recomputed from the records' item digests)."""
    recorded = run.summary.evidence
    if recorded is None:
        raise MergeError(f"{run.path}: its summary.json records no evidence (results digest, unit digests): "
                         "written by an older restgate; rerun that shard with this one")
    found = unit_digests(records)
    if (len(found), digests_sha256(found)) != (recorded.units, recorded.units_sha256):
        other = "other" if len(found) == recorded.units else f"{recorded.units}"
        raise MergeError(f"{run.path}: results.jsonl holds {len(found)} units, its summary.json recorded "
                         f"{other} units: the file was cut or changed after the run; rerun that shard")
    path = run.path / "results.jsonl"
    actual = file_sha256(path) if path.is_file() else None
    if actual != recorded.results_sha256:
        raise MergeError(f"{run.path}: results.jsonl differs from the file its run wrote (sha256 "
                         f"{(actual or 'none')[:12]}, recorded {str(recorded.results_sha256)[:12]}): "
                         "it was edited or replaced after the run; rerun that shard")
    for r in records:
        if r.get("item_digest") is None:
            raise MergeError(f"{run.path}: record of {r.get('item_id')} carries no item digest (written by an "
                             "older restgate), so its shard cannot be checked; rerun that shard with this one")
    _check_repeated_calls(run.path, records)


def check_membership(runs: list[Run], records: dict[Path, list[Record]]) -> None:
    """Every unit is in the shard the live split deals it to, recomputed over the items of all shards (the split
    is by rank among the run's item digests, pytest_restgate.core.shards)."""
    n = shard_of_run(runs[0])[1]
    shards = shard_map((str(r.get("item_digest")) for run in runs for r in records[run.path]
                        if FRESH_MARK not in str(r.get("item_id"))), n)
    for run in runs:
        _check_membership(run, records[run.path], shards)


def _check_membership(run: Run, records: list[Record], shards: dict[str, int]) -> None:
    k, n = shard_of_run(run)
    for r in records:
        actual = record_shard(str(r.get("item_id")), str(r.get("item_digest")), shards)
        if actual != k:
            raise MergeError(f"{run.path}: unit {r.get('item_id')} belongs to shard {actual}/{n}, not {k}/{n} as "
                             "the folder says (a copied or relabelled folder?); give each shard's own folder")


def _check_repeated_calls(path: Path, records: list[Record]) -> None:
    seen: set[tuple[Any, ...]] = set()
    for r in records:
        if r.get("fresh_shrink"):  # Hypothesis may evaluate one system twice while shrinking: kept, not counted
            continue
        key = (r.get("item_id"), r.get("digest"), r.get("style"), r.get("strategy"), r.get("modality"),
               r.get("repeat"))
        if key in seen:
            raise MergeError(f"{path}: unit {r.get('item_id')} [{r.get('style')}] has its {r.get('modality')} "
                             "call twice in results.jsonl; rerun that shard")
        seen.add(key)


def check_disjoint(runs: list[Run], records: dict[Path, list[Record]]) -> None:
    """No unit in two shards: each shard's units are its own (a duplicated unit would count twice)."""
    owner: dict[str, Path] = {}
    for run in runs:
        for digest in unit_digests(records[run.path]):
            if digest in owner:
                raise MergeError(f"{run.path}: unit {digest[:12]} is also in {owner[digest]}; each unit may be "
                                 "merged once: give each shard's own folder")
            owner[digest] = run.path
