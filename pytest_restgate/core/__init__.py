"""The ground both halves of restgate stand on: facts the fixtures side writes and the reports side reads.

Why a package of its own: what a run promises (which shard a unit belongs to, what a results file digests to)
must be computed by one function on both sides, so a merge recomputes exactly what the run recorded. It imports
neither `pytest_restgate.fixtures` nor `pytest_restgate.reports`.
"""
