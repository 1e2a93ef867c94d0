"""OCR quality and speed of the reference model per rendering style, on SoEBench pages.

For `--n` SoEBench items (`generate(n, seed)`) rendered in the REST default style and each REST+ style, it
OCRs the full page and prints, per style: mean CER (jiwer, whitespace removed, as the suite computes it), the
share of pages read exactly (CER == 0), seconds per image (engine time, memo cleared, engine warm), and the
share of pages on which the reference model's answer (from that OCR text alone) equals the gold answer.
`--concurrent K` then also times K threads reading the first style's pages at once (memo cleared, engines
warm), as the suite does: seconds per image of throughput.

    python benchmarks/bench_ocr.py                 # 20 items, every style
    python benchmarks/bench_ocr.py --upscale 1 2 3 --styles dejavu-50dpi courier-50dpi cursive-50dpi
    python benchmarks/bench_ocr.py --styles rest-default --concurrent 8

Not collected by pytest (no test_ prefix): a measurement, not a check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jiwer

from pytest_restgate.fixtures.evaluation.answers import extract_answer
from pytest_restgate.fixtures.items import Item, soebench
from pytest_restgate.fixtures.models import ocr
from pytest_restgate.fixtures.models.reference import answer_text
from pytest_restgate.renderers import REST_DEFAULT, REST_PLUS_STYLES, RenderStyle, render_png, style_by_name


@dataclass(frozen=True)
class Row:
    style: str
    upscale: int
    mean_cer: float
    exact_share: float
    seconds_per_image: float
    answer_share: float


def squeeze(text: str) -> str:
    return "".join(text.split())


def measure(items: list[Item], label: str, style: RenderStyle, upscale: int) -> Row:
    cers: list[float] = []
    seconds: list[float] = []
    right = 0
    for item in items:
        png = render_png(item.full_text, style.for_item(item.id))
        ocr.clear_memo()
        start = time.perf_counter()
        text = ocr.ocr_png(png, upscale)
        seconds.append(time.perf_counter() - start)
        cers.append(jiwer.cer(squeeze(item.full_text), squeeze(text)))
        right += extract_answer(answer_text(text), item.answer_kind) == item.gold
    n = len(items)
    return Row(
        label, upscale, statistics.fmean(cers), sum(c == 0 for c in cers) / n, statistics.fmean(seconds), right / n
    )


def throughput(items: list[Item], style: RenderStyle, threads: int) -> float:
    """Seconds per image while `threads` threads read `items`' pages at once (engines built beforehand)."""
    pngs = [render_png(item.full_text, style.for_item(item.id)) for item in items]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(ocr.ocr_png, pngs[:threads]))  # builds the engines the pool will use
        ocr.clear_memo()
        start = time.perf_counter()
        list(pool.map(ocr.ocr_png, pngs))
        return (time.perf_counter() - start) / len(pngs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="SoEBench items (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="generate(n, seed) seed (default 0)")
    parser.add_argument("--upscale", type=int, nargs="+", default=[1], help="upscale factors to compare")
    parser.add_argument("--styles", nargs="+", help="style names (default: rest-default and the 10 REST+)")
    parser.add_argument("--concurrent", type=int, default=0, help="also time this many threads reading at once")
    args = parser.parse_args()

    items = soebench.generate(args.n, args.seed)
    styles = (
        [(name, REST_DEFAULT if name == "rest-default" else style_by_name(name)) for name in args.styles]
        if args.styles
        else [("rest-default", REST_DEFAULT), *((s.name, s) for s in REST_PLUS_STYLES)]
    )
    start = time.perf_counter()
    ocr.engine()
    print(
        f"engine load {time.perf_counter() - start:.2f} s; {args.n} SoEBench items, seed {args.seed}; "
        f"{ocr.OCR_VERSION}, {ocr.READERS} readers x {ocr.ORT_THREADS} onnxruntime thread(s)"
    )
    print(f"{'style':<16} {'up':>2} {'mean CER':>9} {'CER==0':>7} {'s/image':>8} {'answer==gold':>13}")
    for label, style in styles:
        for upscale in args.upscale:
            row = measure(items, label, style, upscale)
            print(
                f"{row.style:<16} {row.upscale:>2} {row.mean_cer:>9.4f} {row.exact_share:>7.0%} "
                f"{row.seconds_per_image:>8.2f} {row.answer_share:>13.0%}",
                flush=True,
            )
    if args.concurrent > 0:
        label, style = styles[0]
        seconds = throughput(items, style, args.concurrent)
        print(f"{args.concurrent} threads reading {label} pages at once: {seconds:.2f} s/image, {1 / seconds:.2f}/s")


if __name__ == "__main__":
    main()
