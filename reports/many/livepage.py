"""The merged run's report.html: the same pytest-html page a live run writes, with every shard's tests in it.

Why: `restgate merge` used to write a page of its own layout, without the rendered pictures or the raw answers
a live report shows for each test. Each shard's report.html already holds them (pytest-html keeps every test,
with its extras, in one JSON blob that the page's script renders), so the merged page is the first shard's page
with the tests of all shards in that blob, the outcome counts recounted, and the summary section replaced by the
merged summary (the live run's own `summary_html`, judged once over all shards). The verdict is the merge's
alone: the shard's banner and each shard's own gate row (reports/gatecase.py) are taken out, and the merged
verdict's banner (and, failed under gate options, its row and count, as a live page has them) put in. An
inconsistent test is listed as the merge's gate options read it: a shard run without them lists it as failed where
the merge, gated, lists an expected failure, as the unsharded run would (read from the mark on its row, never from
its name); every other row keeps the result its shard gave it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_restgate.core.gates import GateResult
from pytest_restgate.reports.extras import INCONSISTENT_MARK
from pytest_restgate.reports.html import summary_html
from pytest_restgate.reports.pictures import FOLDER
from pytest_restgate.reports.release import JUNIT_NODEID, ReleaseVerdict, add_banner
from pytest_restgate.reports.rows import unlisted_note
from pytest_restgate.reports.trust import notices_html

BLOB = re.compile(r'(<div id="data-container" data-jsonblob=")([^"]*)(")')
PREFIX = re.compile(r'(<div class="additional-summary prefix">)(.*?)(</div>\s*<p class="run-count">)(.*?)(</p>)',
                    re.DOTALL)
FILTER = re.compile(r'(<input checked="true" class="filter" name="filter_checkbox" type="checkbox" '
                    r'data-test-result="(\w+)" ?)(disabled)?(>\s*<span class="\2">)(\d+)')
BANNER = re.compile(r'<div id="restgate-verdict".*?(?=<div id="environment-header">)', re.DOTALL)
"""A page's verdict banner: reports/release.py puts it just above pytest-html's Environment box."""
CELL = re.compile(r'<td class="col-([\w-]+)"[^>]*>.*?</td>', re.DOTALL)
TITLE = re.compile(r"(<title id=\"head-title\">|<h1 id=\"title\">)(.*?)(</title>|</h1>)")


def _blob(page: str) -> dict[str, Any] | None:
    found = BLOB.search(page)
    if found is None:
        return None
    try:
        data = json.loads(html.unescape(found[2]))
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("tests"), dict) else None


def _counts(texts: list[str]) -> dict[str, int]:
    """Outcomes as pytest-html's filters name them (passed, failed, error, ...), summed over the shards' pages:
    their counts, not their rows, since a large run lists only the tests that did not pass (reports/rows.py)."""
    out: dict[str, int] = {}
    for text in texts:
        for m in FILTER.finditer(text):
            out[m[2]] = out.get(m[2], 0) + int(m[5])
    return out


def _judged_by_the_merge(blob: dict[str, Any], inconsistent: int | None, gated: bool, counts: dict[str, int]) -> bool:
    """List a shard's inconsistent tests as the merge's gate options read them: an expected failure (a finding)
    under gate options, a failure without (as reports/findings.py does in a live run), moving pytest-html's
    counts with them. Only when the shard's page marks every one of them (reports/extras.py), so that rows and
    counts cannot disagree: a page written before the mark, or a large shard that lists only its first failures,
    stays as its shard gave it (False)."""
    cells = [(entry, k) for entries in blob["tests"].values() for entry in entries
             for k, cell in enumerate(entry.get("resultsTableRow") or []) if INCONSISTENT_MARK in str(cell)]
    if inconsistent is None or len(cells) != inconsistent:
        return inconsistent == 0
    want = "XFailed" if gated else "Failed"
    for entry, k in cells:
        found = re.search(r">(Failed|XFailed)</td>", entry["resultsTableRow"][k])
        if found is None or found[1] == want:
            continue
        entry["resultsTableRow"][k] = entry["resultsTableRow"][k].replace(found[0], f">{want}</td>")
        entry["result"] = want
        counts[found[1].lower()] = max(0, counts.get(found[1].lower(), 0) - 1)
        counts[want.lower()] = counts.get(want.lower(), 0) + 1
    return True


def merged_live_page(pages: list[Path | None], summary: dict[str, Any], gates: list[GateResult],
                     regression: dict[str, Any] | None, verdict: ReleaseVerdict,
                     inconsistent: Sequence[int | None]) -> str | None:
    """The merged report, or None when a shard has no readable pytest-html report (the caller falls back).
    `inconsistent`: each shard's count of inconsistent tests (its summary.json), in the order of `pages`."""
    texts, blobs = [], []
    for path in pages:
        if path is None or not path.is_file():
            return None
        text = path.read_text(encoding="utf-8")
        blob = _blob(text)
        if blob is None or PREFIX.search(text) is None:
            return None
        texts.append(text)
        blobs.append(blob)
    merged = dict(blobs[0])
    merged["tests"] = {key: value for blob in blobs for key, value in blob["tests"].items() if key != JUNIT_NODEID}
    counts = _counts(texts)
    for blob in blobs:  # a shard's own gate row: the shard's verdict, not the merge's
        for entry in blob["tests"].get(JUNIT_NODEID, []):
            outcome = str(entry.get("result", "")).lower()
            counts[outcome] = max(0, counts.get(outcome, 0) - 1)
    as_given = [k + 1 for k, (blob, n) in enumerate(zip(blobs, inconsistent, strict=True))
                if not _judged_by_the_merge(blob, n, verdict.gated, counts)]
    if verdict.counted_as_failed_test:  # its row and count, as the live page has them (reports/gatecase.py)
        row = _gate_entry(verdict, merged["tests"])
        merged["tests"] = {JUNIT_NODEID: [row], **merged["tests"]}
        counts["failed"] = counts.get("failed", 0) + 1
    entries = [entry for value in merged["tests"].values() for entry in value]
    unlisted = counts.get("passed", 0) - sum(entry.get("result") == "Passed" for entry in entries)
    model = (summary.get("run") or {}).get("model")
    shards = summary.get("shards") or len(pages)
    prefix = notices_html(summary) + summary_html(summary, gates, regression) + unlisted_note(max(0, unlisted))

    def filters(m: re.Match[str]) -> str:
        n = counts.get(m[2], 0)
        return f"{m[1]}{'disabled' if n == 0 else ''}{m[4]}{n}"

    page = PREFIX.sub(lambda m: f"{m[1]}{prefix}{m[3]}{sum(counts.values()) or len(entries)} tests, merged "
                                f"from {shards} shards "
                                f"(restgate merge), each inconsistent test listed as the merge's gate options "
                                f"read it{_as_given(as_given)}; the verdict above is the merge's.{m[5]}",
                      BANNER.sub("", texts[0]), count=1)
    page = add_banner(page, verdict)
    page = FILTER.sub(filters, page)
    page = TITLE.sub(lambda m: f"{m[1]}restgate report (merged): {html.escape(str(model))}{m[3]}", page)
    merged["title"] = f"restgate report (merged): {model}"
    blob_text = html.escape(json.dumps(merged), quote=True)
    return BLOB.sub(lambda m: f"{m[1]}{blob_text}{m[3]}", page, count=1)


