"""`restgate`: many runs, one view. Subcommands over run folders: runs, compare, leaderboard, trend, merge.

Bad input (a folder that is not a run, shards that do not fit together) gives one line on stderr and exit
status 2; `merge` exits 1 when a gate fails (or, without gate options, when an item is inconsistent: pytest's
own rule), so a CI job can run it as its last step.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_restgate.reports.rundir import REPORTS_ROOT

USAGE_ERROR = 2


def _run_path(raw: str, report_dir: Path) -> Path:
    """A run folder given as a path, or as a folder name under the report folder."""
    path = Path(raw)
    if not path.exists() and (report_dir / raw).is_dir():
        return report_dir / raw
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="restgate", description="Browse, compare, trend and merge restgate run "
                                     "folders (each holds results.jsonl and summary.json).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--report-dir", type=Path, default=REPORTS_ROOT,
                       help=f"folder holding the run folders (default {REPORTS_ROOT})")
        return p

    runs = command("runs", "list the run folders (newest first) and rewrite index.html")
    runs.add_argument("--no-html", action="store_true", help="do not rewrite <report-dir>/index.html")
    comp = command("compare", "two runs side by side: metric deltas with intervals, flipped units")
    comp.add_argument("runs", nargs=2, metavar="RUN", help="run folders (A, then B), or names under --report-dir")
    comp.add_argument("--html", type=Path, default=None, help="page to write (default: beside B's folder)")
    board = command("leaderboard", "the latest (or the named) run of each model, with the paper's reference rows")
    board.add_argument("runs", nargs="*", metavar="RUN", help="run folders to show (default: latest per model)")
    board.add_argument("--html", type=Path, default=None, help="page to write (default <report-dir>/leaderboard.html)")
    trend = command("trend", "one model's runs over time: RER / CFR / MMC per run")
    trend.add_argument("model", metavar="MODEL", help="a model alias (--model value) or resolved model id")
    trend.add_argument("--html", type=Path, default=None, help="page to write (default <report-dir>/trend-MODEL.html)")
    merge = command("merge", "combine shard run folders (--shard=K/N) into one run folder and gate it once")
    merge.add_argument("runs", nargs="+", metavar="RUN", help="the shard run folders, one per shard")
    merge.add_argument("--out", type=Path, required=True, help="the merged run folder to create")
    merge.add_argument("--min-rer", default=None, help="gate: RER at least this share (0.85, or soebench:0.9,...)")
    merge.add_argument("--max-cfr", default=None, help="gate: CFR at most this share")
    merge.add_argument("--min-mmc", default=None, help="gate: MMC at least this share")
    merge.add_argument("--max-errors", type=int, default=None, help="gate: at most this many errored items")
    merge.add_argument("--max-rer-below-noise", default=None,
                       help="gate: RER at most this far below its noise floor (shards run with --repeats 3+)")
    merge.add_argument("--gate-on", default="point", choices=("point", "lower-bound"),
                       help="judge thresholds on the figure or on its 95%% Wilson bound")
    merge.add_argument("--baseline", type=Path, default=None, help="a previous run's summary.json")
    merge.add_argument("--max-regressions", type=int, default=0, help="with --baseline: most items turning "
                       "inconsistent (default 0)")
    sub.add_parser("represent", help="representation analyses (needs pip install -e .[repr]); "
                   "`restgate represent --help` for its options", add_help=False)
    return parser


def _represent(argv: list[str]) -> int:
    try:
        # the ignore covers an install without the optional representation package
        from pytest_restgate.reports.representation.cli import main as represent_main  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print("restgate represent: the representation analyses are not installed; run pip install -e .[repr]",
              file=sys.stderr)
        return USAGE_ERROR
    return int(represent_main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["represent"]:
        return _represent(args_list[1:])
    args = _parser().parse_args(args_list)
    from pytest_restgate.reports.many.folders import PrintableStream
    from pytest_restgate.reports.many.runs import RunFolderError

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(err)  # no control character from a folder
    try:
        return _dispatch(args)
    except (RunFolderError, ValueError) as exc:
        print(f"restgate {args.command}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    finally:
        sys.stdout, sys.stderr = out, err


def _dispatch(args: argparse.Namespace) -> int:
    report_dir: Path = args.report_dir
    if args.command == "runs":
        from pytest_restgate.reports.many.index import index_lines, write_index
        from pytest_restgate.reports.many.runs import list_runs

        print("\n".join(index_lines(list_runs(report_dir))))
        if not args.no_html and report_dir.is_dir():
            print(f"index: {write_index(report_dir)}")
        return 0
    if args.command == "compare":
        from pytest_restgate.reports.many.compare import compare, compare_html, compare_lines
        from pytest_restgate.reports.many.pages import write_page
        from pytest_restgate.reports.many.runs import load_run

        a, b = (load_run(_run_path(r, report_dir)) for r in args.runs)
        result = compare(a, b)
        print("\n".join(compare_lines(result)))
        target = args.html or b.path.parent / f"compare-{a.name}--{b.name}.html"
        print(f"page: {write_page(target, compare_html(result, target.parent))}")
        return 0
    if args.command == "leaderboard":
        from pytest_restgate.reports.many.leaderboard import (
            entries,
            latest_per_model,
            leaderboard_html,
            leaderboard_lines,
        )
        from pytest_restgate.reports.many.pages import write_page
        from pytest_restgate.reports.many.runs import list_runs, load_run

        chosen = [load_run(_run_path(r, report_dir)) for r in args.runs] or latest_per_model(list_runs(report_dir))
        found = entries(chosen)
        print("\n".join(leaderboard_lines(found)))
        target = args.html or report_dir / "leaderboard.html"
        print(f"page: {write_page(target, leaderboard_html(found, target.parent))}")
        return 0
    if args.command == "trend":
        from pytest_restgate.reports.many.pages import write_page
        from pytest_restgate.reports.many.runs import list_runs
        from pytest_restgate.reports.many.trend import points, runs_of, trend_html, trend_lines_text

        mine = runs_of(args.model, list_runs(report_dir))
        if not mine:
            raise ValueError(f"no run of model {args.model!r} under {report_dir}; `restgate runs` lists the models")
        trend = points(mine)
        print("\n".join(trend_lines_text(args.model, trend)))
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", args.model).strip("-")
        target = args.html or report_dir / f"trend-{slug}.html"
        print(f"page: {write_page(target, trend_html(args.model, trend, target.parent))}")
        return 0
    return _merge(args, report_dir)


def _merge(args: argparse.Namespace, report_dir: Path) -> int:
    import pytest

    from pytest_restgate.reports.many.merge import GateOptions, merge

    options = GateOptions(args.min_rer, args.max_cfr, args.min_mmc, args.max_errors, args.gate_on, args.baseline,
                          args.max_regressions, args.max_rer_below_noise)
    if args.max_regressions < 0 or (args.max_errors is not None and args.max_errors < 0):
        raise ValueError("--max-errors and --max-regressions must be 0 or more")
    try:
        summary, gates = merge([_run_path(r, report_dir) for r in args.runs], args.out, options)
    except pytest.UsageError as exc:  # the gate parsers speak pytest's language
        raise ValueError(str(exc)) from None
    from pytest_restgate.reports.terminal import summary_lines

    for line in summary_lines(summary, gates, summary.get("baseline"), str(args.out)):
        print(line)
    tests = summary.get("tests") or {}
    if gates:
        passed = bool(summary.get("gate_passed")) and not tests.get("failed_other")
        print(f"restgate release gate {'PASSED' if passed else 'FAILED'} (merged {summary.get('shards')} shards)")
    else:
        passed = not (tests.get("inconsistent") or tests.get("failed_other") or tests.get("errors"))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
