"""summary.json as one typed value: what a run folder says about its run, read once, checked once.

Why: summary.json is the interface between a run and every view over many runs (`restgate runs`, `leaderboard`,
`trend`, `compare`, `merge`, the index a live run rewrites). Read as `dict[str, Any]` by string keys in each of
them, a renamed key or an old file broke one view silently. `from_json` is the one reader: it checks the shape
(ValueError naming the field; a listing skips that folder with one line) and fills the gaps of older files, and
the views read attributes. The document is built once, by `reports.summary.build_summary` (it computes the
figures with pandas); the live run, `restgate merge` and a run rebuilt from results.jsonl all go through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pytest_restgate.core.records import ANSWER_MODALITIES

SCHEMA = "restgate-summary/1"
UNITS_FILE = "units.jsonl"
"""Where a run folder keeps its unit rows, one JSON object a line, beside summary.json (`units_file` names it):
at 15,000 units (REST+ at 1,500 items) the rows are about 8 MB, the rest of the summary about 20 KB."""
UNIT_KEY: tuple[str, ...] = ("item_id", "dataset", "style", "strategy")
UNIT_COLUMNS: tuple[str, ...] = (
    *UNIT_KEY, "gold",
    *(f"answer_{m}" for m in ANSWER_MODALITIES), *(f"correct_{m}" for m in ANSWER_MODALITIES),
    "ocr_cer", "ocr_correct", "consistent", "solved_any", "solved_all", "errored", "incomplete",
)
"""A unit row's columns (summary.json `units`, a baseline's units): one item under one style and strategy."""
UNIT_FLAGS = ("consistent", "errored", "incomplete")
SHAPES: dict[str, type | tuple[type, ...]] = {
    "run": dict, "metrics": dict, "units": list, "usage": dict, "started": str, "errors": list,
    "complete": bool, "gate_passed": (bool, type(None)), "gates": list, "evidence": dict, "plan": dict,
    "selection": dict, "tests": dict, "units_file": str, "errors_unlisted": int, "errors_unlisted_budget": int,
    "skipped_unlisted": int, "release": dict,
}
"""The summary's top-level fields the views read, and the type each must have when present."""
Figures = Mapping[str, float | int | None]


@dataclass(frozen=True)
class RunBlock:
    """summary.json `run`: the settings that decided what was asked and who answered."""

    model: str = "?"
    model_id: str | None = None
    seed: int | str | None = None
    datasets: tuple[str, ...] = ()
    shard: str | None = None
    merged_from: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    default_style: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """The whole block, for the settings a merge compares by dotted name (`setting`)."""

    def setting(self, dotted: str) -> Any:
        """A setting by dotted name (`versions.prompt`); None when absent."""
        value: Any = self.raw
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return value


@dataclass(frozen=True)
class Metrics:
    """summary.json `metrics`: the pooled (micro), per-dataset mean (macro), per-dataset and per-strategy
    figures, and the paper's headline block (older files: the top-level `paper`/`paper_figure`)."""

    micro: Figures = field(default_factory=dict)
    macro: Figures = field(default_factory=dict)
    datasets: Mapping[str, Figures] = field(default_factory=dict)
    strategies: Mapping[str, Figures] = field(default_factory=dict)
    paper: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Usage:
    """summary.json `usage`: the bill (what was sent) and the calls a budget stop refused."""

    calls: int | None = None
    cost_usd: float | None = None
    budget_exhausted: int = 0


@dataclass(frozen=True)
class Tests:
    """summary.json `tests`: the benchmark tests' outcomes."""

    passed: int = 0
    inconsistent: int = 0
    failed_other: int = 0


@dataclass(frozen=True)
class Completeness:
    """Whether every selected unit finished; `complete` None: the file does not say (written before it did).

    A live run makes it with `of` (the controller's counts and why it stopped) and writes `as_json` into
    summary.json; a reader gets it back from the file through `from_json`."""

    complete: bool | None = None
    incomplete_reason: str | None = None
    planned: int | None = None
    finished: int | None = None

    @classmethod
    def of(cls, planned: int, finished: int, reason: str | None) -> Completeness:
        """Complete when nothing stopped the run (`reason`: interrupt, -x, a crashed worker...) and every planned
        test finished."""
        complete = reason is None and finished >= planned
        return cls(complete, None if complete else (reason or "not every unit finished"), planned, finished)

    def as_json(self) -> dict[str, Any]:
        return {"complete": self.complete, "planned": self.planned, "finished": self.finished,
                "incomplete_reason": self.incomplete_reason}


