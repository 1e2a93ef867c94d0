"""The restgate suite as one pytest plugin, for runs outside a clone: `pytest -p pytest_restgate.plugin
--pyargs pytest_restgate.tests_rest` (what `restgate run` does).

In a clone the root conftest.py names the plugin modules and pyproject.toml registers the markers; an installed
wheel has neither, so this module does both. It is not a pytest11 entry point on purpose: the suite's options
(`--model`, `--limit`, ...) and hooks would then load into every pytest run of the environment.

The plugin modules are imported in `pytest_load_initial_conftests`, where pytest itself loads a clone's
conftest.py, not when `-p` imports this module: plugins registered then come after the installed ones, so their
hooks run first as in a clone (the reports plugin must set pytest-html's report path before pytest-html reads it).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

PLUGINS = (
    "pytest_restgate.fixtures.plugin",
    "pytest_restgate.reports.plugin",
    "pytest_restgate.reports.preset",  # --preset=paper: sets other options before either plugin reads them
)
"""The plugin modules the root conftest.py names (tests/test_plugin_entry.py keeps the two lists in step)."""

MARKERS = (
    "rest: a REST test (one item, default rendering, text vs image vs mixed)",
    "rest_plus: a REST+ test (one item under one of the 10 REST+ renderings)",
    "fresh: Hypothesis-drawn fresh SoEBench systems",
    "soebench: SoEBench items",
    "mmlu: MMLU items",
    "arc_challenge: ARC-Challenge items",
    "arc_easy: ARC-Easy items",
    "gsm_symbolic: GSM-Symbolic items (main, p1, p2)",
)
"""The suite's markers, as pyproject.toml's [tool.pytest.ini_options] registers them in a clone."""

FILTERWARNINGS = (
    # litellm's own TypedDicts, built lazily by pydantic: nothing a user can act on
    "ignore:.*the `ReadOnly` qualifier:UserWarning",
)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: Sequence[str]) -> None:
    for name in PLUGINS:
        early_config.pluginmanager.import_plugin(name)


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    for line in FILTERWARNINGS:
        config.addinivalue_line("filterwarnings", line)
