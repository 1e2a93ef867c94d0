"""A persisted memo of rendered pages: PNG bytes keyed by text, style and renderer version, on disk.

Why: the response cache's keys hash each page's PNG bytes, so before this memo a warm rerun (every answer
cached) drew and encoded every page again just to look its answers up, and so did `--collect-only`'s bill.
With it a page is drawn once per cache folder: later runs, xdist workers and the bill read the bytes back.

Each entry is one file, `<folder>/<key[:2]>/<key>.page`: a header line holding the sha256 of the PNG, then the
PNG. The key is sha256 over canonical JSON of the renderer version, the text and every field of the style, so a
renderer-version bump (renderers/__init__.py) never reads an old page. Writes are atomic (a temporary file in
the same folder, then `os.replace`), so concurrent xdist workers and killed runs leave whole entries or none; an
entry whose bytes do not match its digest (truncated, damaged) is never served: it is re-rendered and replaced.
Size: about 10-50 KB a page (REST at 200 DPI about 45 KB); `prune` keeps the folder under `max_bytes`, least
recently used pages first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
import warnings
from pathlib import Path

from pytest_restgate.renderers.styles import RenderStyle

MAGIC = b"restgate-page-1 "
"""First bytes of every entry: the entry format's version (a new layout is a new magic, old files are misses)."""
SUFFIX = ".page"
DEFAULT_MAX_BYTES = 2 * 1024**3
"""The folder's bound: 2 GiB holds REST+ at 1,500 items (33,000 pages, about 1 GB) with room for a second run."""
PRUNE_INTERVAL_S = 3600.0
"""`prune` lists the folder at most once an hour; one run between two prunes can add at most its own pages."""
PRUNE_STAMP = ".pruned"
STALE_TMP_S = 3600.0
"""Temporary files older than this are left over from killed processes and removed by `prune`."""


class PageMemoWarning(UserWarning):
    """The page memo stopped being written mid-run; pages are still rendered, reruns will render them again."""


class PageMemo:
    """PNG bytes of rendered pages in `directory`, for one renderer `version` (thread- and process-safe)."""

    def __init__(self, directory: str | os.PathLike[str], *, version: str,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory)
        self.version = version
        self.max_bytes = max_bytes
        self.hits = self.misses = self.damaged = self.writes = 0
        self.write_error: str | None = None
        self._lock = threading.Lock()

    def key(self, text: str, style: RenderStyle) -> str:
        """sha256 of everything that decides the pixels: renderer version, text, and every field of the style."""
        payload = {"v": self.version, "text": text, "style": dataclasses.asdict(style)}
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{SUFFIX}"

    def get(self, text: str, style: RenderStyle) -> bytes | None:
        """The memoised PNG, or None (absent, unreadable, or not matching its digest: never a damaged page)."""
        path = self.path(self.key(text, style))
        try:
            data = path.read_bytes()
        except OSError:
            self._count(misses=1)
            return None
        png = _unpack(data)
        if png is None:
            self._count(misses=1, damaged=1)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # least recently used pages go first when `prune` trims the folder
        self._count(hits=1)
        return png

    def put(self, text: str, style: RenderStyle, png: bytes) -> None:
        """Store `png` atomically. Never raises: a failed write warns once and turns writing off in this process."""
        if self.write_error is not None:
            return
        path = self.path(self.key(text, style))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_pack(png))
                os.replace(tmp, path)
            except BaseException:
                _remove(Path(tmp))
                raise
        except OSError as exc:
            self.write_error = f"{type(exc).__name__}: {exc}"
            warnings.warn(f"restgate: the page memo {self.directory} is not being written ({self.write_error}); "
                          "pages are still rendered, but a rerun will render them again", PageMemoWarning,
                          stacklevel=2)
            return
        self._count(writes=1)

    def prune(self, *, min_interval_s: float = PRUNE_INTERVAL_S) -> int:
        """Trim the folder to `max_bytes` (to 80% of it once over), least recently used first, and remove stale
        temporary files; at most once per `min_interval_s` (listing 33,000 pages costs about 0.4 s of CPU).
        Returns the bytes removed; a folder that cannot be listed is left as it is."""
        stamp = self.directory / PRUNE_STAMP
        try:
            if time.time() - stamp.stat().st_mtime < min_interval_s:
                return 0
        except OSError:
            pass  # never pruned (or no folder yet)
        entries, removed = self._entries()
        total = sum(size for _, size, _ in entries)
        if total > self.max_bytes:
            for _, size, file in sorted(entries):
                if total <= self.max_bytes * 0.8:
                    break
                if _remove(file):
                    total -= size
                    removed += size
        with contextlib.suppress(OSError):
            stamp.touch()
        return removed

    def _entries(self) -> tuple[list[tuple[float, int, Path]], int]:
        """(last use, size, path) of every entry, and the bytes of stale temporary files removed meanwhile."""
        entries: list[tuple[float, int, Path]] = []
        now, removed = time.time(), 0
        try:
            subs = [e.path for e in os.scandir(self.directory) if e.is_dir(follow_symlinks=False)]
            for sub in subs:
                for entry in os.scandir(sub):
                    info = entry.stat(follow_symlinks=False)
                    if entry.name.startswith(".tmp-"):
                        if now - info.st_mtime > STALE_TMP_S and _remove(Path(entry.path)):
                            removed += info.st_size
                    elif entry.name.endswith(SUFFIX):
                        entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        except OSError:
            return [], removed
        return entries, removed

    def _count(self, *, hits: int = 0, misses: int = 0, damaged: int = 0, writes: int = 0) -> None:
        with self._lock:
            self.hits += hits
            self.misses += misses
            self.damaged += damaged
            self.writes += writes


def _pack(png: bytes) -> bytes:
    return MAGIC + hashlib.sha256(png).hexdigest().encode("ascii") + b"\n" + png


def _unpack(data: bytes) -> bytes | None:
    """The PNG of an entry, or None when the header is wrong or the bytes do not hash to its digest."""
    head = len(MAGIC) + 64 + 1
    if len(data) <= head or not data.startswith(MAGIC) or data[head - 1:head] != b"\n":
        return None
    png = data[head:]
    if hashlib.sha256(png).hexdigest().encode("ascii") != data[len(MAGIC):head - 1]:
        return None
    return png


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


_active: PageMemo | None = None


def use_page_memo(memo: PageMemo | None) -> None:
    """Make `memo` the one `renderers.render_png` reads and fills in this process (None: render every page)."""
    global _active
    _active = memo


def active_page_memo() -> PageMemo | None:
    return _active


__all__ = ["DEFAULT_MAX_BYTES", "PageMemo", "PageMemoWarning", "active_page_memo", "use_page_memo"]
