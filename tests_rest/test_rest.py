"""REST: each benchmark item, rendered with the default style, must get the same answer as text, image, mixed.

One test per item (ids like `soebench/0007`). The fixture makes the OCR, text, image and mixed calls (started
ahead of time by the plugin) and attaches every call's record to the test; a call that fails after its retries
makes the test an *error*, never a wrong answer.
"""

from __future__ import annotations

import pytest

from pytest_restgate.fixtures.evaluation.evaluate import Unit
from pytest_restgate.fixtures.evaluation.verdict import assert_consistent
from pytest_restgate.fixtures.settings import Settings

pytestmark = pytest.mark.rest


def test_rest(rest_unit: Unit, restgate_settings: Settings) -> None:
    assert_consistent(rest_unit, restgate_settings.strategies[0])
