"""Planners compare scenario specs as jobs and read aggregate views, never personal records."""

from __future__ import annotations

import pytest
from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient

QUICK = {"scale": 0.03, "months": 2, "time_limit": 2, "seeds": [0, 1], "wait_seconds": 60}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only."""
    return sqlite_url


@pytest.mark.slow
def test_scenario_comparison_job(client: TestClient, keys: Keys) -> None:
    specs = client.get("/v1/scenario-specs", headers=keys.planner).json()["items"]
    names = [s["name"] for s in specs]
    assert "baseline-2026" in names
    body = {"specs": ["baseline-2026", "inflow-plus-50"], **QUICK}
    assert client.post("/v1/scenario-comparisons", json=body, headers=keys.officer).status_code == 403
    r = client.post("/v1/scenario-comparisons", json=body, headers=keys.planner)
    assert r.status_code == 202
    job = r.json()
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 1.0 and job["has_report"] is True
    table = job["result"]["table"]
    assert table[0] == ["indicator", "unit", "baseline-2026", "inflow-plus-50", "Δ inflow-plus-50"]
    households = job["result"]["kpis"]["baseline-2026"]["households"]
    assert households["n"] == 2 and households["mean"] > 0
    report = client.get(f"/v1/scenario-comparisons/{job['id']}/report", headers=keys.planner)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "baseline-2026" in report.text and "<img" in report.text
    assert (
        client.get(f"/v1/scenario-comparisons/{job['id']}", headers=keys.planner).json()["result"]
        == job["result"]
    )
    listed = client.get("/v1/scenario-comparisons", headers=keys.planner).json()["items"]
    assert [j["id"] for j in listed] == [job["id"]]


@pytest.mark.slow
def test_comparison_specs_are_validated(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/scenario-comparisons", json={"specs": ["no-such-spec"]}, headers=keys.planner)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "specs", 0]
    bad = {"name": "x", "run": {"months": 0}}
    r = client.post("/v1/scenario-comparisons", json={"specs": [bad]}, headers=keys.planner)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][:3] == ["body", "specs", 0]
    inline = {"name": "inline", "population": {"waiting_households": 300}}
    r = client.post(
        "/v1/scenario-comparisons", json={"specs": [inline], **QUICK, "seeds": [3]}, headers=keys.planner
    )
    assert r.json()["status"] == "succeeded" and "inline" in r.json()["result"]["kpis"]


def test_aggregate_views_hold_no_personal_data(client: TestClient, keys: Keys) -> None:
    problem = small_problem(8, 10)
    load(client, keys.officer, problem)
    finished_run(client, keys.officer)
    overview = client.get("/v1/stats/overview", headers=keys.planner).json()["items"]
    alpha = next(o for o in overview if o["organisation"] == "alpha")
    assert alpha["households_by_status"] == {"waiting": 8} and alpha["runs"] == 1
    assert (
        sum(alpha["waiting_by_support"].values()) == 8
        and sum(alpha["free_units_by_programme"].values()) == 10
    )
    assert {o["organisation"] for o in overview} == {"alpha", "beta"}
    text = str(overview)
    assert not any(h.id in text for h in problem.households)
    assert [
        o["organisation"]
        for o in client.get("/v1/stats/overview", headers=keys.other_officer).json()["items"]
    ] == ["beta"]
