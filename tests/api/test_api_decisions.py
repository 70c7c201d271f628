"""Decisions and their consequences: pins and forbids, refusal rules, reviews, erasure."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient


def open_items(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(
        "/v1/proposals", params={"status": "open"}, headers=headers
    ).json()["items"]
    return items


def test_pins_are_kept_and_forbids_never_proposed(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem())
    finished_run(client, keys.officer)
    proposals = open_items(client, keys.officer)
    with_alt = next(p for p in proposals if p["alternatives"])
    alt_unit = with_alt["alternatives"][0]["unit"]
    other = next(p for p in proposals if p["household"] != with_alt["household"] and p["unit"] != alt_unit)
    pin = {"household": with_alt["household"], "unit": alt_unit, "kind": "pin"}
    assert client.post("/v1/pair-rules", json=pin, headers=keys.officer).status_code == 201
    assert client.post("/v1/pair-rules", json=pin, headers=keys.officer).status_code == 409
    forbid = {"household": other["household"], "unit": other["unit"], "kind": "forbid"}
    assert client.post("/v1/pair-rules", json=forbid, headers=keys.officer).status_code == 201
    assert (
        client.post("/v1/pair-rules", json={**forbid, "kind": "pin"}, headers=keys.officer).status_code == 409
    )

    finished_run(client, keys.officer)
    pairs = {(p["household"], p["unit"]): p for p in open_items(client, keys.officer)}
    assert pairs[(with_alt["household"], alt_unit)]["pinned"] is True
    assert (other["household"], other["unit"]) not in pairs
    rules = client.get("/v1/pair-rules", headers=keys.officer).json()["items"]
    assert {(r["kind"], r["source"]) for r in rules} == {("pin", "officer"), ("forbid", "officer")}
    assert client.delete(f"/v1/pair-rules/{rules[0]['id']}", headers=keys.officer).status_code == 204
    assert len(client.get("/v1/pair-rules", headers=keys.officer).json()["items"]) == 1


def test_a_pin_on_an_ineligible_pair_is_refused_and_runs_go_on(client: TestClient, keys: Keys) -> None:
    h = keys.officer
    household = {"id": "H-1", "adults": 1, "monthly_income": 2000, "registered_on": "2025-05-01"}
    unit = {
        "programme": "gls",
        "commune": "0304",
        "bedrooms": 1,
        "surface_m2": 40,
        "max_occupancy": 2,
        "available_from": "2026-01-01",
    }
    client.post("/v1/households", json=household, headers=h)
    client.post("/v1/units", json={**unit, "id": "U-dear", "rent": 5000}, headers=h)
    client.post("/v1/units", json={**unit, "id": "U-fair", "rent": 500}, headers=h)
    r = client.post("/v1/pair-rules", json={"household": "H-1", "unit": "U-dear", "kind": "pin"}, headers=h)
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert error["loc"] == ["body", "unit"] and error["type"] == "ineligible_pair"
    assert "H-1" in error["msg"] and "U-dear" in error["msg"] and "over_budget" in error["msg"]
    assert client.get("/v1/pair-rules", headers=h).json()["items"] == []
    forbid = {"household": "H-1", "unit": "U-dear", "kind": "forbid"}
    assert client.post("/v1/pair-rules", json=forbid, headers=h).status_code == 201
    pin = {"household": "H-1", "unit": "U-fair", "kind": "pin"}
    assert client.post("/v1/pair-rules", json=pin, headers=h).status_code == 201
    finished_run(client, h)
    assert [(p["household"], p["unit"], p["pinned"]) for p in open_items(client, h)] == [
        ("H-1", "U-fair", True)
    ]


def test_deciding_a_superseded_proposal_says_which_run_replaced_it(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(10, 12))
    finished_run(client, keys.officer)
    first, second, third = open_items(client, keys.officer)[:3]
    client.post(f"/v1/proposals/{first['id']}/accept", headers=keys.officer)
    rerun = finished_run(client, keys.officer)
    r = client.post(f"/v1/proposals/{second['id']}/accept", headers=keys.officer2)
    assert r.status_code == 409 and f"superseded by run {rerun['id']}" in r.json()["detail"], r.text
    r = client.post(f"/v1/proposals/{third['id']}/decline", json={"reason": "other"}, headers=keys.officer2)
    assert r.status_code == 409 and f"superseded by run {rerun['id']}" in r.json()["detail"], r.text
    r = client.post(f"/v1/proposals/{first['id']}/accept", headers=keys.officer2)
    assert r.status_code == 409 and "already accepted by officer-a1" in r.json()["detail"], r.text


def test_refusal_rules_are_policy_and_not_punitive_by_default(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem())
    finished_run(client, keys.officer)
    first = open_items(client, keys.officer)[0]
    client.post(
        f"/v1/proposals/{first['id']}/decline", json={"reason": "household_refused"}, headers=keys.officer
    )
    hh = client.get(f"/v1/households/{first['household']}", headers=keys.officer).json()
    assert hh["refusals"] == 1 and hh["status"] == "waiting"

    strict = {"matching": {"version": "strict-1"}, "refusals": {"limit": 1, "action": "suspend"}}
    r = client.post("/v1/policies", json=strict, headers=keys.admin)
    assert r.status_code == 201 and r.json()["active"] is True
    assert client.post("/v1/policies", json=strict, headers=keys.admin).status_code == 409
    run = finished_run(client, keys.officer)
    assert run["policy_version"] == "strict-1"
    landlord, refused = open_items(client, keys.officer)[:2]
    client.post(
        f"/v1/proposals/{landlord['id']}/decline", json={"reason": "landlord_refused"}, headers=keys.officer
    )
    assert (
        client.get(f"/v1/households/{landlord['household']}", headers=keys.officer).json()["status"]
        == "waiting"
    )
    client.post(
        f"/v1/proposals/{refused['id']}/decline", json={"reason": "household_refused"}, headers=keys.officer
    )
    assert (
        client.get(f"/v1/households/{refused['household']}", headers=keys.officer).json()["status"]
        == "suspended"
    )

    rerun = finished_run(client, keys.officer)
    unhoused = client.get(f"/v1/match-runs/{rerun['id']}/unhoused", headers=keys.officer).json()["items"]
    left_out = {p["household"] for p in open_items(client, keys.officer)} | {u["household"] for u in unhoused}
    assert refused["household"] not in left_out and landlord["household"] in left_out
    r = client.post(f"/v1/households/{refused['household']}/reinstate", headers=keys.officer)
    assert r.json()["status"] == "waiting"


def test_review_is_resolved_by_a_second_officer(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem())
    finished_run(client, keys.officer)
    p = open_items(client, keys.officer)[0]
    assert (
        client.post(
            f"/v1/proposals/{p['id']}/review-requests",
            json={"reason": "household_contests"},
            headers=keys.officer,
        ).status_code
        == 409
    )  # nothing decided yet
    client.post(
        f"/v1/proposals/{p['id']}/decline", json={"reason": "household_refused"}, headers=keys.officer
    )
    r = client.post(
        f"/v1/proposals/{p['id']}/review-requests",
        json={"reason": "household_contests"},
        headers=keys.officer,
    )
    assert r.status_code == 201 and r.json()["status"] == "open" and r.json()["household"] == p["household"]
    review = r.json()["id"]
    resolve = f"/v1/review-requests/{review}/resolve"
    assert client.post(resolve, json={"outcome": "overturned"}, headers=keys.officer).status_code == 403
    assert client.post(resolve, json={"outcome": "overturned"}, headers=keys.other_officer).status_code == 404
    r = client.post(resolve, json={"outcome": "overturned"}, headers=keys.officer2)
    assert (
        r.status_code == 200
        and r.json()["resolved_by"] == "officer-a2"
        and r.json()["outcome"] == "overturned"
    )
    assert client.post(resolve, json={"outcome": "upheld"}, headers=keys.admin).status_code == 409
    assert client.get(f"/v1/households/{p['household']}", headers=keys.officer).json()["refusals"] == 0
    assert (
        client.get("/v1/pair-rules", headers=keys.officer).json()["items"] == []
    )  # the decline's forbid is lifted
    actions = [e["action"] for e in client.get("/v1/audit", headers=keys.admin).json()["items"]]
    assert "review.requested" in actions and "review.resolved" in actions


def test_explanation_for_the_household(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem())
    finished_run(client, keys.officer)
    p = open_items(client, keys.officer)[0]
    r = client.get(f"/v1/proposals/{p['id']}/explanation", headers=keys.officer)
    assert r.status_code == 200
    body = r.json()
    assert body["unit"] == p["unit"] and p["unit"] in body["summary"]
    assert [f["points"] for f in body["factors"]] == sorted(
        (v for v in p["breakdown"].values() if v), reverse=True
    )
    assert all(f["meaning"] and "_" not in f["meaning"] for f in body["factors"])


def test_erasure_removes_personal_fields_and_keeps_the_audit_consistent(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    problem = small_problem()
    load(client, keys.officer, problem)
    finished_run(client, keys.officer)
    p = open_items(client, keys.officer)[0]
    client.post(f"/v1/proposals/{p['id']}/accept", headers=keys.officer)
    assert client.delete(f"/v1/households/{p['household']}", headers=keys.officer).status_code == 204
    hh = client.get(f"/v1/households/{p['household']}", headers=keys.officer).json()
    assert hh["status"] == "erased" and hh["record"] is None
    mine = client.get("/v1/proposals", params={"household": p["household"]}, headers=keys.officer).json()[
        "items"
    ]
    assert mine and all(x["explanation"] == "" and x["breakdown"] == {} for x in mine)
    assert client.get(f"/v1/proposals/{p['id']}/explanation", headers=keys.officer).status_code == 409
    assert client.put(f"/v1/households/{p['household']}", json={}, headers=keys.officer).status_code == 409
    audit = client.get("/v1/audit", params={"target": p["household"]}, headers=keys.admin).json()["items"]
    assert [e["action"] for e in audit] == ["proposal.accepted", "household.erased"]
    history = client.get(f"/v1/households/{p['household']}/history", headers=keys.officer2).json()["items"]
    assert history == audit  # officers read their household's trail; the full log stays admin-only
    assert (
        client.get(f"/v1/households/{p['household']}/history", headers=keys.other_officer).status_code == 404
    )
    # nothing personal in the audit log nor in the logs: no household field names or values
    text = (
        json.dumps(client.get("/v1/audit", params={"limit": 1000}, headers=keys.admin).json()) + caplog.text
    )
    household = problem.households[0]
    for field in ("monthly_income", "children_ages", "registered_on", "vulnerabilities"):
        assert field not in text
    assert household.registered_on.isoformat() not in text
    # the unit stays taken: a placement is a fact, not personal data
    assert client.get(f"/v1/units/{p['unit']}", headers=keys.officer).json()["status"] == "taken"
