"""Helpers shared by the service tests (imported as a plain module: pytest puts this folder on the path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from matcher import MatchProblem
from scenarios.generator import GeneratorParams, generate


@dataclass(frozen=True)
class Keys:
    admin: dict[str, str]
    officer: dict[str, str]
    officer2: dict[str, str]
    planner: dict[str, str]
    other_officer: dict[str, str]
    other_admin: dict[str, str]
    platform: dict[str, str]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def small_problem(households: int = 12, units: int = 15, seed: int = 3) -> MatchProblem:
    """A generated problem dated today, so units are available whatever day the tests run."""
    return generate(GeneratorParams(households=households, units=units, match_date=date.today()), seed)


def load(client: TestClient, headers: dict[str, str], problem: MatchProblem) -> None:
    """Import a problem's households, units and zones through the API."""
    for path, docs in (
        ("households", problem.households),
        ("units", problem.units),
        ("support-zones", problem.support_zones),
    ):
        r = client.post(f"/v1/{path}/import", json=[d.model_dump(mode="json") for d in docs], headers=headers)
        assert r.status_code == 200, r.text


def finished_run(client: TestClient, headers: dict[str, str], **body: object) -> dict[str, Any]:
    r = client.post("/v1/match-runs", json={"wait_seconds": 60, **body}, headers=headers)
    assert r.status_code == 202, r.text
    run: dict[str, Any] = r.json()
    assert run["status"] == "succeeded", run
    return run
