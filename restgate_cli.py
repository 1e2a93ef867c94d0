"""Entry point of the `restgate` console script.

The project's top-level folders (fixtures, reports, renderers) are deliberately not installed into
site-packages under their generic names; they are imported from the repository root. This one uniquely named
module is what `pip install -e .` installs, and it puts the repository root (its own folder) on sys.path
before handing over to `reports.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    if not (ROOT / "reports" / "cli.py").is_file():
        print(f"restgate: no checkout beside {__file__}; install it with `pip install -e .` from the repository",
              file=sys.stderr)
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from reports.cli import main as cli_main

    try:
        status = cli_main(argv)
        sys.stdout.flush()  # inside the try: a reader that left shows here, not in Python's exit
        return status
    except BrokenPipeError:  # `restgate runs | head`: the reader left; say nothing more, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 128 + 13  # SIGPIPE's status, as a shell reports it


if __name__ == "__main__":
    raise SystemExit(main())
