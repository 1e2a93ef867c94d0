"""AIMD concurrency against a provider that admits N requests a second, versus a fixed concurrency.

The local server admits `--rate` requests a second (a token bucket, bursts of `--burst`) and refuses the rest
with 429 and the wait until the next token as Retry-After; admitted requests take `--latency`. The same
`ModelClient` (litellm's real HTTP path) makes `--calls` calls with `--concurrency` as the ceiling, once with
the adaptive limit (fixtures/models/ratelimit.py) and once with adaptation off (a fixed limit), alternating.
The physical limit is calls / rate; the goal is at most 1.3x, with fewer wasted (refused) attempts than fixed.

    python benchmarks/bench_ratelimit.py [--calls 600] [--rate 50] [--concurrency 32] [--repeats 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pytest_restgate.fixtures.models import ratelimit  # noqa: E402
from pytest_restgate.fixtures.models.aliases import resolve_model  # noqa: E402
from pytest_restgate.fixtures.models.client import ModelClient  # noqa: E402
from pytest_restgate.fixtures.models.llm import import_litellm  # noqa: E402
from tests.support.localserver import LocalServer  # noqa: E402


def one_run(args: argparse.Namespace, adaptive: bool) -> dict[str, float]:
    ratelimit.DECREASE = 0.5 if adaptive else 1.0
    with LocalServer(latency_s=args.latency, admit_per_s=args.rate, burst=args.burst) as server:
        spec = resolve_model("openai/bench-ratelimit", server.base_url)
        client = ModelClient(spec, cache=None, timeout_s=30, max_retries=100, backoff_base_s=0.05,
                             backoff_max_s=5.0, concurrency=args.concurrency)

        async def main() -> tuple[int, ratelimit.LimitStats]:
            outcomes = await asyncio.gather(*(
                client.call([{"role": "user", "content": f"question {n}"}], max_tokens=16, prompt_version="b",
                            renderer_version="b", purpose="text")
                for n in range(args.calls)
            ))
            limit = ratelimit.provider_limit(spec.provider, args.concurrency)
            return sum(o.ok for o in outcomes), limit.stats

        started = time.perf_counter()
        ok, stats = asyncio.run(main())
        wall = time.perf_counter() - started
        return {"wall": wall, "ok": ok, "attempts": server.request_count, "refused": server.refused_count,
                "lowest": stats.lowest, "final": stats.limit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--rate", type=float, default=50.0, help="requests admitted per second")
    parser.add_argument("--burst", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench")
    import_litellm()
    ideal = args.calls / args.rate
    runs: dict[str, list[dict[str, float]]] = {"adaptive": [], "fixed": []}
    for _ in range(args.repeats):
        for name in runs:
            runs[name].append(one_run(args, name == "adaptive"))
    print(f"{args.calls} calls, server admits {args.rate:g}/s (burst {args.burst:g}), latency {args.latency} s, "
          f"ceiling {args.concurrency}; physical limit calls/N = {ideal:.2f} s; load {os.getloadavg()[0]:.2f}")
    for name, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        attempts = statistics.median(r["attempts"] for r in results)
        refused = statistics.median(r["refused"] for r in results)
        last = results[-1]
        print(f"  {name:8s} wall {wall:6.2f} s ({wall / ideal:.2f}x)  attempts {attempts:6.0f}  refused (429) "
              f"{refused:6.0f} ({refused / attempts:.0%})  answered {last['ok']:.0f}  limit lowest {last['lowest']:.1f}"
              f" final {last['final']:.1f}")


if __name__ == "__main__":
    main()
