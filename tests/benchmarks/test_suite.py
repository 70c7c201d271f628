"""The quick suite runs every solver, checks every answer and agrees with itself."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from benchmarks.__main__ import main
from benchmarks.suite import ALL_SOLVERS

pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench")
    main(["run", "--quick", "--out", str(out), "--repeats", "1", "--time-limit", "5"])
    return json.loads((out / "results.json").read_text()), (out / "results.md").read_text()


def instances(results: tuple[dict[str, Any], str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = results[0]["instances"]
    return found


def test_every_solver_runs_on_both_variants(results: tuple[dict[str, Any], str]) -> None:
    found = {(i["variant"], r["solver"]) for i in instances(results) for r in i["runs"]}
    assert found == {(v, s) for v in ("free", "zones") for s in ALL_SOLVERS}


def test_answers_are_feasible_and_bounds_hold_across_solvers(results: tuple[dict[str, Any], str]) -> None:
    for inst in instances(results):
        runs = inst["runs"]
        assert all(r.get("violations", []) == [] for r in runs)
        objectives = [r["objective"] for r in runs if "objective" in r]
        bounds = [r["bound"] for r in runs if r.get("bound") is not None]
        assert objectives
        assert max(bounds) <= min(objectives) + 1e-6 * abs(min(objectives))


def test_exact_solvers_agree_on_the_optimum(results: tuple[dict[str, Any], str]) -> None:
    for inst in instances(results):
        optimal = {r["objective"] for r in inst["runs"] if r["status"] == "optimal"}
        assert len(optimal) <= 1
        by = {r["solver"]: r for r in inst["runs"]}
        if inst["variant"] == "free":
            assert by["wunneng"]["objective"] == by["dense_lsa"]["objective"]
            assert by["wunneng"]["status"] == "optimal"
        else:
            assert by["dense_lsa"]["status"] == "skipped"
        assert all(by["fcfs"]["objective"] >= r["bound"] for r in inst["runs"] if r.get("bound") is not None)


def test_records_carry_measurements_and_ratios(results: tuple[dict[str, Any], str]) -> None:
    for inst in instances(results):
        for r in inst["runs"]:
            if r["status"] == "skipped":
                assert "wunneng_over" not in r
                continue
            if "objective" not in r:  # a baseline with no answer in its time (a loaded machine)
                assert r["status"] not in ("optimal", "feasible"), r
                continue
            assert r["peak_mb"] >= r["instance_mb"] > 0
            assert 0 <= r["housed"] <= r["items"] == inst["items"]
            assert r["wunneng_over"]["seconds"] > 0
            assert r["mean_travel_min"] is None or math.isfinite(r["mean_travel_min"])


def test_markdown_has_a_row_per_run_and_the_summary(results: tuple[dict[str, Any], str]) -> None:
    data, text = results
    every_run = text.split("## Every run", 1)[1]
    rows = [line for line in every_run.splitlines() if line.startswith("| S-")]
    assert len(rows) == sum(len(i["runs"]) for i in data["instances"])
    assert "## Summary (over seeds)" in text
