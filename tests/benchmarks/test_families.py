"""The issue-17 families vary the axis they name, and their suite re-checks every answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.families import ALL_FAMILIES, FAMILIES, GAP_TYPES, build
from benchmarks.family_suite import FamilySettings, over_limit, run_families


def _zone_rows(family: str, items: int = 120):  # type: ignore[no-untyped-def]
    p = build(family, items, 0).problem
    zones = [k for k, n in enumerate(p.constraint_names) if n.startswith("zone")]
    return p, p.constraint_matrix[zones], p.constraint_upper[zones]


def _weights(p, matrix) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Each item's weight, read back from the zone rows (the same on every edge of an item)."""
    coo = matrix.tocoo()
    w = np.zeros(p.n_items, np.int64)
    w[p.edge_item[coo.col]] = coo.data
    return w


def test_housing_family_has_the_issue_shape() -> None:
    p, rows, upper = _zone_rows("housing")
    assert rows.shape[0] == 12
    w = _weights(p, rows)
    assert set(np.unique(w)) <= {1, 2, 3}
    assert p.unassigned_cost.min() >= 10_000 and p.unassigned_cost.max() <= 30_000
    assert p.edge_cost.min() >= 0 and p.edge_cost.max() <= 1_000
    assert 0.2 < p.n_edges / (p.n_items * p.n_options) < 0.36
    assert abs(upper.sum() - w.sum()) <= 12  # near demand (each zone rounded down)


@pytest.mark.parametrize(("family", "ratio"), [("loose", 1.3), ("tight", 1.0), ("short", 0.9)])
def test_capacity_axis(family: str, ratio: float) -> None:
    p, rows, upper = _zone_rows(family)
    assert upper.sum() == pytest.approx(ratio * _weights(p, rows).sum(), abs=12)


def test_weight_penalty_and_zone_axes() -> None:
    p, rows, _ = _zone_rows("ones")
    assert (_weights(p, rows) == 1).all()
    p, rows, _ = _zone_rows("wide")
    assert _weights(p, rows).max() > 3 and _weights(p, rows).max() <= 10
    assert (build("pen2000", 80, 0).problem.unassigned_cost == 2000).all()
    assert _zone_rows("zones5")[1].shape[0] == 5
    assert _zone_rows("zones50", 400)[1].shape[0] == 50
    q = build("quotas", 120, 0).problem
    assert sum(n.startswith("quota") for n in q.constraint_names) == 3 and q.constraint_lower.max() > 0
    assert build("travelcap", 120, 0).problem.n_edges < build("housing", 120, 0).problem.n_edges / 3


@pytest.mark.parametrize("kind", GAP_TYPES)
def test_gap_types_are_generalised_assignment(kind: str) -> None:
    p = build(kind, 100, 0).problem
    assert p.must_assign.all()
    assert p.n_options == 5 and p.n_constraints == 5 and p.n_edges == 500


def test_every_family_is_known() -> None:
    assert set(FAMILIES) | set(GAP_TYPES) | {"orlib"} == set(ALL_FAMILIES)


def test_suite_checks_every_answer_and_bounds_hold(tmp_path: Path) -> None:
    settings = FamilySettings(
        families=("housing", "gapD"), sizes=(40,), time_limit=2.0, solvers=("wunneng", "mip", "fcfs")
    )
    run_families(settings, tmp_path, log=False)
    result = json.loads((tmp_path / "results.json").read_text())
    assert [i["family"] for i in result["instances"]] == ["housing", "gapD"]
    for inst in result["instances"]:
        runs = {r["solver"]: r for r in inst["runs"]}
        assert set(runs) == {"wunneng", "mip", "fcfs"}
        objectives = [r["objective"] for r in runs.values() if "objective" in r]
        bounds = [r["bound"] for r in runs.values() if r.get("bound") is not None]
        assert all(r.get("violations", []) == [] for r in runs.values())
        assert "objective" in runs["wunneng"]
        assert max(bounds) <= min(objectives) + 1e-6
    assert "| instance | solver |" in (tmp_path / "results.md").read_text()


def test_over_limit_is_the_issue_promise() -> None:
    assert not over_limit(11.5, 10.0)
    assert over_limit(11.6, 10.0)
