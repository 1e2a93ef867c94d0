"""`python -m pytest_restgate.reports.representation` (`restgate represent`): the representation analysis, from a shell.

Bad input ends with one line naming the thing and what to do, and exit status 2; the analysis itself never
calls a network service (a hub id is only resolved by transformers where the hub is reachable).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pytest_restgate.fixtures.items.item import Item

DEFAULT_SEED = 2512


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pytest_restgate.reports.representation",
        description="Cosine of the image form's and the text form's pooled content tokens, per layer, in a local "
                    "vision-language model; joined with a restgate run's consistency verdicts.")
    p.add_argument("--model-dir", required=True,
                   help="a Hugging Face model folder (config.json, weights, processor, chat template), or a hub id")
    p.add_argument("--run", type=Path, default=None,
                   help="a restgate run folder (reports/runs/<time>-<model>): its items, and results are joined; "
                        "representation.json / .html are written into it")
    p.add_argument("--datasets", default="soebench", help="without --run: datasets to draw items from")
    p.add_argument("--limit", type=int, default=None,
                   help="with --run: the first N of its items; without: items per dataset (default 20)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"without --run: the seed (default {DEFAULT_SEED})")
    p.add_argument("--data-dir", type=Path, default=None, help="without --run: local dataset files")
    p.add_argument("--out", type=Path, default=None,
                   help="without --run: the output folder (default: a new folder under reports/runs/)")
    p.add_argument("--compare", type=Path, nargs="*", default=[],
                   help="other run folders already analysed: similarity vs RER across runs (Pearson r, R²)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="auto: CUDA when torch sees a GPU (default)")
    p.add_argument("--batch-size", type=int, default=4, help="items per forward pass (default 4)")
    return p


def _items(args: argparse.Namespace) -> tuple[list[Item], dict[str, Any]]:
    from pytest_restgate.reports.representation.join import read_records
    from pytest_restgate.reports.representation.source import collect, parse_selection, selection_from_run

    if args.run is not None:
        selection = selection_from_run(args.run)
        frame = read_records(args.run)
        seen = set(frame["item_id"].astype(str)) if "item_id" in frame else set()
        items = collect(selection, only=seen)
        if args.limit:
            items = items[: args.limit]
        source: dict[str, Any] = {"run": str(args.run)}
    else:
        selection = parse_selection(args.datasets, 20 if args.limit is None else args.limit, args.seed, args.data_dir)
        items = collect(selection)
        source = {}
    source.update({"datasets": list(selection.datasets), "limit": selection.limit, "seed": selection.seed,
                   "data_dir": str(selection.data_dir) if selection.data_dir else None})
    return items, source


def _out_dir(args: argparse.Namespace, model: str) -> Path:
    if args.run is not None:
        return Path(args.run)
    if args.out is not None:
        return Path(args.out)
    from pytest_restgate.core.rundir import make_run_dir

    return make_run_dir(None, f"representation-{model}")


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; 0 on success, 2 on bad input, 1 when the model fails."""
    args = parser().parse_args(argv)
    if args.batch_size < 1:
        print("--batch-size must be at least 1", file=sys.stderr)
        return 2
    if args.run is not None and not args.run.is_dir():
        print(f"--run {args.run} is not a folder: pass a restgate run folder", file=sys.stderr)
        return 2
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        print("the representation analysis needs the optional extra: pip install -e '.[repr]'", file=sys.stderr)
        return 2
    from pytest_restgate.reports.representation import report
    from pytest_restgate.reports.representation.join import across_runs, consistency_by_item, point_biserial, run_point
    from pytest_restgate.reports.representation.pooling import layer_curve
    from pytest_restgate.reports.representation.runner import ModelLoadError, load, pool_items
    from pytest_restgate.reports.representation.source import SourceError
    from pytest_restgate.reports.representation.tokens import TokenSelectionError

    try:
        items, source = _items(args)
        if not items:
            print("no items to analyse: the run or the selection is empty", file=sys.stderr)
            return 2
        compare = [run_point(Path(p)) for p in args.compare]
        loaded = load(args.model_dir, args.device)
    except (SourceError, ModelLoadError) as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        pooled = pool_items(loaded, items, args.batch_size)
    except TokenSelectionError as exc:
        print(exc, file=sys.stderr)
        return 1
    curve = layer_curve(pooled.image, pooled.text)
    consistent = consistency_by_item(args.run) if args.run is not None else None
    best = curve.best_layer
    similarity = {i: curve.per_item[k][best] for k, i in enumerate(pooled.item_ids)}
    per_item = point_biserial(similarity, consistent) if consistent is not None else None
    doc = report.build_document(
        model=loaded.name, device=loaded.device, item_ids=pooled.item_ids, curve=curve,
        text_tokens=pooled.text_tokens, image_tokens=pooled.image_tokens, consistent=consistent,
        per_item=per_item, across=None, source=source)
    if compare:
        rer = None
        if args.run is not None:
            from pytest_restgate.reports.representation.source import read_summary

            rer = read_summary(args.run).metrics.micro.get("rer")
        here = {"run": str(args.run), "model": loaded.name, "rer": rer, "similarity": curve.maxima()["cosine"]["max"]}
        doc["across_runs"] = across_runs([here, *compare])
    out = _out_dir(args, loaded.name)
    json_path, html_path = report.write(out, doc)
    for line in report.curve_lines(doc):
        print(line)
    print(f"wrote {json_path} and {html_path.name}")
    return 0
