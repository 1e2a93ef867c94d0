"""REST+ at growing sizes: wall time, peak memory per process and report size against the number of units.

Each size is one whole suite run (`pytest --rest-plus --limit=N -n WORKERS`) against a local OpenAI-compatible
server that answers after a fixed latency; a share of the image answers differ (`--inconsistent`, 5%: about
one unit in ten fails), so the report holds failures as a real run's does. While the run goes, every process of
its tree is sampled from /proc (`VmHWM`, the kernel's own peak resident set, so a short peak between samples is
not missed): the controller and each xdist worker get their own peak. After the run: the sizes of report.html
(and of what sits beside it), summary.json and results.jsonl, and the time headless Chromium takes to load the
report and take a screenshot (beside its time for an empty page, the browser's own start-up). The load average
(`os.getloadavg()`) is printed beside every row: the box is shared, so compare rows within one run. Not part of
the test run.

    python benchmarks/bench_scale.py [--items 15 150 600 1500] [--workers 2] [--concurrency 64]
        [--latency 0.3] [--inconsistent 0.05] [--plot docs/perf-scale-restplus.svg] [--json out.json] [--keep DIR]
    python benchmarks/bench_scale.py --replot small.json large.json --plot docs/perf-scale-restplus.svg
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support import localserver  # noqa: E402

STYLES = 10
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MB = 1024 * 1024


def replier(share: float) -> localserver.ReplyFn:
    """7 for every text prompt; 8 for about `share` of the images (by the image bytes' checksum): some units
    inconsistent, as a real model's are (an image and a mixed call each: about 2 x `share` of the units)."""
    cut = int(share * 1000)

    def reply(messages: list[dict[str, Any]]) -> str:
        for message in messages:
            for part in message.get("content") or []:
                if (isinstance(part, dict) and part.get("type") == "image_url"
                        and zlib.crc32(part["image_url"]["url"][-200:].encode()) % 1000 < cut):
                    return "Reading the page...\nAnswer: 8"
        return "Reading the question...\nAnswer: 7"

    return reply


def children(root: int) -> list[int]:
    """`root` and every process below it (from /proc's parent links)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def peak_kb(pid: int) -> int | None:
    """The process's peak resident set so far (VmHWM), in KB; None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Sampler(threading.Thread):
    """Samples the peak RSS of every process in the tree below `root` every `every` seconds."""

    def __init__(self, root: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.peaks, self.names = root, every, {}, {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in children(self.root):
                kb = peak_kb(pid)
                if kb is None:
                    continue
                self.peaks[pid] = max(kb, self.peaks.get(pid, 0))
                if pid not in self.names:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    self.names[pid] = "controller" if pid == self.root else ("worker" if "python" in cmd else cmd[:30])
            self.done.wait(self.every)

    def summary(self) -> dict[str, float]:
        """Peak MB of the controller and of the largest worker."""
        workers = [kb for pid, kb in self.peaks.items() if self.names.get(pid) == "worker"]
        return {"controller_mb": self.peaks.get(self.root, 0) / 1024, "worker_mb": max(workers, default=0) / 1024,
                "workers": len(workers)}


def chromium(page: Path, shot: Path) -> float | None:
    """Seconds headless Chromium takes to load `page` and write a screenshot; None without a browser."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        return None
    started = time.perf_counter()
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                    "--window-size=1400,2400", page.resolve().as_uri()], capture_output=True, timeout=300)
    return time.perf_counter() - started


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / MB


def run_size(server: localserver.LocalServer, items: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """One suite run at `items` REST+ items: wall, peaks, sizes and Chromium's load time."""
    report_dir = out / f"items-{items}"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rest-plus", "--model=openai/bench",
               f"--api-base={server.base_url}", f"--limit={items}", f"--concurrency={args.concurrency}",
               "--response-cache=off", f"--report-dir={report_dir}", "-n", str(args.workers)]
    server.reset_requests()
    before = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = Sampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"the suite run failed with exit code {process.returncode}:\n{output[-2000:]}")
    report = next(report_dir.rglob("report.html"))
    run_dir = report.parent
    shot = out / f"shot-{items}.png"
    return {"items": items, "units": items * STYLES, "calls": server.request_count, "wall": wall,
            **sampler.summary(), "report_mb": report.stat().st_size / MB,
            "beside_mb": folder_mb(run_dir) - sum(p.stat().st_size for p in run_dir.iterdir() if p.is_file()) / MB,
            "summary_kb": (run_dir / "summary.json").stat().st_size / 1024,
            "results_mb": (run_dir / "results.jsonl").stat().st_size / MB,
            "paint_s": chromium(report, shot), "load": round((before + os.getloadavg()[0]) / 2, 2)}


def row(r: dict[str, Any], blank_s: float | None) -> str:
    paint = "n/a" if r["paint_s"] is None else f"{r['paint_s']:5.2f} s (blank page {blank_s:4.2f} s)"
    return (f"{r['items']:6d} {r['units']:7d} {r['calls']:7d} {r['wall']:8.1f} {r['controller_mb']:8.0f} "
            f"{r['worker_mb']:8.0f} {r['report_mb']:8.2f} {r['beside_mb']:8.2f} {r['summary_kb']:8.0f} "
            f"{r['results_mb']:8.1f}  {paint}  load {r['load']}")


HEADER = ("items   units   calls   wall s  ctrl MB  wrkr MB report MB beside MB summ KB results MB  "
          "Chromium screenshot")


def plot(runs: list[dict[str, Any]], path: Path, blank_s: float | None) -> None:
    """Four panels against units: wall time, peak memory per process, report size, Chromium's load time."""
    try:
        import matplotlib
    except ImportError:
        print("plot skipped: matplotlib is not installed")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    units = [r["units"] for r in runs]
    fig, (wall, memory, size, paint) = plt.subplots(1, 4, figsize=(14, 3.4))
    wall.plot(units, [r["wall"] for r in runs], "o-")
    wall.set_ylabel("wall time, pytest start to exit (s)")
    memory.plot(units, [r["controller_mb"] for r in runs], "o-", label="controller")
    memory.plot(units, [r["worker_mb"] for r in runs], "s-", label="largest worker")
    memory.axhline(1024, color="grey", linestyle="--", label="1 GB goal")
    memory.set_ylabel("peak RSS (MB)")
    memory.legend(fontsize=8)
    size.plot(units, [r["report_mb"] for r in runs], "o-", label="report.html")
    size.plot(units, [r["beside_mb"] for r in runs], "^:", label="files beside it")
    size.axhline(10, color="grey", linestyle="--", label="10 MB goal")
    size.set_ylabel("MB")
    size.legend(fontsize=8)
    paint.plot(units, [r["paint_s"] or 0 for r in runs], "o-", label="report.html")
    if blank_s is not None:
        paint.axhline(blank_s, color="grey", linestyle=":", label="an empty page")
    paint.set_ylabel("Chromium: load and screenshot (s)")
    paint.legend(fontsize=8)
    for axis in (wall, memory, size, paint):
        axis.set_xlabel("REST+ units (items x 10 styles)")
        axis.set_ylim(bottom=0)
    loads = ", ".join(str(r["load"]) for r in runs)
    fig.suptitle(f"REST+ at scale on {os.cpu_count()} cores (load {loads})", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[15, 150, 600, 1500])
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (the README's -n 2)")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--inconsistent", type=float, default=0.05,
                        help="share of image answers that differ (about twice that share of units fail)")
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the run folders and screenshots here")
    parser.add_argument("--replot", type=Path, nargs="+", default=None,
                        help="no runs: print and plot the rows of earlier --json files (sizes run apart)")
    args = parser.parse_args()
    if args.replot:
        saved = [json.loads(path.read_text()) for path in args.replot]
        runs = sorted((r for doc in saved for r in doc["runs"]), key=lambda r: r["units"])
        print(HEADER)
        for r, doc in ((r, d) for d in saved for r in d["runs"]):
            print(row(r, doc["blank_paint_s"]))
        if args.plot:
            plot(runs, args.plot, saved[0]["blank_paint_s"])
        return
    localserver.KEEP_REQUESTS = 0  # the server keeps no request bodies: 46,500 of them would be gigabytes
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    blank = out / "blank.html"
    blank.write_text("<html><body>blank</body></html>")
    blank_s = chromium(blank, out / "shot-blank.png")
    runs = []
    print(HEADER, flush=True)
    with localserver.LocalServer(reply=replier(args.inconsistent), latency_s=args.latency) as server:
        for items in args.items:
            runs.append(run_size(server, items, args, out))
            print(row(runs[-1], blank_s), flush=True)
    if args.plot:
        plot(runs, args.plot, blank_s)
    if args.json:
        args.json.write_text(json.dumps({"blank_paint_s": blank_s, "runs": runs}, indent=1))
    if args.keep is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
