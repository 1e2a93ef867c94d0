"""Rendering speed: images per second at 50, 100 and 200 DPI, render only and render + PNG.

Not a test (pytest never collects benchmarks/). Run from the repository root:

    python benchmarks/bench_render.py                 # all three faces, default 3 s per measurement
    python benchmarks/bench_render.py --samples /tmp/render_samples   # also write the sample PNGs

Every figure is measured in this run; the ratios compare measurements taken back to back on one machine.
By default time is the process's CPU time, so a busy shared machine gives the same figures as an idle one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytest_restgate.renderers import REST_DEFAULT, REST_PLUS_STYLES, RenderStyle, render, style_by_name, to_png

SYSTEM = (
    "3A + 2B - C + 4D = 17\n4A + 5C - D = 22\nA + B + C + D = 9\n2A - 3B + D = 1\n\n"
    "What is the value of A + B?"
)

QUESTION = (
    "A physics student drops a small steel ball from rest at the top of a building that is 40 m tall. At the "
    "same instant a friend standing on the ground directly below throws an identical ball straight upward "
    "with an initial speed of 20 m/s. Neglect air resistance and take the acceleration due to gravity as "
    "9.8 m/s^2. The two balls move along the same vertical line and do not collide with anything else "
    "before they meet. At what height above the ground do the two balls pass each other, and which ball is "
    "moving faster at that moment?\n\n"
    "A) 19.6 m; the dropped ball\n"
    "B) 20.4 m; the thrown ball\n"
    "C) 24.1 m; both have the same speed\n"
    "D) 30.2 m; the dropped ball"
)

TEXTS = {"system": SYSTEM, "question": QUESTION}


CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
"""`cpu` (default) counts this process's CPU seconds, so other jobs on a shared machine do not distort the
figures (rendering is single-threaded); `wall` is what a lone process on an idle machine would see."""


def rate(work: Callable[[], object], seconds: float, clock: Callable[[], float]) -> float:
    """Calls per second of `clock`: the median of five timed batches, each sized to take about seconds / 5."""
    start = clock()
    calls = 0
    while clock() - start < 0.2 or calls < 3:  # warm up and size the batches
        work()
        calls += 1
    per_call = (clock() - start) / calls
    batch = max(1, int(seconds / 5 / per_call))
    rates = []
    for _ in range(5):
        t0 = clock()
        for _ in range(batch):
            work()
        rates.append(batch / (clock() - t0))
    return statistics.median(rates)


def measure(style: RenderStyle, seconds: float, clock: Callable[[], float]) -> tuple[float, float]:
    """(render-only, render + PNG) images per second for `style`, cycling over the benchmark texts."""
    texts = list(TEXTS.values())
    counter = iter(range(10**12))

    def render_only() -> object:
        return render(texts[next(counter) % len(texts)], style)

    def render_and_png() -> object:
        return to_png(render(texts[next(counter) % len(texts)], style))

    return rate(render_only, seconds, clock), rate(render_and_png, seconds, clock)


def write_samples(folder: Path) -> None:
    """Every text in the default style and in all 10 REST+ styles, for looking at."""
    folder.mkdir(parents=True, exist_ok=True)
    for style in (REST_DEFAULT, *REST_PLUS_STYLES):
        resolved = style.for_item("soebench/0000")
        for label, text in TEXTS.items():
            image = render(text, resolved)
            (folder / f"{label}-{style.name}.png").write_bytes(to_png(image))
            print(f"  {label}-{style.name}.png  {image.width}x{image.height}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement (default 3)")
    parser.add_argument("--fonts", nargs="+", default=["dejavu", "courier", "cursive"])
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="cpu (default) or wall")
    parser.add_argument("--samples", type=Path, help="also write sample PNGs to this folder")
    args = parser.parse_args()

    if args.samples:
        print(f"samples in {args.samples}:")
        write_samples(args.samples)
    print(f"texts: {len(SYSTEM)}-char 4-equation system, {len(QUESTION)}-char multiple-choice question")
    print(f"images per {args.clock} second, median of 5 batches; PNG size of the question page")
    print(f"{'style':<16}{'size':>11}{'render/s':>11}{'+PNG/s':>9}{'PNG KB':>8}")
    results: dict[tuple[str, int], tuple[float, float]] = {}
    for font in args.fonts:
        for dpi in (50, 100, 200):
            style = style_by_name(f"{font}-{dpi}dpi")
            results[font, dpi] = measure(style, args.seconds, CLOCKS[args.clock])
            image = render(QUESTION, style)
            kb = len(to_png(image)) / 1024
            size = f"{image.width}x{image.height}"
            only, with_png = results[font, dpi]
            print(f"{style.name:<16}{size:>11}{only:>11.1f}{with_png:>9.1f}{kb:>8.1f}")
    print("ratio 200 DPI / 50 DPI throughput (render only, render + PNG):")
    for font in args.fonts:
        (lo_only, lo_png), (hi_only, hi_png) = results[font, 50], results[font, 200]
        print(f"  {font:<9} {hi_only / lo_only:.2f}  {hi_png / lo_png:.2f}")


if __name__ == "__main__":
    main()
