"""What must hold before a gate may speak: the run finished, every judged dataset has data, the budget held.

Why a module of its own: these checks decide whether a verdict exists at all (INCOMPLETE), or whether a
threshold has anything to judge ("no data"), independently of which figure is gated; the plugin asks them
once after the loop and the terminal, the report and summary.json all show the same answer.
"""

from __future__ import annotations

import html
from typing import Any


def notices(summary: dict[str, Any]) -> list[str]:
    """Warnings a person must see at the top: incomplete run, datasets short of --limit, truncated replies."""
    lines = []
    run = summary.get("run") or {}
    if summary.get("complete") is False:
        lines.append(f"INCOMPLETE run: {summary.get('finished')} of {summary.get('planned')} planned tests "
                     f"finished ({summary.get('incomplete_reason')}); no release verdict, no baseline saved")
    lines.extend(f"warning: {text}" for text in (run.get("shortfall") or {}).values())
    truncated = summary.get("truncated") or {}
    if truncated:
        lines.append("truncated replies (finish_reason 'length', output cap reached): "
                     + ", ".join(f"{m} {n}" for m, n in sorted(truncated.items()))
                     + "; raise --max-tokens or the alias's max_tokens")
    return lines


def notices_html(summary: dict[str, Any]) -> str:
    """The same notices as a red/amber banner at the top of the report."""
    lines = notices(summary)
    if not lines:
        return ""
    rows = "".join(
        f'<p style="margin:4px 0;color:{"#b00020" if line.startswith("INCOMPLETE") else "#7a4b00"};'
        f'font-weight:bold">{html.escape(line)}</p>' for line in lines
    )
    return f'<div id="restgate-notices" style="border:2px solid #b00020;padding:8px;margin:8px 0">{rows}</div>'


__all__ = ["notices", "notices_html"]
