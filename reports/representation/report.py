"""representation.json and representation.html: the per-layer curve, the per-item join, the across-runs fit.

The page is self-contained (inline SVG, no script, no external file) so it can be mailed or archived with the
run folder; without matplotlib it still has every figure as a table.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_restgate.reports.cells import html_cell as _fmt
from pytest_restgate.reports.representation.join import PAPER_R2, Correlation
from pytest_restgate.reports.representation.pooling import LayerCurve

JSON_NAME = "representation.json"
HTML_NAME = "representation.html"


def build_document(*, model: str, device: str, item_ids: Sequence[str], curve: LayerCurve,
                   text_tokens: Sequence[int], image_tokens: Sequence[int],
                   consistent: Mapping[str, bool] | None, per_item: Correlation | None,
                   across: Mapping[str, Any] | None, source: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the analysis found, JSON-ready."""
    best = curve.best_layer
    items = []
    for k, item_id in enumerate(item_ids):
        row: dict[str, Any] = {"item_id": item_id, "cosine_best_layer": curve.per_item[k][best],
                               "cosine_per_layer": list(curve.per_item[k]), "text_tokens": text_tokens[k],
                               "image_tokens": image_tokens[k]}
        if consistent is not None:
            row["consistent"] = consistent.get(item_id)
        items.append(row)
    return {
        "schema": "restgate-representation-1",
        "model": model, "device": device, "source": dict(source), "n_items": len(item_ids),
        "layers": len(curve.cosine) - 1,
        "curve": {"cosine": list(curve.cosine), "image_to_text": list(curve.image_to_text),
                  "text_to_image": list(curve.text_to_image), "best_layer": best, "maxima": curve.maxima()},
        "per_item_vs_consistency": None if per_item is None else {
            **per_item.as_json(), "similarity": f"cosine at layer {best} (the best layer)",
        },
        "across_runs": None if across is None else dict(across),
        "paper_r2": PAPER_R2,
        "items": items,
    }


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.find("<svg"):]


def curve_svg(doc: Mapping[str, Any]) -> str | None:
    """The per-layer curve (cosine, retrieval both ways) as inline SVG; None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    curve = doc["curve"]
    layers = list(range(len(curve["cosine"])))
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.plot(layers, curve["cosine"], marker="o", label="mean cosine (image vs text)")
    ax.plot(layers, curve["image_to_text"], marker="s", linestyle="--", label="retrieval image→text")
    ax.plot(layers, curve["text_to_image"], marker="^", linestyle=":", label="retrieval text→image")
    ax.set_xlabel("layer (0 = embeddings)")
    ax.set_xticks(layers if len(layers) <= 16 else layers[:: max(1, len(layers) // 12)])
    ax.set_ylim(min(0.0, *curve["cosine"]) - 0.05, 1.05)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    svg = _svg(fig)
    plt.close(fig)
    return svg


def items_svg(doc: Mapping[str, Any]) -> str | None:
    """Per-item similarity, consistent vs inconsistent items (a strip plot); None without matplotlib or a run."""
    rows = [r for r in doc["items"] if r.get("consistent") is not None]
    if not rows:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(4.5, 3.0))
    for x, flag in enumerate((False, True)):
        ys = [r["cosine_best_layer"] for r in rows if r["consistent"] is flag]
        offsets = [x + 0.25 * ((k % 9) / 8 - 0.5) for k in range(len(ys))]
        ax.scatter(offsets, ys, s=14, alpha=0.7)
    ax.set_xticks([0, 1], ["inconsistent", "consistent"])
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylabel(f"cosine at layer {doc['curve']['best_layer']}")
    ax.grid(alpha=0.3, axis="y")
    svg = _svg(fig)
    plt.close(fig)
    return svg


def _corr_line(name: str, corr: Mapping[str, Any] | None) -> str:
    if not corr:
        return ""
    return (f"<p><b>{html.escape(name)}</b>: n = {corr['n']}, r = {_fmt(corr['r'])}, R² = {_fmt(corr['r2'])}, "
            f"p = {_fmt(corr['p'])}" + (f" (paper: R² ≈ {PAPER_R2})" if "paper_r2" in corr else "") + "</p>")


def render_html(doc: Mapping[str, Any]) -> str:
    """The page: headline maxima, the curve, the join, the per-layer table."""
    curve, maxima = doc["curve"], doc["curve"]["maxima"]
    rows = "".join(
        f"<tr><td>{k}</td><td>{_fmt(c)}</td><td>{_fmt(i)}</td><td>{_fmt(t)}</td></tr>"
        for k, (c, i, t) in enumerate(zip(curve["cosine"], curve["image_to_text"], curve["text_to_image"],
                                          strict=True)))
    heads = "".join(f"<li>{html.escape(name)}: max {_fmt(m['max'])} at layer {m['layer']}</li>"
                    for name, m in maxima.items())
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>restgate representation analysis</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#111}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}</style>",
        "</head><body><h1>Representation analysis</h1>",
        f"<p>model <b>{html.escape(str(doc['model']))}</b> on {doc['device']}, {doc['n_items']} items, "
        f"{doc['layers']} layers. Per layer: mean-pooled image-token states vs mean-pooled item-text states "
        "(chat template and instruction excluded), cosine and retrieval accuracy within the set.</p>",
        f"<ul>{heads}</ul>",
        curve_svg(doc) or "<p>(matplotlib is not installed: the curve is in the table below)</p>",
        _corr_line("per item: similarity vs consistent (point-biserial)", doc.get("per_item_vs_consistency")),
        items_svg(doc) or "",
        _corr_line("across runs: similarity vs the paper's headline RER (OCR-correct subset, mean over datasets; "
                   "Pearson)", doc.get("across_runs")),
        "<table><tr><th>layer</th><th>cosine</th><th>image→text</th><th>text→image</th></tr>", rows, "</table>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write(run_dir: Path, doc: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write both files into the run folder; returns their paths."""
    run_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = run_dir / JSON_NAME, run_dir / HTML_NAME
    json_path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    html_path.write_text(render_html(doc), encoding="utf-8")
    return json_path, html_path


def curve_lines(doc: Mapping[str, Any]) -> list[str]:
    """The per-layer output for the terminal."""
    curve = doc["curve"]
    lines = [f"{doc['model']}: {doc['n_items']} items, {doc['layers']} layers, device {doc['device']}",
             "layer  cosine  img->txt  txt->img"]
    for k, (c, i, t) in enumerate(zip(curve["cosine"], curve["image_to_text"], curve["text_to_image"],
                                      strict=True)):
        lines.append(f"{k:>5}  {c:6.3f}  {i:8.3f}  {t:8.3f}")
    for name, m in curve["maxima"].items():
        lines.append(f"max {name}: {m['max']:.3f} at layer {m['layer']}")
    corr = doc.get("per_item_vs_consistency")
    if corr:
        why = "" if corr["r"] is not None else " (undefined: under 3 items, or every item got the same verdict)"
        lines.append(f"per item vs consistent: n={corr['n']} r={_fmt(corr['r'])} p={_fmt(corr['p'])}{why}")
    across = doc.get("across_runs")
    if across:
        lines.append(f"across runs vs headline RER (OCR-correct, mean over datasets): n={across['n']} "
                     f"r={_fmt(across['r'])} R²={_fmt(across['r2'])} "
                     f"(paper R² ≈ {PAPER_R2})")
    return lines
