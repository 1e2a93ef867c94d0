"""Replay recorded chat requests against an OpenAI-compatible server, start to exit: the baselines that
bench_suite_throughput.py sets beside the suite.

    python benchmarks/replay_calls.py aiohttp|litellm PAYLOADS.jsonl BASE_URL CONCURRENCY

`aiohttp`: raw HTTP POSTs (the floor: what any harness must at least do). `litellm`: bare
`litellm.acompletion` with the same messages and parameters (what the suite adds its cache, retries, scheduling
and pytest to). Each line of PAYLOADS is a request body the suite sent (model, messages, max_tokens, ...).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any


async def with_aiohttp(bodies: list[dict[str, Any]], base_url: str, concurrency: int) -> int:
    import aiohttp

    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(body: dict[str, Any]) -> bool:
            async with limit, session.post(f"{base_url}/chat/completions", json=body,
                                           headers={"Authorization": "Bearer x"}) as response:
                reply = await response.json()
                return bool(reply["choices"][0]["message"]["content"])

        return sum(await asyncio.gather(*(one(b) for b in bodies)))


async def with_litellm(bodies: list[dict[str, Any]], base_url: str, concurrency: int) -> int:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    limit = asyncio.Semaphore(concurrency)

    async def one(body: dict[str, Any]) -> bool:
        params = {k: v for k, v in body.items() if k not in ("model", "messages")}
        async with limit:
            reply = await litellm.acompletion(model=f"openai/{body['model']}", messages=body["messages"],
                                              api_base=base_url, api_key="x", timeout=60, num_retries=0, **params)
        return bool(reply.choices[0].message.content)

    return sum(await asyncio.gather(*(one(b) for b in bodies)))


def main() -> None:
    mode, payloads, base_url, concurrency = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    bodies = [json.loads(line) for line in payloads.read_text().splitlines() if line.strip()]
    run = {"aiohttp": with_aiohttp, "litellm": with_litellm}[mode]
    answered = asyncio.run(run(bodies, base_url, concurrency))
    if answered != len(bodies):
        raise SystemExit(f"{mode}: {answered} of {len(bodies)} answered")


if __name__ == "__main__":
    main()
