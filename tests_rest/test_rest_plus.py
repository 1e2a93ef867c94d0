"""REST+: each item under each of the 10 REST+ renderings ({DejaVu Sans, Courier, cursive} x {50, 100, 200 DPI}
plus coloured text at 200 DPI) must still get the same answer as text, image and mixed.

Selected with `--rest-plus` or `-m rest_plus`; ids look like `soebench/0007[courier-50dpi]`. The text call is
the same for all ten styles, so it is made once and shared.
"""

from __future__ import annotations

import pytest

from pytest_restgate.fixtures.evaluation.evaluate import Unit
from pytest_restgate.fixtures.evaluation.verdict import assert_consistent
from pytest_restgate.fixtures.settings import Settings

pytestmark = pytest.mark.rest_plus


def test_rest_plus(rest_plus_unit: Unit, restgate_settings: Settings) -> None:
    assert_consistent(rest_plus_unit, restgate_settings.strategies[0])
