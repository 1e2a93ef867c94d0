"""What the controller lets go of after every plugin has read a test's reports (reports/retention.py)."""

from __future__ import annotations

import pytest

from pytest_restgate.reports.retention import Retention

pytest_plugins = ["pytester"]

TESTS = '''
import pytest

@pytest.fixture
def noisy():
    yield
    print("TEARDOWN-OUTPUT of the failing test")

@pytest.mark.parametrize("n", range(40))
def test_many(n):
    assert n % 10

def test_fails_with_teardown_output(noisy):
    assert False
'''


def test_the_terminal_still_prints_teardown_output_once_passed_setup_reports_are_dropped(
    pytester: pytest.Pytester,
) -> None:
    """The terminal's failure summary scans its kept setup/teardown reports once per failure (O(failures x
    tests)); only those it can print are kept, and what it prints is unchanged."""
    kept: list[int] = []

    class Count:
        @pytest.hookimpl(trylast=True)
        def pytest_sessionfinish(self, session: pytest.Session) -> None:
            kept.append(len(session.config.pluginmanager.get_plugin("terminalreporter").stats.get("", [])))

    pytester.makepyfile(test_it=TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[Retention(lambda: "report.html"),
                                                                               Count()])
    result.assert_outcomes(passed=36, failed=5)
    result.stdout.fnmatch_lines(["*Captured stdout teardown*", "TEARDOWN-OUTPUT of the failing test"])
    assert kept == [1]  # of 82 passed setup and teardown reports, the one teardown with output
