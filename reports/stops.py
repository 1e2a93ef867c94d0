"""Why a run stopped early, named by the option that stopped it.

Why: pytest-xdist ends a run that reached `--maxfail` (or `-x`) by raising its `Interrupted`, a subclass of
KeyboardInterrupt, so an INCOMPLETE run read "interrupted (Ctrl-C)" when nobody pressed a key.
"""

from __future__ import annotations

import re

import pytest


def stop_named(stop: str, config: pytest.Config) -> str:
    """`stop` (pytest's or xdist's "stopping after N failures") with the option that asked for it."""
    if not re.search(r"stopping after \d+ failures?", stop):
        return stop
    maxfail = config.getoption("maxfail", 0)
    if maxfail == 1:  # pytest stores -x as --maxfail=1: the two cannot be told apart
        return f"-x (--maxfail=1): {stop}"
    return f"--maxfail={maxfail}: {stop}" if maxfail else stop


def stop_reason(exc: BaseException, config: pytest.Config) -> str:
    """Why the test loop ended early, from what stopped it: an option, Ctrl-C, pytest.exit or an error."""
    if (named := stop_named(str(exc), config)) != str(exc):  # -x/--maxfail: pytest's Failed, xdist's Interrupted
        return named
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C)"
    if isinstance(exc, pytest.exit.Exception):
        return f"pytest.exit: {exc}"
    return f"stopped by {type(exc).__name__}: {exc}"


__all__ = ["stop_named", "stop_reason"]
