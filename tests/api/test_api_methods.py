"""A method a path does not take is a 405 whose ``Allow`` lists every method the path takes, with
or without the web pages mounted at ``/`` (which match every path and would answer ``GET, HEAD``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app

#: (method, path, the methods the path takes): written from the route table in api/README.md.
CASES = [
    ("DELETE", "/v1/households", {"GET", "POST"}),
    ("OPTIONS", "/v1/households/import", {"POST"}),  # not the methods of /households/{ref}
    ("GET", "/v1/units/import/dry-run", {"POST"}),
    ("PUT", "/v1/me", {"GET"}),
    ("HEAD", "/v1/me", {"GET"}),
    ("PATCH", "/v1/policies", {"GET", "POST"}),
    ("POST", "/v1/households/H-1/history", {"GET"}),
    ("POST", "/v1/pair-rules/3", {"DELETE"}),
    ("DELETE", "/v1/households/import/template.csv", {"GET"}),
    ("GET", "/v1/exports/units.xlsx", {"POST"}),
]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Routing only: SQLite."""
    return sqlite_url


@pytest.fixture(params=["pages", "no pages"])
def routed(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    web = tmp_path / "web"
    if request.param == "pages":
        web.mkdir()
        (web / "index.html").write_text("<!doctype html><title>pages</title>", "utf-8")
    with TestClient(create_app(settings.model_copy(update={"web_dir": web}))) as c:
        yield c


def test_405_lists_every_method_of_the_path(routed: TestClient) -> None:
    wrong = []
    for method, path, expected in CASES:
        r = routed.request(method, path)
        allow = {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()}
        if r.status_code != 405 or allow != expected:
            wrong.append((method, path, r.status_code, sorted(allow)))
    assert wrong == [], wrong


def test_pages_still_answer_their_own_paths(settings: Settings, tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>pages</title>", "utf-8")
    with TestClient(create_app(settings.model_copy(update={"web_dir": web}))) as c:
        assert c.get("/").status_code == 200 and "pages" in c.get("/").text
        r = c.post("/index.html")
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"


def test_the_answers_a_client_can_get_are_documented(settings: Settings) -> None:
    """Schemathesis found a 429 on a full run queue and the sign-in pages' HTML 404 undocumented."""
    schema = create_app(settings).openapi()
    start = schema["paths"]["/v1/match-runs"]["post"]["responses"]
    assert "application/problem+json" in start["429"]["content"]
    for page in ("/auth/oidc/login", "/auth/oidc/callback"):
        assert "text/html" in schema["paths"][page]["get"]["responses"]["404"]["content"]
