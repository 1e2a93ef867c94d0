"""Entry point of the `restgate` console script: hands over to `pytest_restgate.reports.cli`.

Kept apart from reports/cli.py so that a reader who leaves early (`restgate runs | head`) ends the process quietly,
as Unix tools do, whatever subcommand was running.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from pytest_restgate.reports.cli import main as cli_main

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["batches"]:  # --batch runs' provider batches: the providers live on the fixtures side
            from pytest_restgate.fixtures.models.batch.command import main as batches_main

            status = batches_main(args[1:])
        else:
            status = cli_main(args)
        sys.stdout.flush()  # inside the try: a reader that left shows here, not in Python's exit
        return status
    except BrokenPipeError:  # `restgate runs | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 128 + 13  # SIGPIPE's status, as a shell reports it


if __name__ == "__main__":
    raise SystemExit(main())