@dataclass(frozen=True)
class Plan:
    """summary.json `plan`: units the settings plan, how many the selection kept, and whether all ran."""

    units: int | None = None
    selected: int | None = None
    covered: bool | None = None


@dataclass(frozen=True)
class Evidence:
    """summary.json `evidence` (pytest_restgate/core/evidence.py): what a merge recomputes from results.jsonl."""

    results_sha256: str | None
    units: int | None
    units_sha256: str | None


@dataclass(frozen=True)
class Summary:
    """One run's summary.json, typed. `doc` is the document itself (what the single-run renderers print)."""

    doc: Mapping[str, Any] = field(repr=False)
    run: RunBlock
    metrics: Metrics
    usage: Usage
    tests: Tests
    completeness: Completeness
    plan: Plan
    evidence: Evidence | None
    started: str = ""
    duration_s: float | None = None
    versions: Mapping[str, str] = field(default_factory=dict)
    primary_strategy: str | None = None
    units: tuple[Mapping[str, Any], ...] = ()
    errors: tuple[Any, ...] = ()
    """The errors listed by name (at most 200); `errors_unlisted` more were only counted."""
    skipped: tuple[Any, ...] = ()
    errors_unlisted: int = 0
    errors_unlisted_budget: int = 0
    skipped_unlisted: int = 0
    selection: Mapping[str, Any] = field(default_factory=dict)
    gate_passed: bool | None = None
    gated: bool = False
    """True when the file holds gate results (`gates`, a gated or a plain run judged by the one judge)."""
    verdict: Any = None
    report_html: str | None = "report.html"
    """The report's path relative to the run folder (None: the run wrote none)."""
    rebuilt_from: str | None = None
    shards: int | None = None
    units_file: str | None = None
    """The file beside summary.json holding the unit rows (None: a summary written with its rows inline)."""

    def with_model(self, model: str) -> Summary:
        """The same summary naming another --model alias (a rebuilt run named after its finished twin)."""
        raw = {**self.run.raw, "model": model}
        return replace(self, run=replace(self.run, model=model, raw=raw), doc={**self.doc, "run": raw})


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _run_block(raw: Mapping[str, Any]) -> RunBlock:
    seed = raw.get("seed")
    return RunBlock(model=str(raw.get("model") or "?"), model_id=raw.get("model_id"),
                    seed=seed if isinstance(seed, int | str) and not isinstance(seed, bool) else None,
                    datasets=_strings(raw.get("datasets")), shard=raw.get("shard") or None,
                    merged_from=_strings(raw.get("merged_from")), strategies=_strings(raw.get("strategies")),
                    default_style=raw.get("default_style") or None, raw=raw)


def _metrics(doc: Mapping[str, Any]) -> Metrics:
    m = doc.get("metrics") or {}
    paper = m.get("paper") or doc.get("paper") or doc.get("paper_figure")
    return Metrics(micro=m.get("micro") or {}, macro=m.get("macro") or {}, datasets=m.get("datasets") or {},
                   strategies=m.get("strategies") or {}, paper=paper if isinstance(paper, dict) else None)


def _evidence(raw: Any) -> Evidence | None:
    if not isinstance(raw, dict):
        return None
    listed = raw.get("unit_digests")  # written before the count and the digest over them replaced the list
    if isinstance(listed, list):
        from pytest_restgate.core.evidence import digests_sha256

        return Evidence(raw.get("results_sha256"), len(set(listed)), digests_sha256(str(d) for d in listed))
    return Evidence(raw.get("results_sha256"), _int(raw.get("units")), raw.get("units_sha256"))


