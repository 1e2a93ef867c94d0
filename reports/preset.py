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

Applied in `pytest_cmdline_main`, before either plugin reads its options (and again, identically, on workers);
`restgate merge` applies it to its own options. The option itself is declared with the other gate options
(pytest_restgate/core/judge.py), so a run and a merge accept the same words.
"""

from __future__ import annotations

import pytest

from pytest_restgate.core.judge import apply_preset

__all__ = ["HEADER"]

HEADER = {
    "paper": "preset paper: datasets soebench, mmlu, arc-challenge (the paper's ARC), gsm-symbolic; gates judged "
             "on the OCR-correct subset, mean over datasets; temperature 0, 1024 output tokens (2048 for "
             "SoEBench); the paper's item counts are not known to restgate, so --limit applies ({limit} per "
             "dataset)",
}


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    apply_preset(config.option)


def pytest_report_header(config: pytest.Config) -> list[str]:
    name = config.getoption("--preset", None)
    if name is None:
        return []
    limit = config.getoption("--limit", None)
    return [HEADER[name].format(limit="all" if limit == 0 else limit)]
