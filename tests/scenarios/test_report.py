"""The compare report: every KPI for every spec, self-contained HTML, PNGs, CLI end to end."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from scenarios.kpi import GROUP_KPIS, Outcome
from scenarios.report import kpi_names, write_report
from scenarios.runner import by_spec, estimate, paired_difference, run_tasks, tasks_for
from scenarios.spec import Spec, load_spec
from tests.scenarios.conftest import BASELINE, small
from wunneng.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Spec], Path]:
    """Baseline and +100 GLS in the south, two seeds each, tiny, reported once for the module."""
    specs = [
        small(load_spec(BASELINE), months=3),
        small(load_spec(BASELINE.with_name("gls-south-plus-100.toml")), months=3),
    ]
    outcomes = run_tasks(tasks_for(specs, [0, 1]), jobs=1)
    out = tmp_path_factory.mktemp("report")
    write_report(out, specs, outcomes, "test")
    return specs, out


@pytest.mark.slow
def test_the_table_holds_every_kpi_for_every_spec(compared: tuple[list[Spec], Path]) -> None:
    specs, out = compared
    with (out / "kpis.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    for s in specs:
        assert s.name in head
    assert f"Δ {specs[1].name}" in head
    names = [r[0] for r in rows[1:]]
    outcomes = by_spec_from_json(out)
    assert names == kpi_names(outcomes)
    for row in rows[1:]:
        for s in specs:
            assert row[head.index(s.name)] != "", (row[0], s.name)


def by_spec_from_json(out: Path) -> dict[str, list[Outcome]]:
    import json

    raw = json.loads((out / "outcomes.json").read_text("utf-8"))
    return by_spec([Outcome(**o) for o in raw])


@pytest.mark.slow
def test_the_html_is_self_contained_and_complete(compared: tuple[list[Spec], Path]) -> None:
    specs, out = compared
    doc = (out / "report.html").read_text("utf-8")
    assert "<script" not in doc and not re.search(r"(src|href)=\"https?:", doc)
    images = re.findall(r'src="data:image/png;base64,', doc)
    assert len(images) == 7
    runs = by_spec_from_json(out)
    for name in kpi_names(runs):
        assert f"<td>{name}</td>" in doc, name
    for s in specs:
        assert f"<th>{s.name}</th>" in doc
    for k in GROUP_KPIS:
        assert f"<td>{k.name}</td>" in doc
    for group in ("type=single", "support=intensive", "vulnerability=vulnerable", "nationality=eritrea"):
        assert f"<td>{group}</td>" in doc


@pytest.mark.slow
def test_pngs_are_written_alongside(compared: tuple[list[Spec], Path]) -> None:
    _, out = compared
    for name in ("forest", "waiting_list", "waiting_curves", "kpi_bars", "groups", "caseload", "map"):
        assert (out / f"{name}.png").read_bytes().startswith(PNG)


def test_intervals_and_paired_differences() -> None:
    e = estimate([1.0, 2.0, 3.0])
    assert (
        e.mean == 2.0 and e.n == 3 and e.half == pytest.approx(2.4841, abs=1e-3)
    )  # t(0.975, 2) x 1 / sqrt(3)
    assert estimate([float("nan")]).n == 0


def test_paired_difference_is_zero_for_identical_specs(baseline: Spec) -> None:
    outs = run_tasks(tasks_for([baseline], [0, 1]), jobs=1)
    twin = [type(o)(**{**o.__dict__, "spec": "twin"}) for o in outs]
    d = paired_difference(outs, twin, "housed")
    assert d.mean == 0 and d.half == 0


@pytest.mark.slow
def test_compare_command_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = BASELINE, BASELINE.with_name("inflow-plus-50.toml")
    args = [
        "scenario",
        "compare",
        str(a),
        str(b),
        "--scale",
        "0.03",
        "--months",
        "2",
        "--seeds",
        "2",
        "--jobs",
        "2",
    ]
    assert main([*args, "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "housed" in captured.out and "Δ inflow-plus-50" in captured.out
    assert "4/4 runs" in captured.err
    assert (tmp_path / "report.html").exists()


@pytest.mark.slow
def test_run_command_writes_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "scenario",
                "run",
                str(BASELINE),
                "--scale",
                "0.03",
                "--months",
                "2",
                "--seeds",
                "1",
                "--jobs",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "baseline-2026" in capsys.readouterr().out
    assert (tmp_path / "report.html").exists() and (tmp_path / "kpis.csv").exists()


def test_compare_needs_two_specs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "compare", str(BASELINE)]) == 2
    assert "at least two" in capsys.readouterr().err


def test_the_tidy_table_holds_every_value_as_a_number(compared: tuple[list[Spec], Path]) -> None:
    import json

    from openpyxl import load_workbook

    _specs, out = compared
    with (out / "tidy.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["spec", "seed", "month", "group", "indicator", "value"]
    raw = json.loads((out / "outcomes.json").read_text("utf-8"))
    want = {(o["spec"], o["seed"], k): v for o in raw for k, v in o["kpis"].items()}
    got = {(r["spec"], int(r["seed"]), r["indicator"]): r["value"] for r in rows if r["group"] == "all"}
    for key, v in want.items():
        assert (got[key] == "") if v != v else float(got[key]) == pytest.approx(v), key
    assert {r["group"] for r in rows} >= {"all", "type=single", "nationality=eritrea"}
    assert any(r["indicator"] == "series.waiting" for r in rows)

    fr = (out / "tidy-excel-fr.csv").read_bytes()
    assert fr.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: French Excel keeps the accents
    fr_rows = list(csv.reader(fr.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert fr_rows[0] == ["spec", "seed", "month", "group", "indicator", "value"]
    assert len(fr_rows) == len(rows) + 1
    assert all("." not in r[5] for r in fr_rows[1:])

    ws = load_workbook(out / "tidy.xlsx", read_only=True)["tidy"]
    cells = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(cells) == len(rows)
    values = [c[5] if len(c) > 5 else None for c in cells]  # read-only rows drop trailing empty cells
    assert all(v is None or isinstance(v, int | float) for v in values)
    assert sum(isinstance(v, int | float) for v in values) > len(values) / 2


def test_intervals_are_clipped_to_what_is_possible() -> None:
    e = estimate([98.0, 100.0, 100.0], (0.0, 100.0))
    assert e.hi == 100.0 and e.lo < e.mean and e.clipped and "[" in e.show()
    w = estimate([0.0, 0.5, 3.0], (0.0, float("inf")))
    assert w.lo == 0.0
    free = estimate([10.0, 11.0, 12.0], (0.0, 100.0))
    assert not free.clipped and "±" in free.show()


def test_small_comparisons_warn_and_say_how_many_seeds_would_tell(
    compared: tuple[list[Spec], Path],
) -> None:
    _specs, out = compared
    doc = (out / "report.html").read_text("utf-8")
    assert "Read with care" in doc
    assert "seed(s) per spec" in doc  # two seeds
    assert "Observatoire de l&#x27;Habitat" in doc  # the data credit line


def test_money_indicators_are_there_and_add_up(compared: tuple[list[Spec], Path]) -> None:
    import json

    _, out = compared
    for o in json.loads((out / "outcomes.json").read_text("utf-8")):
        k = o["kpis"]
        for name in ("rent_paid_month", "programme_top_up_month", "rent_subsidy_month", "social_worker_cost"):
            assert k[name] >= 0
        if k["housed"]:
            assert k["public_cost_per_housed"] >= k["social_worker_cost"] / k["housed"]


def test_the_report_renders_to_a_string(compared: tuple[list[Spec], Path]) -> None:
    from scenarios.report import render_report

    specs, _ = compared
    outs = run_tasks(tasks_for(specs[:1], [0]), jobs=1)
    doc = render_report(specs[:1], outs, "one")
    assert doc.startswith("<!doctype html>") and "one scenario: no differences" not in doc
