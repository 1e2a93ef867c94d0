"""A run folder read back: its summary (or one rebuilt from results.jsonl) and the figures pages show.

Defensive by design: run folders outlive the code that wrote them, so a missing key gives None and a folder
without summary.json (a run killed before the end) is summarised again from its results.jsonl.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_restgate.core.records import Record, figure_records
from pytest_restgate.core.rundir import is_unfinished, running_marker
from pytest_restgate.core.summary import Metrics, RunBlock, Summary, from_json
from pytest_restgate.reports.many.folders import read_jsonl, read_summary, warn_skipped
from pytest_restgate.reports.metrics import units

if TYPE_CHECKING:
    import pandas as pd


class RunFolderError(ValueError):
    """A folder that is not a restgate run folder, with what to give instead."""


@dataclass(frozen=True)
class Run:
    """One run folder: where it is, its typed summary, and whether the summary came from results.jsonl."""

    path: Path
    summary: Summary = field(repr=False)
    rebuilt: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def info(self) -> RunBlock:
        return self.summary.run

    @property
    def model(self) -> str:
        return self.summary.run.model

    @property
    def started(self) -> str:
        return self.summary.started

    @property
    def metrics(self) -> Metrics:
        return self.summary.metrics

    @property
    def complete(self) -> bool | None:
        """False while the folder holds its RUNNING marker (killed, or still running); else the summary's own
        `complete` when it has one; else no errors, nothing incomplete and figures (a summary without any, e.g.
        a damaged file, is not a complete run)."""
        if is_unfinished(self.path):
            return False
        if self.summary.completeness.complete is not None:
            return self.summary.completeness.complete
        if self.rebuilt:
            return False
        micro = self.metrics.micro
        if not micro.get("n_units"):
            return False
        return not (micro.get("n_errors") or micro.get("n_incomplete") or self.summary.errors)

    def records(self) -> list[Record]:
        return read_records(self.path / "results.jsonl")


def read_records(path: Path) -> list[Record]:
    """results.jsonl, skipping a torn line (a run killed mid-write): reports/many/folders.py."""
    return read_jsonl(path)  # type: ignore[return-value]


def summary_from_records(records: list[Record], path: Path) -> Summary:
    """The summary of a run killed before it wrote one: the live run's own `build_summary`, from results.jsonl
    alone (no test outcomes, no settings but the model: the folder name gives the time and the --model alias)."""
    from pytest_restgate.reports.collector import Outcomes
    from pytest_restgate.reports.summary import build_summary

    models = sorted({str(r.get("model")) for r in records if r.get("model")})
    named = re.fullmatch(r"(\d{8})-(\d{6})-(.+)", path.name)  # the folder name: time, then the --model alias
    stamp = time.localtime(path.stat().st_mtime)
    if named:
        stamp = time.strptime(named[1] + named[2], "%Y%m%d%H%M%S")
    strategies = sorted({str(r.get("strategy")) for r in records if r.get("strategy")})
    primary = "direct" if "direct" in strategies or not strategies else strategies[0]
    # the RUNNING marker names the --model as given; the folder name is its slug ("openai/test" -> "openai-test")
    marked = running_marker(path).get("model")
    model = str(marked) if marked else named[3] if named else (models[0] if models else "?")
    run = {"model": model, "model_id": models[0] if models else None}
    return from_json(build_summary(records, Outcomes(), run, primary_strategy=primary, started=time.mktime(stamp),
                                   rebuilt_from="results.jsonl"))


def load_run(path: Path) -> Run:
    """Read one run folder; RunFolderError names the folder and what it lacks."""
    path = Path(path)
    if not path.is_dir():
        raise RunFolderError(f"{path}: no such run folder")
    summary_path = path / "summary.json"
    if summary_path.is_file():
        try:
            return Run(path, read_summary(summary_path))
        except ValueError as exc:
            raise RunFolderError(f"{summary_path}: {exc}") from None
    records = read_records(path / "results.jsonl")
    if not records:
        what = ("no readable record in results.jsonl" if (path / "results.jsonl").is_file()
                else "neither summary.json nor results.jsonl")
        raise RunFolderError(f"{path}: {what}; give a folder a restgate run wrote")
    try:
        return Run(path, summary_from_records(records, path), rebuilt=True)
    except (ValueError, TypeError, KeyError) as exc:  # records of the wrong shape
        raise RunFolderError(f"{path}: results.jsonl holds no restgate records ({type(exc).__name__})") from None


def list_runs(root: Path) -> list[Run]:
    """Every readable run folder under `root`, oldest first (folder names start with the time)."""
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and ((child / "summary.json").is_file() or (child / "results.jsonl").is_file()):
            try:
                found.append(_listable(load_run(child)))
            except RunFolderError as exc:  # one damaged folder never breaks a listing
                warn_skipped(child, str(exc).removeprefix(f"{child}").lstrip("/: ") or exc)
    _name_rebuilt(found)
    return sorted(found, key=lambda r: (r.started, r.name))


def _listable(run: Run) -> Run:
    """The run, once its index line can be built: a summary of a shape no check foresaw is a damaged folder
    (RunFolderError), never a traceback in the middle of a listing."""
    from pytest_restgate.reports.many.index import run_row  # index imports this module

    try:
        run_row(run)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise RunFolderError(f"{run.path}: not a restgate summary ({type(exc).__name__}: {exc})") from None
    return run


def _name_rebuilt(runs: list[Run]) -> None:
    """A folder rebuilt from results.jsonl whose marker does not name the model (an older run) takes the alias
    of a finished run with the same resolved model id, so a killed run is not listed as a separate model."""
    aliases = {r.info.model_id: r.model for r in runs if not r.rebuilt and r.info.model_id}
    for n, run in enumerate(runs):
        model_id = run.info.model_id
        if run.rebuilt and not running_marker(run.path).get("model") and model_id in aliases:
            runs[n] = replace(run, summary=run.summary.with_model(aliases[model_id]))


def report_of(run: Run) -> Path | None:
    """The run's HTML report: where summary.json says it went (`--html=PATH`, stored relative to the run
    folder), else report.html in the folder; None when the run wrote none (pytest-html disabled)."""
    rel = run.summary.report_html
    return (run.path / str(rel)).resolve() if rel else None


def paper_figures(run: Run) -> dict[str, Any]:
    """The paper's headline: RER and CFR on the OCR-correct subset, mean over datasets.

    Uses the summary's own `paper` block when a newer writer put one there; otherwise the macro row's
    ocr_ok_* figures, which are exactly that mean.
    """
    paper = run.metrics.paper
    if isinstance(paper, dict) and paper.get("rer") is not None:
        return {"rer": paper.get("rer"), "cfr": paper.get("cfr"), "mmc": paper.get("mmc"),
                "n": paper.get("n"), "source": "summary"}
    macro = run.metrics.macro
    return {"rer": macro.get("ocr_ok_rer"), "cfr": macro.get("ocr_ok_cfr"), "mmc": macro.get("ocr_ok_mmc"),
            "n": macro.get("ocr_ok_n"), "source": "macro ocr_ok"}


def unit_frame(run: Run, *, primary_only: bool = True) -> pd.DataFrame:
    """The run's units (summary.json `units`, else rebuilt from results.jsonl), restricted by default to the
    primary strategy and, for REST+ runs, the default rendering: the units the paper's figures are about."""
    import pandas as pd  # here: the run index (written at the end of every run) lists runs without it

    from pytest_restgate.reports.summaryfile import unit_rows  # summaryfile imports this package's folders

    rows = unit_rows(run.path, run.summary)
    frame = pd.DataFrame(rows) if rows else units(
        pd.DataFrame(figure_records(run.records()), columns=list(Record.__annotations__)))
    if frame.empty or not primary_only:
        return frame
    strategy = run.summary.primary_strategy
    if strategy and "strategy" in frame and (frame["strategy"] == strategy).any():
        frame = frame[frame["strategy"] == strategy]
    style = run.info.default_style
    if style and "style" in frame and (frame["style"] == style).any():
        frame = frame[frame["style"] == style]
    return frame
