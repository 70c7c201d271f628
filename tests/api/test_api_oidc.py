"""OpenID Connect sign-in end to end against a real provider on loopback: authorization code with
PKCE, organisation and role from claims, a named identity in the audit log and on decisions, clear
pages for refusals and for a provider that is down; API keys keep working."""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_helpers import Keys
from fastapi.testclient import TestClient

from api.config import Settings
from api.oidc import OidcSettings
from tests.web.oidc_provider import provider


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with provider() as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, issuer: str) -> Settings:
    return Settings(
        database_url=database_url,
        run_time_limit=10,
        solver_workers=1,
        web_dir=tmp_path / "no-web",
        oidc=OidcSettings(issuer=issuer, client_id="wunneng", client_secret="s3cret"),
    )


def sign_in(client: TestClient, sub: str) -> httpx.Response:
    """The browser's path: our login, the provider's consent form, our callback."""
    start = client.get("/auth/oidc/login", follow_redirects=False)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    consent = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert consent.status_code == 302, consent.text
    back = urllib.parse.urlsplit(consent.headers["location"])
    response: httpx.Response = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    return response


def session_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/#session=wns_")
    return {"Authorization": f"Bearer {location.split('=', 1)[1]}"}


def test_a_person_signs_in_and_is_named_in_the_audit_log(client: TestClient, keys: Keys) -> None:
    assert client.get("/auth/oidc/config").json() == {"enabled": True}
    me = session_of(sign_in(client, "fay"))
    who = client.get("/v1/me", headers=me).json()
    assert (who["name"], who["role"], who["organisation"]) == ("Fay Officer", "officer", "alpha")
    r = client.post(
        "/v1/households", json={"id": "H-1", "adults": 1, "registered_on": "2026-01-01"}, headers=me
    )
    assert r.status_code == 201
    audit = client.get("/v1/audit", params={"target": "H-1"}, headers=keys.admin).json()["items"]
    assert [(e["actor"], e["action"]) for e in audit] == [("Fay Officer", "household.created")]
    # Signing in again is the same identity, not a new one.
    again = session_of(sign_in(client, "fay"))
    assert client.get("/v1/me", headers=again).json()["key_id"] == who["key_id"]
    # An admin revokes the identity like a key: the session stops working.
    assert client.delete(f"/v1/keys/{who['key_id']}", headers=keys.admin).status_code == 200
    assert client.get("/v1/me", headers=me).status_code == 401
    # API keys stay for machines.
    assert client.get("/v1/me", headers=keys.officer).status_code == 200


def test_refusals_are_pages_that_say_why(client: TestClient, keys: Keys) -> None:
    unknown = sign_in(client, "gus")
    assert unknown.status_code == 403 and "no-such-org" in unknown.text
    no_claims = sign_in(client, "hal")
    assert no_claims.status_code == 403 and "no &#x27;organisation&#x27;" in no_claims.text
    # A callback with a state that did not start here.
    forged = client.get("/auth/oidc/callback", params={"code": "x", "state": "y"}, follow_redirects=False)
    assert forged.status_code == 403 and "start again" in forged.text
    # Tampered or made-up session tokens are 401, never a 500.
    for token in ("wns_e30.AAAA", "wns_", "wns_not-base64.x"):
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_provider_that_is_down_gives_a_clear_page(database_url: str, tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    down = Settings(
        database_url=database_url,
        web_dir=tmp_path / "no-web",
        oidc=OidcSettings(issuer=f"http://127.0.0.1:{port}", client_id="wunneng", timeout_seconds=2),
    )
    from api.main import create_app

    with TestClient(create_app(down)) as client:
        r = client.get("/auth/oidc/login", follow_redirects=False)
    assert r.status_code == 503
    assert "sign-in service is not reachable" in r.text and f"127.0.0.1:{port}" in r.text
