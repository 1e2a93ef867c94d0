"""Per-call overhead of the client path (ModelClient -> litellm -> HTTP) against a direct HTTP call.

Runs the local OpenAI-compatible server in a separate process (so its threads do not share this process's
GIL), then:
1. zero added latency, N sequential calls of the same request per path, the paths taking turns: direct
   aiohttp POST (keep-alive), bare `litellm.acompletion`, `ModelClient.call` with the cache off, and a cache
   hit; median ms, ratio to direct HTTP, and process CPU ms per call;
2. 300 ms added latency, 600 calls at concurrency 32 for each path, against the ideal 600 * 0.3 / 32 s.

    python benchmarks/bench_client.py [--calls 300] [--image] [--concurrent-calls 600 --concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_restgate.fixtures.models.aliases import resolve_model  # noqa: E402
from pytest_restgate.fixtures.models.cache import ResponseCache  # noqa: E402
from pytest_restgate.fixtures.models.client import ModelClient  # noqa: E402
from pytest_restgate.fixtures.models.llm import import_litellm  # noqa: E402

MODEL = "openai/bench"
KEY = "sk-bench-not-a-real-key"


def start_server() -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "tests.support.localserver", "--port", "0", "--echo"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    base_url = proc.stdout.readline().split()[2]
    return proc, base_url


def set_latency(base_url: str, latency_s: float) -> None:
    url = base_url.removesuffix("/v1") + "/control/latency"
    body = json.dumps({"latency_s": latency_s}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


def page_png() -> bytes:
    """A SoEBench-like item rendered in the REST default style: the size of a real image request."""
    from pytest_restgate.renderers import REST_DEFAULT, render_png

    text = (
        "Solve the system of equations.\n\n3A + 2B - C = 17\n4A + 5C = 22\nA + B + C = 9\n\n"
        "What is the value of A + B?\n\nA) 3  B) 4  C) 5  D) 6"
    )
    return render_png(text, REST_DEFAULT)


def messages(image: bytes | None) -> list[dict[str, Any]]:
    if image is None:
        return [{"role": "user", "content": "Solve 3A + 2B - C = 17 for A. Answer with a number."}]
    uri = "data:image/png;base64," + base64.b64encode(image).decode()
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Solve the system in the image. Answer with a number."},
                {"type": "image_url", "image_url": {"url": uri}},
            ],
        }
    ]


async def interleaved(n: int, paths: dict[str, Callable[[], Awaitable[Any]]]) -> dict[str, list[float]]:
    """Wall time per call, the paths taking turns call by call so that machine drift hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    for fn in paths.values():
        for _ in range(20):  # warm-up: connection pools, lazy imports, first-call set-up
            await fn()
    for i in range(n):
        order = list(paths.items())
        order = order[i % len(order) :] + order[: i % len(order)]
        for name, fn in order:
            started = time.perf_counter()
            await fn()
            times[name].append(time.perf_counter() - started)
    return times


async def cpu_per_call(n: int, fn: Callable[[], Awaitable[Any]]) -> float:
    """Process CPU seconds per call, litellm's background logging tasks included (they run on this loop)."""
    started = time.process_time()
    for _ in range(n):
        await fn()
    await asyncio.sleep(0.2)  # let queued logging tasks finish inside the measurement
    return (time.process_time() - started) / n


async def sequential(
    base_url: str, n: int, image: bytes | None, cache_dir: Path
) -> tuple[dict[str, list[float]], dict[str, float]]:
    import aiohttp

    litellm = import_litellm()
    msgs = messages(image)
    payload = {"model": "bench", "messages": msgs, "temperature": 0, "max_tokens": 64}
    headers = {"Authorization": f"Bearer {KEY}"}
    spec = resolve_model(MODEL, base_url)
    client = ModelClient(spec, cache=ResponseCache(cache_dir, "off"), timeout_s=30, max_retries=0)
    cached = ModelClient(spec, cache=ResponseCache(cache_dir, "use"), timeout_s=30, max_retries=0)

    async with aiohttp.ClientSession() as session:

        async def direct() -> None:
            async with session.post(f"{base_url}/chat/completions", json=payload, headers=headers) as resp:
                body = await resp.json()
                assert body["choices"][0]["message"]["content"]

        async def bare_litellm() -> None:
            r = await litellm.acompletion(
                model=MODEL,
                api_base=base_url,
                messages=msgs,
                temperature=0,
                max_tokens=64,
                timeout=30,
                num_retries=0,
            )
            assert r.choices[0].message.content

        async def through_client() -> None:
            r = await client.call(msgs, max_tokens=64, prompt_version="b", renderer_version="b", purpose="bench")
            assert r.ok, r.error

        async def cache_hit() -> None:
            r = await cached.call(msgs, max_tokens=64, prompt_version="b", renderer_version="b", purpose="bench")
            assert r.ok, r.error

        paths = {
            "direct HTTP (aiohttp)": direct,
            "bare litellm.acompletion": bare_litellm,
            "ModelClient.call, cache off": through_client,
            "ModelClient.call, cache hit": cache_hit,
        }
        results = await interleaved(n, paths)
        cpu = {name: await cpu_per_call(n, fn) for name, fn in paths.items()}
    return results, cpu


