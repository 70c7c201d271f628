"""Exchanges through the service: movable households, a chain proposed, accepted move by move."""

from __future__ import annotations

from datetime import date
from typing import Any

from api_helpers import Keys, finished_run
from fastapi.testclient import TestClient

TODAY = date.today().isoformat()


def _household(ref: str, adults: int, children: list[int], income: float) -> dict[str, Any]:
    return {
        "id": ref,
        "adults": adults,
        "children_ages": children,
        "monthly_income": income,
        "registered_on": "2025-01-01",
    }


def _unit(ref: str, bedrooms: int, occupancy: int, surface: float) -> dict[str, Any]:
    return {
        "id": ref,
        "programme": "gls",
        "commune": "0204",
        "bedrooms": bedrooms,
        "surface_m2": surface,
        "max_occupancy": occupancy,
        "rent": 500.0,
        "charges": 80.0,
        "available_from": TODAY,
    }


def crowded_stock(client: TestClient, officer: dict[str, str]) -> None:
    """A family of five in a studio, a couple in a three-bedroom house, a single adult in a
    one-bedroom flat; the best for all is a cycle: family -> house, couple -> flat, single -> studio."""
    households = [
        _household("FAMILY", 2, [3, 6, 9], 4200.0),
        _household("COUPLE", 2, [], 3600.0),
        _household("SINGLE", 1, [], 2400.0),
    ]
    units = [_unit("STUDIO", 0, 2, 30.0), _unit("HOUSE", 3, 7, 110.0), _unit("FLAT", 1, 3, 50.0)]
    for path, docs in (("households", households), ("units", units)):
        r = client.post(f"/v1/{path}/import", json=docs, headers=officer)
        assert r.status_code == 200, r.text
    for household, unit in (("FAMILY", "STUDIO"), ("COUPLE", "HOUSE"), ("SINGLE", "FLAT")):
        r = client.put(f"/v1/households/{household}/movable", json={"unit": unit}, headers=officer)
        assert r.status_code == 200, r.text
        assert r.json() == {"household": household, "unit": unit, "movable": True}


def homes(client: TestClient, officer: dict[str, str]) -> dict[str, str | None]:
    units = client.get("/v1/units", headers=officer).json()["items"]
    return {u["housed_household"]: u["id"] for u in units if u["housed_household"]}


def test_a_cycle_of_three_is_proposed_as_one_exchange_and_carried_out_when_all_accept(
    client: TestClient, keys: Keys
) -> None:
    crowded_stock(client, keys.officer)
    run = finished_run(client, keys.officer)
    found = client.get(f"/v1/match-runs/{run['id']}/exchanges", headers=keys.officer).json()
    assert len(found) == 1
    moves = found[0]["moves"]
    assert {(m["household"], m["from_unit"], m["to_unit"]) for m in moves} == {
        ("FAMILY", "STUDIO", "HOUSE"),
        ("COUPLE", "HOUSE", "FLAT"),
        ("SINGLE", "FLAT", "STUDIO"),
    }
    assert [m["step"] for m in moves] == [1, 2, 3]
    for m in moves:
        text = client.get(f"/v1/proposals/{m['proposal']}/explanation?lang=en", headers=keys.officer).text
        assert "swap" in text, text

    for k, m in enumerate(moves):
        r = client.post(f"/v1/proposals/{m['proposal']}/accept", headers=keys.officer)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "accepted"
        if k < len(moves) - 1:  # nobody moves before the whole exchange is accepted
            assert homes(client, keys.officer) == {"FAMILY": "STUDIO", "COUPLE": "HOUSE", "SINGLE": "FLAT"}
    assert homes(client, keys.officer) == {"FAMILY": "HOUSE", "COUPLE": "FLAT", "SINGLE": "STUDIO"}
    actions = [e["action"] for e in client.get("/v1/audit", headers=keys.admin).json()["items"]]
    assert actions.count("proposal.accepted") == 3
    assert actions.count("exchange.carried_out") == 1
    assert actions.count("household.movable") == 3


def test_a_declined_move_ends_its_exchange_and_nobody_moves(client: TestClient, keys: Keys) -> None:
    crowded_stock(client, keys.officer)
    run = finished_run(client, keys.officer)
    moves = client.get(f"/v1/match-runs/{run['id']}/exchanges", headers=keys.officer).json()[0]["moves"]
    assert (
        client.post(f"/v1/proposals/{moves[0]['proposal']}/accept", headers=keys.officer).status_code == 200
    )
    r = client.post(
        f"/v1/proposals/{moves[1]['proposal']}/decline", json={"reason": "other"}, headers=keys.officer
    )
    assert r.status_code == 200, r.text
    after = client.get(f"/v1/match-runs/{run['id']}/exchanges", headers=keys.officer).json()[0]["moves"]
    assert [m["status"] for m in after] == ["superseded", "declined", "superseded"]
    assert homes(client, keys.officer) == {"FAMILY": "STUDIO", "COUPLE": "HOUSE", "SINGLE": "FLAT"}


def test_a_household_no_longer_movable_ends_its_exchange(client: TestClient, keys: Keys) -> None:
    crowded_stock(client, keys.officer)
    run = finished_run(client, keys.officer)
    r = client.delete("/v1/households/COUPLE/movable", headers=keys.officer)
    assert r.status_code == 200, r.text
    assert r.json() == {"household": "COUPLE", "unit": "HOUSE", "movable": False}
    moves = client.get(f"/v1/match-runs/{run['id']}/exchanges", headers=keys.officer).json()[0]["moves"]
    assert {m["status"] for m in moves} == {"superseded"}
    assert client.delete("/v1/households/COUPLE/movable", headers=keys.officer).status_code == 409


def test_a_move_that_fits_someone_worse_is_not_proposed(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/households/import", json=[_household("SINGLE", 1, [], 2400.0)], headers=keys.officer)
    assert r.status_code == 200
    units = [_unit("FLAT", 1, 3, 50.0), {**_unit("DEAR", 1, 3, 50.0), "rent": 790.0}]
    assert client.post("/v1/units/import", json=units, headers=keys.officer).status_code == 200
    assert (
        client.put("/v1/households/SINGLE/movable", json={"unit": "FLAT"}, headers=keys.officer).status_code
        == 200
    )
    run = finished_run(client, keys.officer)
    assert client.get(f"/v1/match-runs/{run['id']}/exchanges", headers=keys.officer).json() == []
    assert client.get(f"/v1/match-runs/{run['id']}/unhoused", headers=keys.officer).json()["items"] == []


def test_the_current_unit_must_be_the_organisations(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/households/import", json=[_household("H1", 1, [], 2400.0)], headers=keys.officer)
    assert r.status_code == 200
    r = client.post("/v1/units/import", json=[_unit("BETA-UNIT", 1, 3, 50.0)], headers=keys.other_officer)
    assert r.status_code == 200
    r = client.put("/v1/households/H1/movable", json={"unit": "BETA-UNIT"}, headers=keys.officer)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "unit"]
    r = client.put("/v1/households/H1/movable", json={"unit": "bad id!"}, headers=keys.officer)
    assert r.status_code == 422
