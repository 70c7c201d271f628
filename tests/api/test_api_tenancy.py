"""Tenancy: a platform admin manages organisations and their first admin; an organisation's admin
manages only its own keys, and never reaches another organisation."""

from __future__ import annotations

import pytest
from api_helpers import Keys, bearer, load, small_problem
from fastapi.testclient import TestClient


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only (the lock on revocation is covered by the organisation lock)."""
    return sqlite_url


def new_key(client: TestClient, who: dict[str, str], org: str, role: str, name: str = "someone") -> int:
    r = client.post(f"/v1/organisations/{org}/keys", json={"name": name, "role": role}, headers=who)
    code: int = r.status_code
    return code


def test_org_admin_cannot_create_keys_for_another_org_nor_read_its_households(
    client: TestClient, keys: Keys
) -> None:
    load(client, keys.other_officer, small_problem(3, 4))
    r = client.post(
        "/v1/organisations/beta/keys", json={"name": "intruder", "role": "officer"}, headers=keys.admin
    )
    assert r.status_code == 404, r.text
    assert "key" not in r.json()
    assert new_key(client, keys.admin, "beta", "admin") == 404
    assert new_key(client, keys.admin, "no-such-org", "officer") == 404
    assert client.get("/v1/households", headers=keys.other_officer).json()["total"] == 3
    names = [k["name"] for k in client.get("/v1/keys", headers=keys.other_admin).json()["items"]]
    assert "intruder" not in names and "someone" not in names


def test_org_admin_manages_only_its_own_keys(client: TestClient, keys: Keys) -> None:
    listed = client.get("/v1/keys", headers=keys.admin).json()["items"]
    assert {k["organisation"] for k in listed} == {"alpha"}
    beta_key = client.get("/v1/me", headers=keys.other_officer).json()["key_id"]
    assert client.delete(f"/v1/keys/{beta_key}", headers=keys.admin).status_code == 404
    assert client.get("/v1/me", headers=keys.other_officer).status_code == 200
    r = client.post(
        "/v1/organisations/alpha/keys", json={"name": "officer-new", "role": "officer"}, headers=keys.admin
    )
    assert r.status_code == 201 and r.json()["organisation"] == "alpha"
    r = client.post(
        "/v1/organisations/alpha/keys", json={"name": "root", "role": "platform_admin"}, headers=keys.admin
    )
    assert r.status_code == 422


def test_only_the_platform_admin_manages_organisations(client: TestClient, keys: Keys) -> None:
    for who in (keys.admin, keys.officer, keys.planner):
        assert client.get("/v1/organisations", headers=who).status_code == 403
        r = client.post("/v1/organisations", json={"id": "gamma", "name": "Gamma"}, headers=who)
        assert r.status_code == 403
    r = client.post("/v1/organisations", json={"id": "gamma", "name": "Gamma"}, headers=keys.platform)
    assert r.status_code == 201
    orgs = client.get("/v1/organisations", headers=keys.platform).json()["items"]
    assert {o["id"] for o in orgs} == {"alpha", "beta", "gamma"}
    # the platform admin issues the first admin key; that admin runs its organisation
    r = client.post(
        "/v1/organisations/gamma/keys", json={"name": "admin-g", "role": "admin"}, headers=keys.platform
    )
    assert r.status_code == 201
    gamma = bearer(r.json()["key"])
    assert client.get("/v1/me", headers=gamma).json()["organisation"] == "gamma"
    assert new_key(client, gamma, "gamma", "officer", "officer-g") == 201
    # the new organisation's log shows both key actions and its creation
    log = client.get("/v1/audit", headers=gamma).json()["items"]
    assert [(e["action"], e["actor"]) for e in log] == [
        ("organisation.created", "platform-p"),
        ("key.created", "platform-p"),
        ("key.created", "admin-g"),
    ]
    assert all(e["organisation"] == "gamma" for e in log)
    # ... and nothing of it reaches another organisation's log
    assert client.get("/v1/audit", params={"action": "key.created"}, headers=keys.admin).json()["total"] == 0


def test_platform_admin_reads_no_records(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(3, 4))
    me = client.get("/v1/me", headers=keys.platform).json()
    assert me["role"] == "platform_admin" and me["organisation"] is None
    for path in ("/v1/households", "/v1/units", "/v1/proposals", "/v1/policies", "/v1/match-runs"):
        assert client.get(path, headers=keys.platform).status_code == 403, path


def test_key_actions_are_in_the_target_organisations_audit_log(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/organisations/beta/keys", json={"name": "officer-b2", "role": "officer"}, headers=keys.platform
    )
    assert r.status_code == 201
    key_id = r.json()["id"]
    assert client.delete(f"/v1/keys/{key_id}", headers=keys.platform).status_code == 200
    beta = client.get("/v1/audit", headers=keys.other_admin).json()["items"]
    assert [(e["action"], e["target_ref"]) for e in beta] == [
        ("key.created", str(key_id)),
        ("key.revoked", str(key_id)),
    ]
    platform = client.get("/v1/audit", headers=keys.platform).json()["items"]
    assert [e["action"] for e in platform] == ["key.created", "key.revoked"]


def test_the_last_admin_key_of_an_organisation_cannot_be_revoked(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/me", headers=keys.admin).json()
    r = client.delete(f"/v1/keys/{me['key_id']}", headers=keys.admin)
    assert r.status_code == 409 and "last" in r.json()["detail"]
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=keys.platform).status_code == 409
    assert client.get("/v1/me", headers=keys.admin).status_code == 200
    r = client.post(
        "/v1/organisations/alpha/keys", json={"name": "admin-a2", "role": "admin"}, headers=keys.admin
    )
    second = bearer(r.json()["key"])
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=second).status_code == 200
    assert client.get("/v1/me", headers=keys.admin).status_code == 401
    own = client.get("/v1/me", headers=second).json()["key_id"]
    assert client.delete(f"/v1/keys/{own}", headers=second).status_code == 409
    platform = client.get("/v1/me", headers=keys.platform).json()["key_id"]
    assert client.delete(f"/v1/keys/{platform}", headers=keys.platform).status_code == 409


def test_stats_of_an_organisation_admin_cover_its_own_organisation(client: TestClient, keys: Keys) -> None:
    assert [
        o["organisation"] for o in client.get("/v1/stats/overview", headers=keys.admin).json()["items"]
    ] == ["alpha"]
    everyone = client.get("/v1/stats/overview", headers=keys.platform).json()["items"]
    assert {o["organisation"] for o in everyone} == {"alpha", "beta"}
