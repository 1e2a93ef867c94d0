"""The Freeman-Halton exact test on a groups x answers table: do the groups draw from one answer distribution?

Why exact: with `--repeats K` each modality of an item gives K answers (K is 3 to 10 in practice), far too few
for a chi-square approximation. Conditioned on the table's margins (K answers per modality, how often each
answer was given overall), every way of dealing the answers out to the modalities is equally likely when the
modality does not matter, so the probability of each table is multivariate hypergeometric and the p-value is
the total probability of the tables no more likely than the observed one. This is the permutation test of
"shuffle the modality labels of the repeat answers", computed exactly instead of sampled.

Tables are enumerated when there are at most `MAX_TABLES` of them (K <= 10 with up to four distinct answers
always is); beyond that the p-value is a Monte Carlo permutation estimate with a seed taken from the data, so
the same answers always give the same p-value.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from functools import lru_cache

MAX_TABLES = 200_000
"""Above this many tables with the observed margins, the p-value is estimated by permutations."""
PERMUTATIONS = 5_000
_RELATIVE_TOLERANCE = 1e-9


def _table(groups: Sequence[Sequence[Hashable]]) -> tuple[list[list[int]], list[int], list[int]]:
    """Counts per group and answer, with the row (group) and column (answer) totals."""
    answers = sorted({a for g in groups for a in g}, key=repr)
    counts = [Counter(g) for g in groups]
    table = [[c[a] for a in answers] for c in counts]
    rows = [len(g) for g in groups]
    columns = [sum(row[j] for row in table) for j in range(len(answers))]
    return table, rows, columns


def _log_weight(table: Sequence[Sequence[int]]) -> float:
    """log of 1 / prod(cell!): the table's probability up to the constant its margins fix."""
    return -sum(math.lgamma(cell + 1) for row in table for cell in row)


def _rows_within(total: int, caps: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every vector of len(caps) non-negative counts summing to `total`, count j at most caps[j]."""
    if len(caps) == 1:
        if total <= caps[0]:
            yield (total,)
        return
    rest = sum(caps[1:])
    for first in range(max(0, total - rest), min(total, caps[0]) + 1):
        for tail in _rows_within(total - first, caps[1:]):
            yield (first, *tail)


def _tables(rows: Sequence[int], columns: Sequence[int]) -> Iterator[list[tuple[int, ...]]]:
    """Every table with these margins (the last row is whatever the columns leave)."""
    if len(rows) == 1:
        yield [tuple(columns)]
        return
    for first in _rows_within(rows[0], columns):
        left = [c - x for c, x in zip(columns, first, strict=True)]
        for rest in _tables(rows[1:], left):
            yield [first, *rest]


def _table_count_bound(rows: Sequence[int], n_answers: int) -> int:
    """An upper bound on the number of tables: compositions of each free row into `n_answers` parts."""
    bound = 1
    for r in rows[:-1]:
        bound *= math.comb(r + n_answers - 1, n_answers - 1)
    return bound


def freeman_halton(groups: Sequence[Sequence[Hashable]]) -> float:
    """p-value of "every group draws from the same answer distribution" (1.0 when only one answer occurs).

    Two-sided in the Freeman-Halton sense: the total null probability of every table whose probability does
    not exceed the observed table's.
    """
    if len(groups) < 2 or any(len(g) == 0 for g in groups):
        raise ValueError("the exact test needs at least two groups, each with at least one answer")
    table, _, _ = _table(groups)
    return _p_value(_canonical(table))


def _canonical(table: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The table with rows, then columns, sorted: the p-value ignores their order, so more tables share a key."""
    rows = sorted(tuple(r) for r in table)
    columns = sorted(zip(*rows, strict=True))
    return tuple(zip(*columns, strict=True))


@lru_cache(maxsize=65536)
def _p_value(table: tuple[tuple[int, ...], ...]) -> float:
    """The p-value of one table (cached: the workers' verdicts, the summary and the report rows ask again)."""
    rows = [sum(r) for r in table]
    columns = [sum(c) for c in zip(*table, strict=True)]
    if len(columns) == 1:
        return 1.0
    n = sum(rows)
    # log of the constant: prod(row!) prod(column!) / n!
    log_constant = sum(math.lgamma(r + 1) for r in rows) + sum(math.lgamma(c + 1) for c in columns)
    log_constant -= math.lgamma(n + 1)
    observed = _log_weight(table)
    threshold = observed + _RELATIVE_TOLERANCE * max(1.0, abs(observed))
    if _table_count_bound(rows, len(columns)) <= MAX_TABLES:
        total = 0.0
        for candidate in _tables(rows, columns):
            weight = _log_weight(candidate)
            if weight <= threshold:
                total += math.exp(weight + log_constant)
        return min(1.0, total)
    return _permutation_p(table, threshold)


def _permutation_p(table: tuple[tuple[int, ...], ...], threshold: float) -> float:
    """Monte Carlo: shuffle the answers among the groups, count tables no more likely than the observed one."""
    pooled = [j for row in table for j, count in enumerate(row) for _ in range(count)]
    rng = random.Random(int.from_bytes(hashlib.sha256(repr(table).encode()).digest()[:8], "big"))
    sizes = [sum(row) for row in table]
    as_extreme = 0
    for _ in range(PERMUTATIONS):
        rng.shuffle(pooled)
        start, shuffled = 0, []
        for size in sizes:
            shuffled.append(pooled[start:start + size])
            start += size
        counts, _, _ = _table(shuffled)
        if _log_weight(counts) <= threshold:
            as_extreme += 1
    return (as_extreme + 1) / (PERMUTATIONS + 1)


__all__ = ["MAX_TABLES", "freeman_halton"]
