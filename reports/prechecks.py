"""Options that could only fail after the calls were paid for, checked before the first one.

Why a module of its own: a baseline that is not one, a `--save-baseline` path that cannot be written, a gate
or a gate scoped to a dataset the run does not ask used to surface after every call was made (an INTERNALERROR, a
folder left RUNNING, a "no data" gate). Each is a usage error here, raised before the run folder exists, so nothing
is left behind. (A negative `--min-items` is refused where every gate option is parsed: core/judge.GateSpec.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_restgate.core.summary import UNIT_COLUMNS, unit_problem

if TYPE_CHECKING:
    from pytest_restgate.core.judge import GateSpec

def check_units(path: Path, units: list[Any]) -> None:
    """Each unit an object with the columns the regression gate reads, or one usage error naming the first bad
    unit and the fix."""
    for index, unit in enumerate(units):
        problem = unit_problem(unit, UNIT_COLUMNS)
        if problem:
            raise pytest.UsageError(
                f"--baseline {path}: unit {index} {problem}; give a restgate summary.json or a --save-baseline file"
            )


def check_writable(option: str, path: Path) -> None:
    """`path` can be written as a file: not a folder, and its nearest existing parent a writable folder."""
    if path.is_dir():
        raise pytest.UsageError(f"{option} {path}: is a folder; give a file path, e.g. {path / 'baseline.json'}")
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise pytest.UsageError(f"{option} {path}: {parent} is not a folder; give a path in a folder")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise pytest.UsageError(f"{option} {path}: cannot be written here; give a path in a writable folder")
    if path.parent.exists():
        _probe(option, path)


def _probe(option: str, path: Path) -> None:
    """Create and remove a file beside `path` (os.access says yes to root, even on a read-only mount)."""
    probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise pytest.UsageError(f"{option} {path}: cannot be written ({exc.strerror or exc}); "
                                "give a path in a writable folder") from None


def check_scopes(scopes: Iterable[tuple[str, str]], datasets: Sequence[str], overall: str) -> None:
    """Every dataset a scoped gate names is one the run asks (`--min-rer mmlu:0.9` needs mmlu in --datasets)."""
    if not datasets:
        return  # a run without the fixtures plugin: the datasets are not known here
    for option, scope in scopes:
        if scope != overall and scope not in datasets:
            raise pytest.UsageError(
                f"{option} {scope}:...: {scope} is not in --datasets ({','.join(datasets)}); "
                f"add it to --datasets or drop that gate"
            )


__all__ = ["check_before_run", "check_scopes", "check_units", "check_writable"]


def check_before_run(spec: GateSpec, save_baseline: Path | None, datasets: Sequence[str]) -> None:
    """What would otherwise fail after the calls, before the run folder exists (the live run's gate options)."""
    from pytest_restgate.core.gates import OVERALL

    if save_baseline is not None:
        check_writable("--save-baseline", Path(save_baseline))
    scopes = [(f"--{t.direction}-{t.metric}", t.scope) for t in spec.thresholds]
    scopes += [("--max-rer-below-noise", t.scope) for t in spec.noise]
    check_scopes(scopes, datasets, OVERALL)