def _as_given(shards: list[int]) -> str:
    if not shards:
        return ""
    return (f" (shard{'s' if len(shards) > 1 else ''} {', '.join(map(str, shards))}: as the shard gave them, its "
            "page not marking every inconsistent test)")


def _gate_entry(verdict: ReleaseVerdict, tests: dict[str, Any]) -> dict[str, Any]:
    """The failed verdict as pytest-html's row, in the columns the shards' rows have (their first row's cells,
    without their attributes: a test's mark or title is not the gate's)."""
    template = next((e.get("resultsTableRow") for v in tests.values() for e in v if e.get("resultsTableRow")),
                    ['<td class="col-result"></td>', '<td class="col-testId"></td>',
                     '<td class="col-duration"></td>', '<td class="col-links"></td>'])
    shown = {"result": "Failed", "testId": JUNIT_NODEID, "duration": "0 ms"}
    cells = [CELL.sub(lambda m: f'<td class="col-{m[1]}">{html.escape(shown.get(m[1], ""))}</td>', str(cell))
             for cell in template]
    return {"extras": [], **shown, "resultsTableRow": cells, "log": html.escape(verdict.text)}


def copy_pictures(pages: list[Path | None], out: Path) -> None:
    """The shards' pictures (reports/pictures.py) into the merged folder, where its page links them."""
    for page in pages:
        folder = page.parent / FOLDER if page is not None else None
        if folder is not None and folder.is_dir():
            shutil.copytree(folder, out / FOLDER, dirs_exist_ok=True)


__all__ = ["copy_pictures", "merged_live_page"]
