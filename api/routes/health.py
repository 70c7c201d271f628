"""Liveness and readiness: the only endpoints without authentication.

``/livez`` says the process serves requests (a restart is the cure when it does not); ``/readyz``
says this instance should get traffic: the database answers and no migration is pending (503 with
the reason otherwise). ``/health`` is the older combined view.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text

from api.db import Database, pending_migrations
from api.deps import ContextDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: bool


class Ready(BaseModel):
    status: str
    database: bool
    pending_migrations: list[str]


def _database_ok(db: Database) -> bool:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:
        return False
    return True


@router.get("/health")
def health(ctx: ContextDep) -> Health:
    ok = _database_ok(ctx.db)
    return Health(status="ok" if ok else "degraded", database=ok)


@router.get("/livez", summary="The process is alive")
def livez() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready for traffic: the database answers and is migrated",
    responses={503: {"model": Ready, "description": "database unreachable or migrations pending"}},
)
def readyz(ctx: ContextDep, response: Response) -> Ready:
    pending: list[str] = []
    ok = _database_ok(ctx.db)
    if ok:
        try:
            pending = pending_migrations(ctx.db.engine)
        except Exception:
            ok = False
    status = "ok" if ok and not pending else "unavailable"
    ready = Ready(status=status, database=ok, pending_migrations=pending)
    if ready.status != "ok":
        response.status_code = 503
    return ready
