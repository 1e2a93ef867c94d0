"""Hypothesis's pytest plugin is dropped on REST runs that do not search (its end-of-session import costs 75-100 ms)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from pytest_restgate.reports.warmup import HYPOTHESIS_PLUGIN, drop_hypothesis_plugin

REPO = Path(__file__).resolve().parents[2]


class _Plugins:
    def __init__(self) -> None:
        self.registered: dict[str, object] = {HYPOTHESIS_PLUGIN: object()}

    def get_plugin(self, name: str) -> object | None:
        return self.registered.get(name)

    def unregister(self, plugin: object) -> None:
        self.registered = {k: v for k, v in self.registered.items() if v is not plugin}


class _Config:
    def __init__(self, fresh_examples: int) -> None:
        self.pluginmanager = _Plugins()
        self.fresh_examples = fresh_examples

    def getoption(self, name: str, default: Any = None) -> Any:
        assert name == "--fresh-examples"
        return self.fresh_examples


def test_dropped_without_the_fresh_search_and_kept_with_it() -> None:
    plain, searching = _Config(0), _Config(5)
    drop_hypothesis_plugin(plain)  # type: ignore[arg-type]
    drop_hypothesis_plugin(searching)  # type: ignore[arg-type]
    assert HYPOTHESIS_PLUGIN not in plain.pluginmanager.registered
    assert HYPOTHESIS_PLUGIN in searching.pluginmanager.registered


def test_collect_only_on_the_rest_suite_never_imports_hypothesis() -> None:
    code = ("import sys, pytest; code = pytest.main(['--co', '-q', '-p', 'no:cacheprovider', '--limit=2']); "
            "print(int(code), 'hypothesis' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.splitlines()[-1] == "0 False", done.stdout[-2000:] + done.stderr[-2000:]
