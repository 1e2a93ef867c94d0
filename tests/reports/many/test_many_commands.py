"""The `restgate` subcommands on run folders the tests write: runs, leaderboard, compare, trend, represent."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from scipy import stats

from pytest_restgate.reports.cli import main
from pytest_restgate.reports.many.compare import compare, newcombe
from pytest_restgate.reports.many.leaderboard import PAPER_ROWS
from pytest_restgate.reports.many.runs import load_run
from pytest_restgate.reports.stats import wilson_interval
from tests.reports.many.runfolders import Spec, make_run, units_of

DAY = 86_400.0


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Three models; model-a run twice (the second one worse), one run killed before summary.json."""
    r = tmp_path / "runs"
    make_run(r, Spec("model-a", units_of("ccccccccci"), started=1_790_000_000.0, gate_passed=True))
    make_run(r, Spec("model-a", units_of("cccccciiii"), started=1_790_000_000.0 + DAY, gate_passed=False))
    make_run(r, Spec("model-b", units_of("cccwwwiiio"), started=1_790_000_000.0 + 2 * DAY))
    make_run(r, Spec("model-c", units_of("ccciiiiwwe"), started=1_790_000_000.0 + 3 * DAY))
    killed = make_run(r, Spec("model-d", units_of("cci"), started=1_790_000_000.0 + 4 * DAY))
    (killed / "summary.json").unlink()
    return r


def _folders(root: Path, model: str) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.endswith(model))


