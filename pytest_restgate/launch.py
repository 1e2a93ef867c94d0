"""`restgate run [pytest options]`: the suite from any folder, through pytest, as an installed wheel runs it.

The same as `pytest -p pytest_restgate.plugin --pyargs pytest_restgate.tests_rest [pytest options]`: the reference
model unless `--model=...`; reports in `./reports/runs` (or `--report-dir`), the response cache in
`./.restgate-cache`. Every pytest option works (`-n 4`, `-k`, `-m rest_plus`, `--lf`, `--help`).
"""

from __future__ import annotations

from collections.abc import Sequence

SUITE_ARGS = ("-p", "pytest_restgate.plugin", "--pyargs", "pytest_restgate.tests_rest")
"""What `restgate run` puts before the user's options: the plugin, and the benchmark as an installed package."""


def run_suite(argv: Sequence[str]) -> int:
    """Run the suite in this process and return pytest's exit status."""
    import pytest

    return int(pytest.main([*SUITE_ARGS, *argv]))
