"""No request body, query value or record field reaches a log line, whatever fails.

A canary value is planted in every field a household can carry and in query values; requests then
fail every way they can (422, 404, 409, a database refusal, an unexpected exception). The app runs
behind a stand-in for the ASGI server that logs escaping exceptions with their traceback, as uvicorn
does, and every log the test wrote is searched: pytest's capture of all loggers, the process's
stdout and stderr, and any log file under the test's folder.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Keys, finished_run
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError, IntegrityError
from starlette.types import ASGIApp, Receive, Scope, Send

from api.config import Settings
from api.main import create_app
from api.services import records

CANARIES = ("QZX", "4817.37", "1234.56", "49.717171", "6.171717", "2019-03-17")
HOUSEHOLD: dict[str, Any] = {
    "id": "H-QZX1",
    "adults": 2,
    "children_ages": [11, 7],
    "monthly_income": 4817.37,
    "max_rent": 1234.56,
    "work": {"lat": 49.717171, "lon": 6.171717},
    "vulnerabilities": ["single_parent"],
    "registered_on": "2019-03-17",
    "excluded_units": ["U-QZX9"],
}
UNIT = {
    "id": "U-QZX2",
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 2,
    "surface_m2": 60,
    "max_occupancy": 4,
    "rent": 1234.56,
    "available_from": "2019-03-17",
}


class ServerLike:
    """What the ASGI server does with an exception the app lets escape: log it with its traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=exc)
            raise


def raises(exc: Exception) -> Any:
    def fail(*_: object, **__: object) -> None:
        raise exc

    return fail


def test_no_planted_value_reaches_any_log(
    settings: Settings,
    keys: Keys,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="httpx")  # the test's own client, not the service
    app = create_app(settings)
    h = keys.officer
    with TestClient(ServerLike(app), raise_server_exceptions=False) as c:
        statuses = [
            c.post("/v1/households", json=HOUSEHOLD, headers=h).status_code,
            c.post("/v1/units", json=UNIT, headers=h).status_code,
            c.post("/v1/households", json=HOUSEHOLD, headers=h).status_code,  # 409
            c.post("/v1/households", json={**HOUSEHOLD, "adults": "QZX-two"}, headers=h).status_code,
            c.post("/v1/households", json={**HOUSEHOLD, "id": "H-QZX3", "adults": 99}, headers=h).status_code,
            c.post(
                "/v1/households",
                content=json.dumps(HOUSEHOLD).replace("4817.37", "NaN").encode(),
                headers={**h, "content-type": "application/json"},
            ).status_code,
            c.post(
                "/v1/households/import", json=[HOUSEHOLD, {**HOUSEHOLD, "support": "QZX"}], headers=h
            ).status_code,
            c.post(
                "/v1/households/import",
                content=b"id,adults,monthly_income,registered_on\nH-QZX4,QZX,4817.37,2019-03-17\n",
                headers={**h, "content-type": "text/csv"},
            ).status_code,
            c.patch("/v1/households/H-QZX1", json={"monthly_income": "QZX-lots"}, headers=h).status_code,
            c.put("/v1/households/H-QZX1", json={"id": "H-QZX-other"}, headers=h).status_code,
            c.get("/v1/households/H-QZX404", headers=h).status_code,
            c.get("/v1/households", params={"status": "QZX"}, headers=h).status_code,
            c.get("/v1/proposals", params={"household": "H-QZX404"}, headers=h).status_code,
            c.get("/v1/audit", params={"target": "H-QZX1", "action": "QZX"}, headers=keys.admin).status_code,
            c.post(
                "/v1/pair-rules", json={"household": "H-QZX1", "unit": "U-QZX404", "kind": "pin"}, headers=h
            ).status_code,
        ]
        finished_run(c, h)
        monkeypatch.setattr(records, "create", raises(RuntimeError(f"boom {HOUSEHOLD}")))
        statuses.append(c.post("/v1/households", json={**HOUSEHOLD, "id": "H-QZX5"}, headers=h).status_code)
        monkeypatch.setattr(
            records,
            "patch",
            raises(DataError("UPDATE households SET data=%(d)s", {"d": HOUSEHOLD}, ValueError("QZX"))),
        )
        statuses.append(c.patch("/v1/households/H-QZX1", json={"adults": 1}, headers=h).status_code)
        monkeypatch.setattr(
            records, "replace", raises(IntegrityError("INSERT QZX", {"d": HOUSEHOLD}, ValueError("QZX")))
        )
        statuses.append(c.put("/v1/households/H-QZX1", json=HOUSEHOLD, headers=h).status_code)
    out, err = capfd.readouterr()
    files = "".join(p.read_text("utf-8", "replace") for p in tmp_path.rglob("*.log"))
    logged = "\n".join([caplog.text, *(str(r.exc_text or "") for r in caplog.records), out, err, files])
    leaked = [c for c in CANARIES if c in logged]
    assert leaked == [], [line for line in logged.splitlines() if any(c in line for c in leaked)][:5]
    assert statuses[:2] == [201, 201] and all(s >= 400 for s in statuses[2:]), statuses
    assert "unexpected RuntimeError" in logged  # the failure itself is logged, by its type
    assert statuses[-3] == 500  # an unexpected error is still a problem document, just logged safely
