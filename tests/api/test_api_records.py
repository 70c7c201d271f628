"""Records: CRUD, bulk import (JSON and CSV), and the error statuses (422 naming the field, 404, 413)."""

from __future__ import annotations

from api_helpers import Keys, small_problem
from fastapi.testclient import TestClient

UNIT = {
    "id": "U-1",
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 1,
    "surface_m2": 40,
    "max_occupancy": 2,
    "rent": 900,
    "available_from": "2026-01-01",
}
HOUSEHOLD = {"id": "H-1", "adults": 1, "monthly_income": 2000, "registered_on": "2025-05-01"}


def test_crud_round_trip(client: TestClient, keys: Keys) -> None:
    h = keys.officer
    r = client.post("/v1/units", json=UNIT, headers=h)
    assert r.status_code == 201 and r.json()["status"] == "free" and r.json()["record"]["rent"] == 900
    assert client.post("/v1/units", json=UNIT, headers=h).status_code == 409
    assert client.patch("/v1/units/U-1", json={"rent": 950}, headers=h).json()["record"]["rent"] == 950
    assert client.put("/v1/units/U-1", json={**UNIT, "id": "U-2"}, headers=h).status_code == 422
    assert (
        client.put("/v1/units/U-1", json={**UNIT, "bedrooms": 2}, headers=h).json()["record"]["rent"] == 900
    )
    assert client.get("/v1/units", headers=h).json()["total"] == 1
    assert client.delete("/v1/units/U-1", headers=h).status_code == 204
    assert client.get("/v1/units", params={"status": "withdrawn"}, headers=h).json()["total"] == 1
    assert client.get("/v1/units/U-404", headers=h).status_code == 404
    zone = {"id": "Z1", "communes": ["0304", "0101"], "capacity_points": 10}
    assert client.post("/v1/support-zones", json=zone, headers=h).status_code == 201
    quota = {"id": "Q1", "scope": "programme", "key": "gls", "max_households": 3}
    assert client.post("/v1/quotas", json=quota, headers=h).status_code == 201
    assert client.delete("/v1/quotas/Q1", headers=h).status_code == 204
    assert client.get("/v1/quotas", headers=h).json()["total"] == 0


def test_422_names_the_field(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/households", json={**HOUSEHOLD, "adults": 0}, headers=keys.officer)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "adults"
    r = client.post("/v1/units", json={**UNIT, "commune": "9999"}, headers=keys.officer)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][-1] == "commune" and "9999" in r.json()["errors"][0]["msg"]
    r = client.post(
        "/v1/quotas", json={"id": "Q", "scope": "programme", "key": "castle"}, headers=keys.officer
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "key"
    bad = [HOUSEHOLD, {**HOUSEHOLD, "id": "H-2", "support": "maximal"}]
    r = client.post("/v1/households/import", json=bad, headers=keys.officer)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", 1, "support"]
    assert client.get("/v1/households", headers=keys.officer).json()["total"] == 0  # all or nothing
    r = client.post("/v1/households/import", json=[HOUSEHOLD, HOUSEHOLD], headers=keys.officer)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", 1, "id"]


def test_413_for_oversized_payloads(client: TestClient, keys: Keys) -> None:
    big = [{**HOUSEHOLD, "id": f"H-{i}"} for i in range(5000)]
    r = client.post("/v1/households/import", json=big, headers=keys.officer)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "payload_too_large" and r.json()["status"] == 413
    assert client.get("/v1/households", headers=keys.officer).json()["total"] == 0


def test_json_import_upserts(client: TestClient, keys: Keys) -> None:
    problem = small_problem(5, 6)
    docs = [u.model_dump(mode="json") for u in problem.units]
    assert client.post("/v1/units/import", json=docs, headers=keys.officer).json() == {
        "created": 6,
        "updated": 0,
    }
    docs[0]["rent"] = 1.0
    assert client.post("/v1/units/import", json=docs[:2], headers=keys.officer).json() == {
        "created": 0,
        "updated": 2,
    }
    assert client.get(f"/v1/units/{docs[0]['id']}", headers=keys.officer).json()["record"]["rent"] == 1.0


def test_csv_import(client: TestClient, keys: Keys) -> None:
    households = (
        "id,adults,children_ages,monthly_income,needs,registered_on,work.commune,support,schools\n"
        'H-A,2,4;9,3100,step_free;lift,2025-02-01,0304,intensive,"[{""commune"": ""0304""}]"\n'
        "H-B,1,,1900,,2026-01-15,,light,\n"
    )
    r = client.post(
        "/v1/households/import",
        content=households.encode(),
        headers={**keys.officer, "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 2, "updated": 0}
    a = client.get("/v1/households/H-A", headers=keys.officer).json()["record"]
    assert a["children_ages"] == [4, 9] and sorted(a["needs"]) == ["lift", "step_free"]
    assert a["work"] == {"commune": "0304", "lat": None, "lon": None} and a["support"] == "intensive"
    assert a["schools"] == [{"commune": "0304", "lat": None, "lon": None}]
    bad = "id,adults,registered_on\nH-C,two,2025-01-01\n"
    r = client.post(
        "/v1/households/import", content=bad.encode(), headers={**keys.officer, "content-type": "text/csv"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "adults"
