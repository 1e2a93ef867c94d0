"""`restgate`: many runs, one view. Subcommands over run folders: runs, compare, leaderboard, trend, merge (and
`run`, the suite itself through pytest).

Bad input (a folder that is not a run, shards that do not fit together) gives one line on stderr and exit
status 2; `merge` exits 1 when a gate fails (or, without gate options, when an item is inconsistent: pytest's
own rule), so a CI job can run it as its last step.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pytest_restgate.core.rundir import REPORTS_ROOT

USAGE_ERROR = 2
ALL_RUNS = ("also use runs that are not full (subset by -k/-m/--lf/--deselect, incomplete, budget-stopped, "
            "killed, shard), marked; by default only full runs count")


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
    board.add_argument("--all-runs", action="store_true", help=ALL_RUNS)
    trend = command("trend", "one model's runs over time: RER / CFR / MMC per run")
    trend.add_argument("model", metavar="MODEL", help="a model alias (--model value) or resolved model id")
    trend.add_argument("--html", type=Path, default=None, help="page to write (default <report-dir>/trend-MODEL.html)")
    trend.add_argument("--all-runs", action="store_true", help=ALL_RUNS)
    merge = command("merge", "combine shard run folders (--shard=K/N) into one run folder and gate it once")
    merge.add_argument("runs", nargs="+", metavar="RUN", help="the shard run folders, one per shard")
    merge.add_argument("--out", type=Path, required=True, help="the merged run folder to create")
    from pytest_restgate.core.judge import add_gate_options

    add_gate_options(merge.add_argument)  # the live run's gate options, one help text (pytest_restgate/core/judge.py)
    merge.add_argument("--md-summary", type=Path, default=None, help="append the verdict and figures as markdown "
                       "to FILE (default: $GITHUB_STEP_SUMMARY when set)")
    for p in (runs, comp, board, trend):
        p.add_argument("--json", action="store_true", help="print JSON (the same figures, as numbers) instead of text")
    comp.add_argument("--format", choices=("text", "markdown"), default="text",
                      help="markdown: a PR-comment body on stdout (the page is written only with --html)")
    sub.add_parser("run", help="run the suite here, through pytest: `restgate run [pytest options]` (reports in "
                   "./reports/runs, cache in ./.restgate-cache); `restgate run --help` for its options", add_help=False)
    sub.add_parser("batches", help="a --batch run's provider batches: list, --refresh, --cancel (`restgate batches "
                   "--help`)", add_help=False)  # handled by pytest_restgate/cli.py
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
    if args_list[:1] == ["run"]:  # every later argument is pytest's
        from pytest_restgate.launch import run_suite

        return run_suite(args_list[1:])
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
    command = {"runs": _runs, "compare": _compare, "leaderboard": _leaderboard, "trend": _trend}.get(args.command)
    return command(args, report_dir) if command else _merge(args, report_dir)


def _say(args: argparse.Namespace, text: Callable[[], list[str]], as_json: Callable[[], str]) -> None:
    """--json: stdout is one JSON document and nothing else; else the text lines."""
    print(as_json() if args.json else "\n".join(text()))


def _runs(args: argparse.Namespace, report_dir: Path) -> int:
    from pytest_restgate.reports.many.asjson import runs_json
    from pytest_restgate.reports.many.index import index_lines, write_index
    from pytest_restgate.reports.many.runs import list_runs

    found = list_runs(report_dir)
    _say(args, lambda: index_lines(found), lambda: runs_json(found))
    if not args.no_html and report_dir.is_dir():
        index = write_index(report_dir)
        if not args.json:
            print(f"index: {index}")
    return 0


def _compare(args: argparse.Namespace, report_dir: Path) -> int:
    from pytest_restgate.reports.many.asjson import compare_json
    from pytest_restgate.reports.many.comment import compare_markdown
    from pytest_restgate.reports.many.compare import compare, compare_html, compare_lines
    from pytest_restgate.reports.many.pages import write_page
    from pytest_restgate.reports.many.runs import load_run

    a, b = (load_run(_run_path(r, report_dir)) for r in args.runs)
    result = compare(a, b)
    quiet = args.json or args.format == "markdown"  # stdout is the JSON or the comment body, nothing else
    if args.format == "markdown" and not args.json:
        print(compare_markdown(result))
    else:
        _say(args, lambda: compare_lines(result), lambda: compare_json(result))
    if args.html or not quiet:
        target = args.html or b.path.parent / f"compare-{a.name}--{b.name}.html"
        page = write_page(target, compare_html(result, target.parent))
        if not quiet:
            print(f"page: {page}")
    return 0


def _leaderboard(args: argparse.Namespace, report_dir: Path) -> int:
    from pytest_restgate.reports.many.asjson import leaderboard_json
    from pytest_restgate.reports.many.leaderboard import entries, latest_per_model, leaderboard_html, leaderboard_lines
    from pytest_restgate.reports.many.pages import write_page
    from pytest_restgate.reports.many.runs import list_runs, load_run

    chosen = [load_run(_run_path(r, report_dir)) for r in args.runs] or latest_per_model(list_runs(report_dir),
                                                                                         args.all_runs)
    found = entries(chosen)
    _say(args, lambda: leaderboard_lines(found), lambda: leaderboard_json(found))
    target = args.html or report_dir / "leaderboard.html"
    page = write_page(target, leaderboard_html(found, target.parent))
    if not args.json:
        print(f"page: {page}")
    return 0


def _trend(args: argparse.Namespace, report_dir: Path) -> int:
    from pytest_restgate.reports.many.asjson import trend_json
    from pytest_restgate.reports.many.pages import write_page
    from pytest_restgate.reports.many.runs import list_runs
    from pytest_restgate.reports.many.trend import points, runs_of, trend_html, trend_lines_text

    mine = runs_of(args.model, list_runs(report_dir), args.all_runs)
    if not mine:
        raise ValueError(f"no full run of model {args.model!r} under {report_dir}; `restgate runs` lists the "
                         "runs (--all-runs takes partial ones too)")
    trend = points(mine)
    _say(args, lambda: trend_lines_text(args.model, trend), lambda: trend_json(args.model, trend))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", args.model).strip("-")
    target = args.html or report_dir / f"trend-{slug}.html"
    page = write_page(target, trend_html(args.model, trend, target.parent))
    if not args.json:
        print(f"page: {page}")
    return 0


def _merge(args: argparse.Namespace, report_dir: Path) -> int:
    import pytest

    from pytest_restgate.core.judge import GateSpec
    from pytest_restgate.reports.many.merge import merge

    try:  # the gate parsers speak pytest's language
        spec = GateSpec.from_namespace(args)
        summary, gates = merge([_run_path(r, report_dir) for r in args.runs], args.out, spec)
    except pytest.UsageError as exc:
        raise ValueError(str(exc)) from None
    from pytest_restgate.reports.gatecase import publish_markdown
    from pytest_restgate.reports.many.merge import merged_verdict
    from pytest_restgate.reports.terminal import summary_lines

    for line in summary_lines(summary, gates, summary.get("baseline"), str(args.out)):
        print(line)
    verdict = merged_verdict(spec, summary, gates)  # the one the merged page and summary.json hold
    publish_markdown(args.md_summary, summary, verdict)
    print(f"merged {summary.get('shards')} shards: {args.out}")
    print(verdict.line)
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
