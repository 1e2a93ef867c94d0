"""An inspect_ai task that sends the recorded requests of PAYLOADS (env RESTGATE_PAYLOADS), one sample each:
inspect_ai's side of bench_suite_throughput.py (`inspect eval benchmarks/inspect_replay_task.py ...`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageUser, ContentImage, ContentText
from inspect_ai.solver import generate


def _content(part: dict[str, Any]) -> ContentText | ContentImage:
    if part["type"] == "text":
        return ContentText(text=part["text"])
    return ContentImage(image=part["image_url"]["url"])


@task
def replay() -> Task:
    bodies = [json.loads(line) for line in Path(os.environ["RESTGATE_PAYLOADS"]).read_text().splitlines() if line]
    samples = []
    for n, body in enumerate(bodies):
        messages = [ChatMessageUser(content=[_content(p) for p in m["content"]] if isinstance(m["content"], list)
                                    else m["content"]) for m in body["messages"]]
        samples.append(Sample(input=messages, id=n))
    return Task(dataset=MemoryDataset(samples), solver=generate())