async def concurrent(base_url: str, calls: int, concurrency: int) -> dict[str, tuple[float, float, float]]:
    """Wall s, client CPU s and median per-call s of `calls` calls at `concurrency`, for each path."""
    import aiohttp

    litellm = import_litellm()
    spec = resolve_model(MODEL, base_url)
    client = ModelClient(spec, cache=None, timeout_s=60, max_retries=0, concurrency=concurrency)
    limit = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {KEY}"}

    def request(i: int) -> list[dict[str, Any]]:
        return [*messages(None), {"role": "user", "content": f"#{i}"}]

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def direct(i: int) -> float:
            async with limit:
                started = time.perf_counter()
                payload = {"model": "bench", "messages": request(i), "temperature": 0, "max_tokens": 64}
                async with session.post(f"{base_url}/chat/completions", json=payload, headers=headers) as resp:
                    assert (await resp.json())["choices"][0]["message"]["content"]
                return time.perf_counter() - started

        async def bare_litellm(i: int) -> float:
            async with limit:
                started = time.perf_counter()
                r = await litellm.acompletion(
                    model=MODEL,
                    api_base=base_url,
                    messages=request(i),
                    temperature=0,
                    max_tokens=64,
                    timeout=60,
                    num_retries=0,
                )
                assert r.choices[0].message.content
                return time.perf_counter() - started

        async def through_client(i: int) -> float:
            r = await client.call(request(i), max_tokens=64, prompt_version="b", renderer_version="b", purpose="b")
            assert r.ok, r.error
            return r.usage.latency_s

        out = {}
        paths = (
            ("direct HTTP (aiohttp)", direct),
            ("bare litellm", bare_litellm),
            ("ModelClient.call", through_client),
        )
        for name, fn in paths:
            await asyncio.gather(*(fn(-i - 1) for i in range(concurrency)))  # warm the connection pools
            started, cpu = time.perf_counter(), time.process_time()
            latencies = await asyncio.gather(*(fn(i) for i in range(calls)))
            out[name] = (time.perf_counter() - started, time.process_time() - cpu, statistics.median(latencies))
    return out


def report_sequential(title: str, results: dict[str, list[float]], cpu: dict[str, float]) -> None:
    base = statistics.median(results["direct HTTP (aiohttp)"])
    print(f"\n{title}")
    print(f"  {'path':30} {'median ms':>10} {'p10 ms':>8} {'p90 ms':>8} {'x direct':>9} {'CPU ms/call':>12}")
    for name, times in results.items():
        med = statistics.median(times)
        ordered = sorted(times)
        p10, p90 = ordered[int(0.1 * len(times))], ordered[int(0.9 * len(times))]
        print(
            f"  {name:30} {med * 1e3:10.2f} {p10 * 1e3:8.2f} {p90 * 1e3:8.2f} {med / base:9.2f} {cpu[name] * 1e3:12.2f}"
        )
    client = statistics.median(results["ModelClient.call, cache off"])
    bare = statistics.median(results["bare litellm.acompletion"])
    print(
        f"  overhead per call vs direct HTTP (medians): ModelClient {(client - base) * 1e3:.2f} ms = litellm "
        f"{(bare - base) * 1e3:.2f} ms + our wrapper {(client - bare) * 1e3:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="sequential calls per path")
    parser.add_argument("--image", action="store_true", help="also time a request carrying a rendered page")
    parser.add_argument("--concurrent-calls", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args()

    os.environ["OPENAI_API_KEY"] = KEY
    started = time.perf_counter()
    import_litellm()
    print(f"litellm import: {time.perf_counter() - started:.2f} s")
    proc, base_url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results, cpu = asyncio.run(sequential(base_url, args.calls, None, Path(tmp) / "text"))
            report_sequential(f"text request, zero latency, {args.calls} sequential calls per path", results, cpu)
            if args.image:
                png = page_png()
                results, cpu = asyncio.run(sequential(base_url, args.calls, png, Path(tmp) / "image"))
                report_sequential(
                    f"request with a {len(png) / 1024:.0f} KB PNG page (REST default rendering), zero latency",
                    results,
                    cpu,
                )
        set_latency(base_url, args.latency)
        ideal = args.concurrent_calls * args.latency / args.concurrency
        print(
            f"\n{args.concurrent_calls} calls, {args.latency * 1e3:.0f} ms latency, concurrency {args.concurrency}, "
            f"ideal {ideal:.2f} s ({os.cpu_count()} cores)"
        )
        for name, (wall, cpu, median) in asyncio.run(
            concurrent(base_url, args.concurrent_calls, args.concurrency)
        ).items():
            print(
                f"  {name:22} {wall:6.2f} s  ratio to ideal {wall / ideal:5.3f}  median call {median * 1e3:6.1f} ms  "
                f"client CPU {cpu / args.concurrent_calls * 1e3:5.2f} ms/call"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
