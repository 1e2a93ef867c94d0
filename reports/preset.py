"""`--preset=paper`: the paper's configuration in one word.

It sets what the paper ran, for every option the user left at its default: the four datasets (SoEBench, MMLU,
ARC, GSM-Symbolic) and gates judged on the paper's headline figure (the OCR-correct subset, mean over
datasets). Its decoding settings are restgate's defaults already (temperature 0, 1024 output tokens, 2048 for
SoEBench), so the preset changes nothing there. The paper's item counts per dataset are not stated in the
sources restgate was built from, so the preset keeps `--limit` (default 150 per dataset) and says so in the
header rather than inventing counts. An option the user gave explicitly wins over the preset, except that a
value equal to the option's default cannot be told apart from no value, and is replaced.

The paper's "ARC" is ARC-Challenge here, not restgate's `arc` alias (Challenge and Easy as two datasets): the
alias would make the mean over datasets a mean over five, weighing ARC 2/5. A bare "ARC" in model reports is the
Challenge set (the GPT-4 report's "AI2 Reasoning Challenge", the Open LLM Leaderboard's "ARC"), and pooling both
splits into one dataset at `--limit` would give a 50/50 mix that matches neither split nor the test set's own
proportions (1,172 Challenge, 2,376 Easy). `PAPER_DATASETS` is checked against the alias table in the tests.

Applied in `pytest_cmdline_main`, before either plugin reads its options (and again, identically, on workers).
"""

from __future__ import annotations

from typing import Any

import pytest

PAPER_DATASETS: tuple[str, ...] = ("soebench", "mmlu", "arc-challenge", "gsm-symbolic")
"""The paper's four datasets (SoEBench, MMLU, ARC, GSM-Symbolic), one `--datasets` name each."""
PRESETS: dict[str, dict[str, tuple[Any, Any]]] = {
    "paper": {
        # option dest: (its default, the paper's value)
        "datasets": (None, ",".join(PAPER_DATASETS)),  # None: --datasets not given
        "gate_subset": (None, "ocr-correct"),
        "gate_mean": (None, "datasets"),
    },
}
HEADER = {
    "paper": "preset paper: datasets soebench, mmlu, arc-challenge (the paper's ARC), gsm-symbolic; gates judged "
             "on the OCR-correct subset, mean over datasets; temperature 0, 1024 output tokens (2048 for "
             "SoEBench); the paper's item counts are not known to restgate, so --limit applies ({limit} per "
             "dataset)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("restgate-report", "restgate: report and release gates")
    group.addoption("--preset", default=None, choices=tuple(PRESETS),
                    help="paper: the paper's four datasets (ARC = arc-challenge) and headline figure for the "
                         "gates (OCR-correct subset, mean over datasets); the paper's published figures are shown "
                         "beside a model it measured")


def apply_preset(option: Any) -> list[str]:
    """Set the preset's values on `option` (pytest's namespace) where still at the default; the names set."""
    name = getattr(option, "preset", None)
    if name is None:
        return []
    changed = []
    for dest, (default, value) in PRESETS[name].items():
        if getattr(option, dest, default) == default:
            setattr(option, dest, value)
            changed.append(dest)
    return changed


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    apply_preset(config.option)


def pytest_report_header(config: pytest.Config) -> list[str]:
    name = config.getoption("--preset", None)
    if name is None:
        return []
    limit = config.getoption("--limit", None)
    return [HEADER[name].format(limit="all" if limit == 0 else limit)]
