"""Keys: health needs none, revoked keys are refused, new keys are shown once and stored hashed.
The authorisation matrix over every operation is in ``test_api_authz_matrix``."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import Keys
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only."""
    return sqlite_url


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": True}


def test_revoked_key_is_refused(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/me", headers=keys.officer2).json()
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=keys.admin).json()["revoked"] is True
    assert client.get("/v1/me", headers=keys.officer2).status_code == 401
    assert client.get("/v1/me", headers=keys.officer).status_code == 200


def test_admin_issues_keys_shown_once_and_stored_hashed(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/organisations/beta/keys", json={"name": "officer-new", "role": "officer"}, headers=keys.platform
    )
    assert r.status_code == 201
    key = r.json()["key"]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["organisation"] == "beta"
    listed = client.get("/v1/keys", headers=keys.platform).json()["items"]
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
