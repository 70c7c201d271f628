"""Fairness targets in a service run: every run with targets says what they cost and whom they moved;
without targets the run says nothing; targets that cannot be met name themselves and the run answers."""

from __future__ import annotations

from typing import Any

from api_helpers import Keys, finished_run
from fastapi.testclient import TestClient

UNIT = {
    "id": "U-1",
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 1,
    "surface_m2": 48,
    "max_occupancy": 3,
    "rent": 600,
    "available_from": "2026-01-01",
}
SINGLE = {"id": "H-1", "adults": 1, "monthly_income": 2000, "registered_on": "2025-05-01"}
# the couple fits the unit better: its higher income leaves it no rent burden
COUPLE = {"id": "H-2", "adults": 2, "monthly_income": 2800, "registered_on": "2025-05-01"}
ALL_SINGLES = {"id": "all-singles", "group": "household_type", "value": "single", "min_housed_share": 1.0}


def _policy(client: TestClient, keys: Keys, version: str, **matching: Any) -> None:
    r = client.post("/v1/policies", json={"matching": {"version": version, **matching}}, headers=keys.admin)
    assert r.status_code == 201, r.text


def _records(client: TestClient, keys: Keys, *households: dict[str, Any]) -> None:
    for h in households:
        assert client.post("/v1/households", json=h, headers=keys.officer).status_code == 201
    assert client.post("/v1/units", json=UNIT, headers=keys.officer).status_code == 201


def _proposed(client: TestClient, keys: Keys, run: dict[str, Any]) -> list[str]:
    items = client.get(f"/v1/match-runs/{run['id']}/proposals", headers=keys.officer).json()["items"]
    return [p["household"] for p in items]


def test_a_binding_minimum_share_shows_its_price_and_the_groups_it_moved(
    client: TestClient, keys: Keys
) -> None:
    _records(client, keys, SINGLE, COUPLE)
    free = finished_run(client, keys.officer)
    assert free["fairness"] is None and _proposed(client, keys, free) == ["H-2"]
    _policy(client, keys, "fair-1", fairness=[ALL_SINGLES])
    run = finished_run(client, keys.officer)
    assert _proposed(client, keys, run) == ["H-1"]
    price = run["fairness"]
    assert price["feasible"] and price["infeasible_targets"] == []
    assert price["objective_with"] == run["objective"]
    assert price["objective_without"] == free["objective"]
    assert price["objective_with"] > price["objective_without"] and price["cost_share"] > 0
    assert price["housed_with"] == price["housed_without"] == 1
    assert price["moved"]["household_type=single"] == 100.0
    assert price["moved"]["household_type=couple"] == -100.0
    # the same object when the run is read again, and in the listing
    assert client.get(f"/v1/match-runs/{run['id']}", headers=keys.officer).json()["fairness"] == price
    listed = client.get("/v1/match-runs", headers=keys.officer).json()["items"]
    assert {r["id"]: r["fairness"] for r in listed} == {run["id"]: price, free["id"]: None}


def test_a_policy_gap_is_priced_too(client: TestClient, keys: Keys) -> None:
    _records(client, keys, SINGLE, COUPLE)
    _policy(client, keys, "gap-1", fairness_gaps=[{"id": "half", "group": "household_type", "max_gap": 0.5}])
    run = finished_run(client, keys.officer)
    assert _proposed(client, keys, run) == []  # housing either household opens a 100-point gap
    price = run["fairness"]
    assert price["feasible"] and (price["housed_with"], price["housed_without"]) == (0, 1)
    assert price["moved"]["household_type=couple"] == -100.0


def test_targets_that_cannot_be_met_name_themselves_and_the_run_answers(
    client: TestClient, keys: Keys
) -> None:
    _records(client, keys, SINGLE, {**SINGLE, "id": "H-3"})
    half_intensive = {
        "id": "half-intensive",
        "group": "support",
        "value": "intensive",
        "min_housed_share": 0.5,
    }
    _policy(client, keys, "fair-2", fairness=[ALL_SINGLES, half_intensive])
    run = finished_run(client, keys.officer)
    assert run["solver_status"] == "infeasible"
    price = run["fairness"]
    assert not price["feasible"] and price["infeasible_targets"] == ["all-singles"]
    assert price["objective_with"] is None and price["housed_without"] == 1


def test_a_run_shows_what_a_replay_needs(client: TestClient, keys: Keys) -> None:
    _records(client, keys, SINGLE)
    run = finished_run(client, keys.officer)
    assert len(run["input_hash"]) == 64 and int(run["input_hash"], 16) >= 0
    assert run["solver_settings"]["seed"] == 0 and run["versions"]["wunneng"]


def test_a_bad_gap_is_refused_naming_the_field(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/policies",
        json={
            "matching": {"version": "bad-1", "fairness_gaps": [{"id": "g", "group": "support", "max_gap": 2}]}
        },
        headers=keys.admin,
    )
    assert r.status_code == 422 and "max_gap" in r.text
