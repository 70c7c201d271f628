"""Planners compare scenarios as jobs and read aggregate views, never personal records."""

from __future__ import annotations

from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient


def test_scenario_comparison_job(client: TestClient, keys: Keys) -> None:
    body = {
        "scenarios": [
            {"name": "tight", "households": 10, "units": 6, "seed": 1},
            {"name": "roomy", "households": 10, "units": 20, "seed": 1},
        ],
        "time_limit": 5,
        "wait_seconds": 60,
    }
    assert client.post("/v1/scenario-comparisons", json=body, headers=keys.officer).status_code == 403
    r = client.post("/v1/scenario-comparisons", json=body, headers=keys.planner)
    assert r.status_code == 202
    job = r.json()
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    tight, roomy = job["result"]["scenarios"]
    assert tight["name"] == "tight" and tight["housed"] <= 6 and roomy["housed"] >= tight["housed"]
    assert tight["housed"] + sum(tight["unhoused_by_reason"].values()) == 10
    again = client.get(f"/v1/scenario-comparisons/{job['id']}", headers=keys.planner).json()
    assert again["result"] == job["result"]


def test_aggregate_views_hold_no_personal_data(client: TestClient, keys: Keys) -> None:
    problem = small_problem(8, 10)
    load(client, keys.officer, problem)
    finished_run(client, keys.officer)
    overview = client.get("/v1/stats/overview", headers=keys.planner).json()
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
        o["organisation"] for o in client.get("/v1/stats/overview", headers=keys.other_officer).json()
    ] == ["beta"]
