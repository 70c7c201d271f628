"""The authorisation matrix, generated from the OpenAPI document: every operation x every role x
the caller's own organisation / another organisation (the platform admin: either).

Each operation must appear in ``ALLOWED`` (a new route fails here until someone decides who may
call it). For each, on a fresh copy of one world of two organisations with records, a finished
run, decisions, rules, reviews and a comparison:

- without a key: 401; a role not allowed: 403, whatever the target;
- an allowed role on another organisation's record (path, body or query): 404 (422 for a filter),
  and no response of a collection ever carries another organisation's references;
- an allowed role on its own: authorised (not 401/403/404, never 5xx).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from api_helpers import bearer, small_problem
from fastapi.testclient import TestClient

from api.config import Settings
from api.db import Database, migrate
from api.main import create_app
from api.models import Role as R
from api.models import ScenarioJob
from api.schemas import DeclineReason, PolicyDocument, ReviewReason, RunCreate
from api.security import Principal
from api.services import admin, decisions, records, runs
from matcher import Policy

OFFICE = {"officer", "admin"}
MEMBERS = {"officer", "planner", "admin"}
ROLES = ("officer", "planner", "admin", "platform")
PUBLIC = {
    "GET /health",
    "GET /v1/health",
    "GET /livez",
    "GET /readyz",
    "GET /v1/livez",
    "GET /v1/readyz",
    # signing in: the OpenID Connect flow itself (test_api_oidc.py)
    "GET /auth/oidc/config",
    "GET /auth/oidc/login",
    "GET /auth/oidc/callback",
}
#: Path parameters that name no organisation's record: a call with them acts on the caller's own.
UNSCOPED_PARAMS = {"path": "households", "fmt": "csv", "what": "households"}
ALLOWED: dict[str, set[str]] = {
    "GET /v1/me": {*MEMBERS, "platform"},
    "GET /v1/organisations": {"platform"},
    "POST /v1/organisations": {"platform"},
    "POST /v1/organisations/{org_id}/keys": {"admin", "platform"},
    "GET /v1/keys": {"admin", "platform"},
    "DELETE /v1/keys/{key_id}": {"admin", "platform"},
    **{
        f"{verb} /v1/{kind}{suffix}": OFFICE
        for kind in ("households", "units", "support-zones", "quotas")
        for verb, suffix in (
            ("GET", ""),
            ("POST", ""),
            ("GET", "/{ref}"),
            ("PUT", "/{ref}"),
            ("PATCH", "/{ref}"),
            ("DELETE", "/{ref}"),
            ("POST", "/import"),
        )
    },
    "POST /v1/households/{ref}/reinstate": OFFICE,
    "GET /v1/households/{ref}/history": OFFICE,
    "GET /v1/policies": MEMBERS,
    "POST /v1/policies": {"admin"},
    "GET /v1/policies/active": MEMBERS,
    "GET /v1/policies/{version}": MEMBERS,
    "POST /v1/match-runs": OFFICE,
    "GET /v1/match-runs": OFFICE,
    "GET /v1/match-runs/{run_id}": OFFICE,
    "POST /v1/match-runs/{run_id}/cancel": OFFICE,
    "POST /v1/match-runs/{run_id}/retry": OFFICE,
    "GET /v1/match-runs/{run_id}/proposals": OFFICE,
    "GET /v1/match-runs/{run_id}/unhoused": OFFICE,
    "GET /v1/match-runs/{run_id}/exchanges": OFFICE,
    "POST /v1/admin/match-runs/{run_id}/replay": {"admin"},
    "PUT /v1/households/{ref}/movable": OFFICE,
    "DELETE /v1/households/{ref}/movable": OFFICE,
    "GET /v1/proposals": OFFICE,
    "GET /v1/proposals/{proposal_id}": OFFICE,
    "GET /v1/proposals/{proposal_id}/explanation": OFFICE,
    "POST /v1/proposals/{proposal_id}/accept": OFFICE,
    "POST /v1/proposals/{proposal_id}/decline": OFFICE,
    "POST /v1/proposals/{proposal_id}/review-requests": OFFICE,
    "GET /v1/review-requests": OFFICE,
    "POST /v1/review-requests/{review_id}/resolve": OFFICE,
    "GET /v1/pair-rules": OFFICE,
    "POST /v1/pair-rules": OFFICE,
    "DELETE /v1/pair-rules/{rule_id}": OFFICE,
    "GET /v1/audit": {"admin", "platform"},
    "GET /v1/stats/overview": {*MEMBERS, "platform"},
    "GET /v1/stats/override-rate": {*MEMBERS, "platform"},
    "GET /v1/scenario-specs": {"planner", "admin"},
    "POST /v1/scenario-comparisons": {"planner", "admin"},
    "POST /v1/scenario-comparisons/from-stock": {"planner", "admin"},
    "GET /v1/scenario-comparisons": {"planner", "admin"},
    "GET /v1/scenario-comparisons/{job_id}": {"planner", "admin"},
    "GET /v1/scenario-comparisons/{job_id}/report": {"planner", "admin"},
    "GET /v1/{path}/import/template.{fmt}": OFFICE,
    "POST /v1/{path}/import/dry-run": OFFICE,
    "POST /v1/{path}/import/file": OFFICE,
    "POST /v1/exports/{what}.{fmt}": OFFICE,
    "GET /v1/proposals/{proposal_id}/letter": OFFICE,
}
#: Bodies (``{household}`` and ``{unit}`` are the target organisation's) and query values.
BODIES: dict[str, Any] = {
    "POST /v1/organisations": {"id": "gamma", "name": "Gamma"},
    "POST /v1/organisations/{org_id}/keys": {"name": "new-officer", "role": "officer"},
    "POST /v1/households": {"id": "H-new", "adults": 1, "registered_on": "2025-05-01"},
    "POST /v1/units": {
        "id": "U-new",
        "programme": "gls",
        "commune": "0304",
        "bedrooms": 1,
        "surface_m2": 40,
        "max_occupancy": 2,
        "rent": 500,
        "available_from": "2026-01-01",
    },
    "POST /v1/support-zones": {"id": "Z-new", "communes": ["0304"], "capacity_points": 10},
    "POST /v1/quotas": {"id": "Q-new", "scope": "programme", "key": "gls", "max_households": 3},
    **{f"PATCH /v1/{k}/{{ref}}": {} for k in ("households", "units", "support-zones", "quotas")},
    **{f"PUT /v1/{k}/{{ref}}": {} for k in ("households", "units", "support-zones", "quotas")},
    **{f"POST /v1/{k}/import": [] for k in ("households", "units", "support-zones", "quotas")},
    "POST /v1/policies": {"matching": {"version": "matrix-new"}},
    "POST /v1/match-runs": {},
    "POST /v1/proposals/{proposal_id}/decline": {"reason": "other"},
    "POST /v1/proposals/{proposal_id}/review-requests": {"reason": "second_opinion"},
    "POST /v1/review-requests/{review_id}/resolve": {"outcome": "upheld"},
    "POST /v1/pair-rules": {"household": "{household}", "unit": "{unit}", "kind": "forbid"},
    "PUT /v1/households/{ref}/movable": {"unit": "{unit}"},
    "POST /v1/scenario-comparisons": {"specs": ["no-such-spec"]},
    "POST /v1/scenario-comparisons/from-stock": {"base": "no-such-spec"},
}
QUERIES: dict[str, dict[str, str]] = {"GET /v1/proposals": {"household": "{household}"}}


@dataclass
class World:
    path: Path
    keys: dict[str, dict[str, str]] = field(default_factory=dict)  #: role -> alpha's headers (+ platform)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  #: org -> path parameter -> value


def _org(db: Database, org: str, letter: str, world: World) -> None:
    ids: dict[str, str] = {"org_id": org}
    with db.sessions() as s:
        admin.create_organisation(s, None, org, org.title())
        made = {
            role: admin.create_key(s, None, org, f"{role.value}-{org}", role)
            for role in (R.ADMIN, R.OFFICER, R.PLANNER)
        }
        ids["key_id"] = str(admin.create_key(s, None, org, f"spare-{org}", R.OFFICER).id)
        if org == "alpha":
            world.keys = {r.value: bearer(k.key) for r, k in made.items()}
        officer = Principal(made[R.OFFICER].id, made[R.OFFICER].name, R.OFFICER, org)
        boss = Principal(made[R.ADMIN].id, made[R.ADMIN].name, R.ADMIN, org)
        problem = small_problem(8, 10)
        for kind, docs, prefix in (
            (records.HOUSEHOLDS, problem.households, "H"),
            (records.UNITS, problem.units, "U"),
            (records.SUPPORT_ZONES, problem.support_zones, "Z"),
        ):
            items = [
                {
                    **d.model_dump(mode="json", exclude={"excluded_units"} if prefix == "H" else set()),
                    "id": f"{prefix}{letter}-{i}",
                }
                for i, d in enumerate(docs)
            ]
            records.import_records(s, officer, kind, items)
        quota = {"id": f"Q{letter}-0", "scope": "programme", "key": "gls", "max_households": 10}
        records.import_records(s, officer, records.QUOTAS, [quota])
        ids["support_zone"] = f"Z{letter}-0"
        ids["quota"] = f"Q{letter}-0"
        admin.add_policy(s, boss, PolicyDocument(matching=Policy(version=f"{org}-v2")))
        ids["version"] = f"{org}-v2"
        run = runs.create_run(s, officer, RunCreate(), 5)
        ids["run_id"] = str(run.id)
    runs.execute_run(db, run.id, 1)
    with db.sessions() as s:
        from sqlalchemy import select

        from api.models import ProposalRow

        proposals = s.scalars(
            select(ProposalRow).where(ProposalRow.organisation_id == org).order_by(ProposalRow.id)
        ).all()
        assert len(proposals) >= 2, "the world needs two proposals per organisation"
        ids["proposal_id"] = str(proposals[0].id)
        declined = decisions.decline(s, officer, proposals[1].id, DeclineReason.OTHER)
        review = decisions.request_review(s, officer, declined.id, ReviewReason.SECOND_OPINION)
        ids["review_id"] = str(review.id)
        from api.models import HouseholdRow, PairRule, UnitRow

        ids["rule_id"] = str(s.scalars(select(PairRule.id).where(PairRule.organisation_id == org)).one())
        hh = s.scalars(
            select(HouseholdRow.ref).where(HouseholdRow.organisation_id == org).order_by(HouseholdRow.id)
        ).all()
        units = s.scalars(
            select(UnitRow.ref).where(UnitRow.organisation_id == org).order_by(UnitRow.id)
        ).all()
        ids["household"], ids["unit"] = hh[-1], units[-1]
        job = ScenarioJob(
            organisation_id=org, status="succeeded", request={}, result={}, report="<p>report</p>"
        )
        s.add(job)
        s.commit()
        ids["job_id"] = str(job.id)
    world.ids[org] = ids


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("matrix") / "world.db"
    url = f"sqlite:///{path}"
    migrate(url)
    db = Database(url)
    w = World(path)
    _org(db, "alpha", "A", w)
    _org(db, "beta", "B", w)
    with db.sessions() as s:
        w.keys["platform"] = bearer(admin.create_platform_key(s, None, "platform-root").key)
    db.dispose()
    return w


def operations() -> list[str]:
    app = create_app(Settings(database_url="sqlite://", web_dir=Path("/nonexistent"), migrate_on_start=False))
    return [f"{m.upper()} {p}" for p, ops in app.openapi()["paths"].items() for m in ops]


def test_every_operation_is_in_the_matrix() -> None:
    unknown = [op for op in operations() if op not in ALLOWED and op not in PUBLIC]
    assert unknown == [], "decide who may call these, in ALLOWED"


def _target(op: str, ids: dict[str, str]) -> tuple[str, str, Any, dict[str, str]]:
    method, template = op.split(" ", 1)

    def fill(name: str) -> str:
        if name == "ref":
            kind = template.split("/")[2]
            return {"households": ids["household"], "units": ids["unit"]}.get(kind) or ids[
                kind.replace("-", "_")[:-1]
            ]
        return UNSCOPED_PARAMS.get(name) or ids[name]

    path = re.sub(r"\{(\w+)\}", lambda m: fill(m.group(1)), template)
    body = BODIES.get(op)
    if isinstance(body, dict):
        body = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in body.items()}
    query = {k: v.format(**ids) for k, v in QUERIES.get(op, {}).items()}
    return method, path, body, query


def _leaks(text: str, other: str) -> bool:
    letter = "B" if other == "beta" else "A"
    refs = re.search(rf"\b[HUZQ]{letter}-\d", text) is not None
    return refs or f"-{other}" in text or f"{other}-v2" in text


@pytest.mark.parametrize("op", sorted(ALLOWED))
def test_operation_by_role_and_organisation(op: str, world: World, tmp_path: Path) -> None:
    shutil.copy(world.path, tmp_path / "copy.db")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'copy.db'}",
        run_time_limit=2,
        solver_workers=1,
        web_dir=tmp_path / "no-web",
    )
    allowed = ALLOWED[op]
    named = set(re.findall(r"\{(\w+)\}", op)) - set(UNSCOPED_PARAMS)
    scoped = bool(named) or op in QUERIES or "{household}" in str(BODIES.get(op, ""))
    with TestClient(create_app(settings)) as c:

        def call(who: str | None, org: str) -> Any:
            method, path, body, query = _target(op, world.ids[org])
            headers = world.keys[who] if who else {}
            return c.request(method, path, json=body, params=query, headers=headers)

        assert call(None, "alpha").status_code == 401
        for role in ROLES:
            if role not in allowed:
                for org in ("alpha", "beta"):
                    r = call(role, org)
                    assert r.status_code == 403, (role, org, r.status_code, r.text)
        for role in sorted(allowed):
            r = call(role, "beta")
            if role == "platform":
                assert r.status_code not in (401, 403, 404) and r.status_code < 500, (role, r.text)
            elif scoped:
                assert r.status_code in ((404, 422) if op in QUERIES else (404,)), (
                    role,
                    r.status_code,
                    r.text,
                )
            else:  # nothing names the other organisation: the call acts on the caller's own
                assert r.status_code not in (401, 403, 404) and r.status_code < 500, (role, r.text)
                assert not _leaks(r.text, "beta"), (role, r.text)
        for n, role in enumerate(sorted(allowed)):
            r = call(role, "alpha")
            gone = n > 0 and op.startswith("DELETE") and r.status_code == 404  # the first caller deleted it
            assert gone or r.status_code not in (401, 403, 404), (role, r.status_code, r.text)
            assert r.status_code < 500, (role, r.status_code, r.text)
            if role != "platform" and r.status_code < 400:
                assert not _leaks(r.text, "beta"), (role, r.text)
            if role == "platform" and op in ("GET /v1/stats/overview", "GET /v1/audit"):
                assert re.search(r"\b[HUZQ][AB]-\d", r.text) is None  # no record reference