def test_runs_lists_every_folder_newest_first_and_writes_the_index(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["runs", "--report-dir", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if "-model-" in line]
    assert [r.split()[2] for r in rows] == ["model-d", "model-c", "model-b", "model-a", "model-a"]
    first_a = next(r for r in rows[::-1] if "model-a" in r)
    assert " 0.900 " in first_a and "PASS" in first_a  # RER 9/10, its gate verdict
    assert " no " in rows[0]  # the killed run: not complete, rebuilt from results.jsonl
    page = (root / "index.html").read_text()
    for folder in root.iterdir():
        if folder.is_dir():
            assert f'href="{folder.name}/report.html"' in page or f"{folder.name} (no report)" in page
    assert "rebuilt from results.jsonl" in page and page.count("<tr>") == 6


def test_leaderboard_takes_the_latest_run_per_model_with_reference_rows(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["leaderboard", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    model_a = next(line for line in out.splitlines() if line.startswith("model-a"))
    assert model_a.split()[1] == "0.600"  # the second model-a run: 6 of 10 consistent, OCR all exact
    assert all(f"paper: {name}" in out for name, _, _ in PAPER_ROWS)
    html = (root / "leaderboard.html").read_text()
    assert 'class="ref"' in html and "reference (published)" in html and "<svg" in html
    lo, hi = wilson_interval(6, 10)  # type: ignore[misc]
    assert f"[{lo:.2f}, {hi:.2f}]" in html


def test_leaderboard_cross_model_t_is_scipy_ttest_rel_over_the_models(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["leaderboard", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    # model-d's run was killed: not a full run, so the leaderboard leaves it out (restgate leaderboard --all-runs)
    runs = [load_run(p) for m in ("model-a", "model-b", "model-c") for p in _folders(root, m)[-1:]]
    text, image = [], []
    for run in runs:  # one dataset per run: its pooled OCR-correct accuracy is the mean over datasets
        micro = run.metrics.micro
        text.append(micro["ocr_ok_acc_text"])
        image.append(micro["ocr_ok_acc_image"])
    expected = stats.ttest_rel(text, image).statistic
    assert f"text vs image (OCR-correct subset accuracy): t = {expected:.2f} over 3 model(s)" in out
    assert "the paper reports t = 17.7 without stating its pairing" in out and "paper reports t = -7.2" in out


def test_compare_deltas_and_flips_match_a_hand_count(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = _folders(root, "model-a")
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "10 shared scored units (matched by id)" in out
    assert "3 unit(s) became inconsistent in B" in out  # units 6, 7, 8 turned; 9 was already inconsistent
    assert "0 unit(s) became consistent in B" in out
    lo, hi = newcombe(0.9, 10, 0.6, 10)  # type: ignore[misc]
    assert f"RER                  0.900   0.600   -0.300  [{lo:+.3f}, {hi:+.3f}]" in out
    page = next(root.glob("compare-*.html")).read_text()
    assert page.count("became inconsistent") == 3
    from pytest_restgate.fixtures.items import soebench

    regenerated = soebench.generate(10, 2512)  # a flip is pictured only where the seed's item has its gold
    assert page.count('src="data:image/png;base64,') == sum(regenerated[n].gold == "7" for n in (6, 7, 8))
    assert "not re-rendered: not a SoEBench item of this seed" in page


def test_compare_matches_by_digest_when_both_runs_carry_it(root: Path) -> None:
    a_path, b_path = _folders(root, "model-a")
    for path, shift in ((a_path, 0), (b_path, 1)):  # B asks the same questions under other ids
        data = json.loads((path / "summary.json").read_text())
        for n, unit in enumerate(data["units"]):
            unit["digest"] = f"q{n}"
            unit["item_id"] = f"soebench/{n + 100 * shift:04d}"
        (path / "summary.json").write_text(json.dumps(data))
    result = compare(load_run(a_path), load_run(b_path))
    assert result.matched_by == "digest" and result.n_shared == 10 and len(result.flips) == 3


def test_compare_shows_the_rendered_soebench_item(tmp_path: Path) -> None:
    from pytest_restgate.fixtures.items import soebench

    items = soebench.generate(3, 5)
    gold = items[1].gold
    a = make_run(tmp_path, Spec("m1", units_of("ccc", gold=gold), seed=5))
    b = make_run(tmp_path, Spec("m2", units_of("cic", gold=gold), seed=5, started=1_790_000_100.0))
    assert main(["compare", str(a), str(b), "--html", str(tmp_path / "c.html")]) == 0
    page = (tmp_path / "c.html").read_text()
    assert page.count('src="data:image/png;base64,') == 1  # soebench/0001, whose gold the generator confirms


def test_trend_lists_one_models_runs_in_time_order(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["trend", "model-a", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "model-a: 2 run(s), oldest first"
    assert [line.split()[3] for line in out[2:4]] == ["0.900", "0.600"]
    page = (root / "trend-model-a.html").read_text()
    assert "<svg" in page and page.count("model-a/report.html") == 2


def test_bad_input_is_one_line_with_exit_status_2(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["trend", "nobody", "--report-dir", str(root)]) == 2
    assert main(["compare", str(root / "missing"), str(root / "missing2")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"restgate trend: no full run of model 'nobody' under {root}; `restgate runs` lists the runs "
                   "(--all-runs takes partial ones too)",
                   f"restgate compare: {root / 'missing'}: no such run folder"]


def test_charts_come_from_matplotlib_without_pyplot(root: Path) -> None:
    assert main(["leaderboard", "--report-dir", str(root)]) == 0
    assert "matplotlib" in sys.modules and "matplotlib.pyplot" not in sys.modules
    page = (root / "leaderboard.html").read_text()
    assert "Matplotlib v" in page  # the SVG generator's signature


def test_a_folder_still_marked_running_is_not_complete(tmp_path: Path) -> None:
    """A run killed after summary.json was rewritten mid-run, or one still going, keeps its RUNNING marker."""
    folder = make_run(tmp_path, Spec("model-r", units_of("ccc")))
    assert load_run(folder).complete is True
    (folder / "RUNNING").write_text("pid 1\n")
    assert load_run(folder).complete is False


def test_a_model_name_with_dollar_signs_is_drawn_as_written(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """matplotlib read `$...$` in a label as mathtext: a run named `x $\\frac{$` stopped `restgate leaderboard`
    with a ValueError, and `$a$` was drawn as an italic a."""
    for n, model in enumerate(("x $\\frac{$ y", "cost $5$ model")):
        make_run(tmp_path, Spec(model, units_of("cccci"), started=1_790_000_000.0 + 60 * n))
    assert main(["leaderboard", "--report-dir", str(tmp_path)]) == 0
    html = (tmp_path / "leaderboard.html").read_text()
    assert "x $\\frac{$ y" in html and "cost $5$ model" in html
