"""Pages a person reads: human labels on compare, zero bars that can be seen."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_restgate.reports.cli import main
from pytest_restgate.reports.many.charts import grouped_bars
from tests.reports.many.runfolders import Spec, make_run, units_of


def test_the_compare_page_names_figures_for_people(tmp_path: Path) -> None:
    a = make_run(tmp_path, Spec("model-a", units_of("ccccci"), started=1_790_000_000.0))
    b = make_run(tmp_path, Spec("model-b", units_of("cciiii"), started=1_790_086_400.0))
    target = tmp_path / "cmp.html"
    assert main(["compare", str(a), str(b), "--html", str(target)]) == 0
    page = target.read_text()
    for raw in ("rer", "cfr", "mmc", "acc_text", "acc_image", "ocr_ok_rer", "ocr_exact_share"):
        assert f"<td>{raw}</td>" not in page, raw
    assert "<td>RER: same answer as text, image and mixed</td>" in page
    assert "<td>Share of items read exactly (OCR CER 0)</td>" in page and "<td>Accuracy, text</td>" in page


def test_a_zero_bar_is_drawn_and_labelled_and_a_missing_one_is_not() -> None:
    series = [("acc_text", "text", "#4c72b0"), ("acc_image", "image", "#dd8452")]
    zero = grouped_bars({"soebench": {"acc_text": 0.0, "acc_image": 0.5}}, series, title="t")
    missing = grouped_bars({"soebench": {"acc_text": None, "acc_image": 0.5}}, series, title="t")
    label = re.compile(r"<text[^>]*>0</text>")
    assert len(label.findall(zero)) == 1 and not label.findall(missing)
    assert zero.count("<path") > missing.count("<path")  # the zero bar's sliver
