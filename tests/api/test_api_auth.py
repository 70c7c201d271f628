"""Authorisation matrix: each role against each endpoint family, and cross-organisation access."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import Keys
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app

# (method, path, body) per endpoint family, and the roles allowed (others get 403).
OFFICE = {"officer", "admin"}
EVERYONE = {"officer", "admin", "planner"}
FAMILIES: list[tuple[str, str, object, set[str]]] = [
    ("GET", "/v1/me", None, EVERYONE),
    ("GET", "/v1/households", None, OFFICE),
    ("GET", "/v1/units", None, OFFICE),
    ("GET", "/v1/support-zones", None, OFFICE),
    ("GET", "/v1/quotas", None, OFFICE),
    ("POST", "/v1/households/import", [], OFFICE),
    ("GET", "/v1/match-runs", None, OFFICE),
    ("GET", "/v1/proposals", None, OFFICE),
    ("GET", "/v1/pair-rules", None, OFFICE),
    ("GET", "/v1/review-requests", None, OFFICE),
    ("GET", "/v1/policies", None, EVERYONE),
    ("GET", "/v1/stats/overview", None, EVERYONE),
    ("GET", "/v1/stats/override-rate", None, EVERYONE),
    ("GET", "/v1/scenario-comparisons", None, {"planner", "admin"}),
    ("GET", "/v1/audit", None, {"admin"}),
    ("GET", "/v1/keys", None, {"admin"}),
    ("GET", "/v1/organisations", None, {"admin"}),
    ("POST", "/v1/policies", {"matching": {"version": "matrix-test"}}, {"admin"}),
]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only."""
    return sqlite_url


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), FAMILIES, ids=[f"{m} {p}" for m, p, *_ in FAMILIES]
)
def test_role_matrix(
    client: TestClient, keys: Keys, method: str, path: str, body: object, allowed: set[str]
) -> None:
    roles = {"officer": keys.officer, "admin": keys.admin, "planner": keys.planner}
    for role, headers in roles.items():
        r = client.request(method, path, json=body, headers=headers)
        if role in allowed:
            assert r.status_code < 300, (role, r.status_code, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
    assert client.request(method, path, json=body).status_code == 401
    assert (
        client.request(method, path, json=body, headers={"Authorization": "Bearer wn_nope_nope"}).status_code
        == 401
    )


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": True}


def test_revoked_key_is_refused(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/me", headers=keys.officer2).json()
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=keys.admin).json()["revoked"] is True
    assert client.get("/v1/me", headers=keys.officer2).status_code == 401
    assert client.get("/v1/me", headers=keys.officer).status_code == 200


def test_admin_issues_keys_shown_once_and_stored_hashed(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/organisations/beta/keys", json={"name": "officer-new", "role": "officer"}, headers=keys.admin
    )
    assert r.status_code == 201
    key = r.json()["key"]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["organisation"] == "beta"
    listed = client.get("/v1/keys", headers=keys.admin).json()
    assert all("key" not in k for k in listed)
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.engine.connect() as conn:
        stored = [tuple(row) for row in conn.exec_driver_sql("select prefix, secret_hash from api_keys")]
    assert all(key.split("_", 2)[2] not in (p, h) for p, h in stored)


def test_web_pages_are_served_at_the_root_when_present(settings: Settings, tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<h1>wunneng</h1>", "utf-8")
    with TestClient(create_app(settings.model_copy(update={"web_dir": web}))) as c:
        assert c.get("/").text == "<h1>wunneng</h1>"
        assert c.get("/health").json()["status"] == "ok"
        assert c.get("/v1/me").status_code == 401
