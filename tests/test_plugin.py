"""pytest_restgate/plugin.py: the suite as one plugin outside a clone, in step with the clone's conftest.py and
pyproject.toml, and no pytest11 entry point (the suite's options must not load into other pytest runs)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from pytest_restgate import plugin
from pytest_restgate.core.rundir import is_rest_run

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _conftest_plugins() -> list[str]:
    tree = ast.parse((REPO / "conftest.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytest_plugins" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError("conftest.py names no pytest_plugins")


def test_plugin_loads_what_the_root_conftest_names() -> None:
    assert [name for name in _conftest_plugins() if name != "pytester"] == list(plugin.PLUGINS)


def test_plugin_registers_pyprojects_markers_and_warning_filters() -> None:
    ini = PYPROJECT["tool"]["pytest"]["ini_options"]
    suite_markers = [m for m in ini["markers"] if not m.startswith("slow:")]  # `slow` marks the project's own tests
    assert set(suite_markers) <= set(plugin.MARKERS)
    assert set(ini["filterwarnings"]) <= set(plugin.FILTERWARNINGS)


def test_no_pytest11_entry_point() -> None:
    assert "pytest11" not in PYPROJECT["project"].get("entry-points", {})


def test_markers_and_options_outside_a_clone(pytester: pytest.Pytester) -> None:
    """A bare folder (no conftest.py, no ini): `-p pytest_restgate.plugin` brings the options and markers."""
    pytester.makepyfile(test_mine="import pytest\n\n@pytest.mark.soebench\ndef test_one():\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "pytest_restgate.plugin", "--strict-markers", "-p",
                                          "no:cacheprovider", "--limit=2", "--model=reference")
    result.assert_outcomes(passed=1)  # not a REST run (no tests_rest): the plugins leave a user's tests alone
    assert not (pytester.path / "reports").exists() and not (pytester.path / ".restgate-cache").exists()
    markers = pytester.runpytest_inprocess("-p", "pytest_restgate.plugin", "--markers", "-p", "no:cacheprovider")
    for line in plugin.MARKERS:
        markers.stdout.fnmatch_lines([f"@pytest.mark.{line}"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--pyargs", "pytest_restgate.tests_rest"], True), (["--pyargs", "pytest_restgate.tests_rest.test_rest"], True),
     (["--pyargs", "mypackage.tests"], False), (["tests_rest"], True), (["tests"], False)],
)
def test_a_rest_run_is_recognised_by_path_or_module_name(pytester: pytest.Pytester, args: list[str],
                                                         expected: bool) -> None:
    pytester.mkdir("tests_rest")
    pytester.mkdir("tests")
    assert is_rest_run(pytester.parseconfig(*args)) is expected
