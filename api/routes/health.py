"""Liveness: the only endpoint without authentication."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import ContextDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: bool


@router.get("/health")
def health(ctx: ContextDep) -> Health:
    try:
        with ctx.db.engine.connect() as conn:
            conn.execute(text("select 1"))
        ok = True
    except Exception:
        ok = False
    return Health(status="ok" if ok else "degraded", database=ok)
