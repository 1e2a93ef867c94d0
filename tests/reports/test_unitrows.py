"""The plain-Python unit table (reports/unitrows.py): its sums equal numpy's to the bit, and each metric gives the
same figures on unit rows as on the pandas frame of the same units (the frame is only read, never recomputed)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from pytest_restgate.reports.colours import colour_table
from pytest_restgate.reports.figures import ocr_ok_intervals, paper_block
from pytest_restgate.reports.metrics import cross_style, metrics_table, summary, unit_rows, units, units_records
from pytest_restgate.reports.stats import metric_intervals, modality_tests, paired_t
from pytest_restgate.reports.unitrows import mean, median, pairwise_sum, sample_sd
from tests.reports.test_metrics_units import _records


def test_sums_means_and_deviations_equal_numpys_to_the_last_bit() -> None:
    rng = random.Random(7)
    for n in [*range(1, 300), 511, 1000, 1500, 6001]:
        values = [rng.choice([0.0, 0.3, 1 / 3, rng.random(), rng.random() * 9]) for _ in range(n)]
        array = np.array(values)
        assert pairwise_sum(values) == array.sum()
        assert mean(values) == float(pd.Series(values).mean())
        assert median(values) == float(pd.Series(values).median())
        if n > 1:
            assert sample_sd(values) == float(array.std(ddof=1))


def test_paired_t_matches_numpy_on_fractional_differences() -> None:
    rng = random.Random(3)
    a, b = [rng.random() for _ in range(200)], [rng.random() for _ in range(200)]
    out = paired_t(a, b)
    d = np.array(a) - np.array(b)
    assert out["mean_diff"] == float(d.mean()) and out["sd_diff"] == float(d.std(ddof=1))


def test_every_metric_reads_a_frame_as_its_rows() -> None:
    rng = random.Random(11)
    for _ in range(60):
        records = _records(rng)
        rows = unit_rows(records)
        frame = units(records)
        assert units_records(frame) == units_records(rows)
        assert summary(frame) == summary(rows)
        assert metrics_table(records, frame) == metrics_table(records.to_dict("records"), rows)
        assert cross_style(frame) == cross_style(rows)
        assert metric_intervals(frame) == metric_intervals(rows)
        assert modality_tests(frame) == modality_tests(rows)
        assert ocr_ok_intervals(frame) == ocr_ok_intervals(rows)
        assert paper_block(frame, "rest") == paper_block(rows, "rest")
        assert colour_table(records) == colour_table(records.to_dict("records"))