def from_json(doc: Mapping[str, Any]) -> Summary:
    """The typed summary of a summary.json document; ValueError names what is of the wrong shape."""
    if not isinstance(doc, Mapping):
        raise ValueError(f"a JSON {type(doc).__name__}, not a restgate summary")
    wrong = [k for k, shape in SHAPES.items() if k in doc and not isinstance(doc[k], shape)]
    wrong = wrong or problems(doc)
    if wrong:
        raise ValueError(f"not a restgate summary (wrong type of {', '.join(wrong[:3])})")
    usage, tests, plan = doc.get("usage") or {}, doc.get("tests") or {}, doc.get("plan") or {}
    return Summary(
        doc=doc, run=_run_block(doc.get("run") or {}), metrics=_metrics(doc),
        usage=Usage(calls=_int(usage.get("calls")), cost_usd=usage.get("cost_usd"),
                    budget_exhausted=_int(usage.get("budget_exhausted")) or 0),
        tests=Tests(*(_int(tests.get(k)) or 0 for k in ("passed", "inconsistent", "failed_other"))),
        completeness=Completeness(doc.get("complete"), doc.get("incomplete_reason"),
                                  _int(doc.get("planned")), _int(doc.get("finished"))),
        plan=Plan(_int(plan.get("units")), _int(plan.get("selected")), plan.get("covered")),
        evidence=_evidence(doc.get("evidence")), started=str(doc.get("started") or ""),
        duration_s=doc.get("duration_s") if isinstance(doc.get("duration_s"), int | float) else None,
        versions=_mapping(doc.get("versions")),
        primary_strategy=doc.get("primary_strategy"), units=tuple(doc.get("units") or ()),
        errors=tuple(doc.get("errors") or ()), skipped=tuple(doc.get("skipped") or ()),
        errors_unlisted=_int(doc.get("errors_unlisted")) or 0,
        errors_unlisted_budget=_int(doc.get("errors_unlisted_budget")) or 0,
        skipped_unlisted=_int(doc.get("skipped_unlisted")) or 0,
        selection=doc.get("selection") or {}, gate_passed=doc.get("gate_passed"), gated=bool(doc.get("gates")),
        verdict=doc.get("verdict"), report_html=doc.get("report_html", "report.html"),
        rebuilt_from=doc.get("rebuilt_from"), shards=_int(doc.get("shards")), units_file=doc.get("units_file"),
    )


def split_units(doc: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """The built document as it is written: summary.json without the unit rows (naming `UNITS_FILE` and their
    count), and the rows for that file."""
    units = list(doc.get("units") or [])
    head = {k: v for k, v in doc.items() if k != "units"}
    return {**head, "units_file": UNITS_FILE, "units_count": len(units)}, units


def _figures(block: Any) -> bool:
    return isinstance(block, dict) and all(v is None or isinstance(v, int | float) for v in block.values())


def problems(doc: Mapping[str, Any]) -> list[str]:
    """The nested fields the views format as numbers, strings or unit rows, checked to be those."""
    metrics, run, usage = doc.get("metrics") or {}, doc.get("run") or {}, doc.get("usage") or {}
    wrong = [f"metrics.{k}" for k in ("micro", "macro") if k in metrics and not _figures(metrics[k])]
    wrong += [f"metrics.{k}" for k in ("datasets", "strategies") if k in metrics and not (
        isinstance(metrics[k], dict) and all(_figures(v) for v in metrics[k].values()))]
    wrong += [f"metrics.{k}" for k in ("paper",) if k in metrics and not isinstance(metrics[k], dict)]
    wrong += [f"run.{k}" for k in ("model", "model_id", "shard", "default_style") if run.get(k) is not None
              and not isinstance(run[k], str)]
    wrong += [f"run.{k}" for k in ("datasets", "strategies", "merged_from", "item_sources") if run.get(k) is not None
              and not (isinstance(run[k], list) and all(isinstance(x, str) for x in run[k]))]
    wrong += [f"usage.{k}" for k, v in usage.items() if any(w in k for w in ("cost", "calls", "tokens", "latency"))
              and v is not None and not isinstance(v, int | float)]
    wrong += [k for k in ("planned", "finished", "shards", "duration_s") if doc.get(k) is not None
              and not isinstance(doc[k], int | float)]
    wrong += [k for k in ("started", "incomplete_reason", "primary_strategy", "report_html", "rebuilt_from")
              if doc.get(k) is not None and not isinstance(doc[k], str)]
    wrong += ["units"] if any(unit_problem(u, UNIT_KEY) for u in doc.get("units") or []) else []
    wrong += ["units_file"] if doc.get("units_file") not in (None, UNITS_FILE) else []  # never a path elsewhere
    return wrong


def unit_problem(unit: Any, columns: Sequence[str]) -> str | None:
    """What is wrong with one unit row (None: nothing): the regression gate's and the listings' reading."""
    if not isinstance(unit, dict):
        return f"is {type(unit).__name__}, not an object"
    missing = [c for c in columns if c not in unit]
    if missing:
        return f"lacks {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}"
    wrong = [c for c in UNIT_KEY if c in unit and not isinstance(unit[c], str)]
    wrong += [c for c in UNIT_FLAGS if c in unit and not isinstance(unit[c], bool)]
    if "digest" in unit and not isinstance(unit["digest"], str | None):
        wrong.append("digest")
    return f"has a wrong type in {', '.join(wrong)}" if wrong else None


__all__ = ["SCHEMA", "UNITS_FILE", "UNIT_COLUMNS", "UNIT_KEY", "Completeness", "Evidence", "Metrics", "Plan",
           "RunBlock", "Summary", "Tests", "Usage", "from_json", "problems", "split_units", "unit_problem"]
