"""`python -m reports.representation ...`: see `reports.representation.cli`."""

from __future__ import annotations

from reports.representation.cli import main

raise SystemExit(main())
