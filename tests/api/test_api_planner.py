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


@pytest.mark.slow
def test_a_what_if_on_the_organisations_own_stock(client: TestClient, keys: Keys) -> None:
    url = "/v1/scenario-comparisons/from-stock"
    body = {"seeds": [0], "months": 2, "time_limit": 2, "wait_seconds": 60}
    r = client.post(url, json=body, headers=keys.planner)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body"]  # no stock yet
    assert "at least 10" in r.json()["detail"]
    problem = small_problem(12, 15)
    load(client, keys.officer, problem)
    assert client.post(url, json=body, headers=keys.officer).status_code == 403
    r = client.post(url, json={**body, "base": "no-such-spec"}, headers=keys.planner)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "base"]
    r = client.post(url, json=body, headers=keys.planner)
    assert r.status_code == 202
    job = r.json()
    assert job["status"] == "succeeded", job["error"]
    spec = job["request"]["specs"][0]
    assert spec["name"] == "organisation-stock"
    assert spec["population"]["waiting_households"] == 12 and spec["stock"]["units"] == 15
    assert spec["run"]["scale"] == 1.0
    singles = sum(1 for h in problem.households if h.adults == 1 and not h.children_ages)
    assert spec["generator"]["type_shares"]["single"] == pytest.approx(singles / 12)
    assert not any(h.id in str(job) for h in problem.households)  # counts and shares, no record
    assert job["result"]["kpis"]["organisation-stock"]["households"]["n"] == 1
    report = client.get(f"/v1/scenario-comparisons/{job['id']}/report", headers=keys.planner)
    assert report.status_code == 200 and "organisation-stock" in report.text and "<img" in report.text
    # Another organisation's planner sees neither the job nor alpha's stock.
    assert client.get(f"/v1/scenario-comparisons/{job['id']}", headers=keys.other_admin).status_code == 404
