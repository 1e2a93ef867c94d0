"""Runs the whole REST suite in-process with pytester, in a scratch copy of the benchmark layout."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.fixtures.models.llm import import_litellm
from pytest_restgate.reports.summaryfile import read_document

REPO = Path(__file__).resolve().parents[2]


@dataclass
class SuiteRun:
    """One inner run: pytest's result and the run folder it wrote."""

    result: pytest.RunResult
    run_dir: Path | None

    @property
    def summary(self) -> dict[str, Any]:
        assert self.run_dir is not None, self.result.stdout.str()
        return read_document(self.run_dir)

    @property
    def records(self) -> list[dict[str, Any]]:
        assert self.run_dir is not None
        lines = (self.run_dir / "results.jsonl").read_text().splitlines()
        return [json.loads(line) for line in lines]

    @property
    def html(self) -> str:
        assert self.run_dir is not None
        return (self.run_dir / "report.html").read_text()


def _ini(pytester: pytest.Pytester) -> None:
    """The repo's pytest configuration, with the repo itself on the path (the scratch dir has no code)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    markers = "\n    ".join(config["markers"])
    pytester.makeini(
        f"[pytest]\ntestpaths = tests_rest\npythonpath = {REPO}\nmarkers =\n    {markers}\n"
    )


@pytest.fixture(scope="session", autouse=True)
def _heavy_imports_outside_pytester() -> None:
    """Import litellm and the reference model's OCR stack before any pytester run, and read one page.

    pytester removes the modules an inner run imported first. A package half imported outside and half inside
    breaks the next inner run: litellm cannot be imported again (and would cost its 4 s import on every run), and
    omegaconf (under RapidOCR) re-imported lazily made every reference call fail with "unsupported operand
    type(s) for /: 'AnyNode' and 'AnyNode'" when an outer test had built the engine first (seen in full runs
    under -n 2, depending on which tests a worker had run). One real read imports everything the reads need.
    """
    import_litellm()
    import pytest_restgate.reports.metrics
    import pytest_restgate.reports.summary  # noqa: F401
    from pytest_restgate.fixtures.models import ocr, reference
    from pytest_restgate.renderers import REST_DEFAULT, render_png

    assert reference.ReferenceLLM is not None  # the litellm provider class, built on first access
    assert ocr.ocr_png(render_png("2A + B = 7", REST_DEFAULT)).replace(" ", "") == "2A+B=7"


@pytest.fixture
def run_suite(pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., SuiteRun]:
    """`run_suite("--limit=3", ...)`: run the benchmark as a user would, return the result and run folder."""
    shutil.copy(REPO / "conftest.py", pytester.path / "conftest.py")
    shutil.copytree(REPO / "tests_rest", pytester.path / "tests_rest")
    _ini(pytester)
    reports = tmp_path_factory.mktemp("reports")
    cache = tmp_path_factory.mktemp("cache")

    def run(*args: str, cache_dir: Path | None = None) -> SuiteRun:
        before = set(reports.iterdir())
        result = pytester.runpytest_inprocess(
            "-p", "no:cacheprovider", f"--report-dir={reports}",
            f"--response-cache-dir={cache_dir or cache}", *args,
        )
        new = sorted(p for p in set(reports.iterdir()) - before if p.is_dir())  # not index.html
        return SuiteRun(result, new[-1] if new else None)

    return run
