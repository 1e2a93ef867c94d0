"""`python -m pytest_restgate.reports.representation ...`: see `pytest_restgate.reports.representation.cli`."""

from __future__ import annotations

from pytest_restgate.reports.representation.cli import main

raise SystemExit(main())
