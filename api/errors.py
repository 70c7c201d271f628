"""One error hierarchy with status codes, and the handlers that map it (and the core's) to JSON.

Every 422 has FastAPI's own shape (``detail: [{loc, msg, type}]``) so a client reads one format for
"this field is wrong", whether pydantic or the matching core found it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError

from matcher import InvalidProblemError

log = logging.getLogger("wunneng.api")


class ErrorBody(BaseModel):
    detail: str
    code: str


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class Invalid(ApiError):
    """A request that parsed but breaks a rule; ``loc`` names the field."""

    status, code = 422, "invalid"

    def __init__(self, loc: list[str | int], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def invalid_body(loc: list[str | int], message: str, kind: str) -> dict[str, object]:
    return {"detail": [{"loc": loc, "msg": message, "type": kind}]}


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        if isinstance(exc, Invalid):
            return JSONResponse(invalid_body(exc.loc, exc.message, exc.code), status_code=422)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(
            {"detail": exc.message, "code": exc.code}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(InvalidProblemError)
    async def _invalid_problem(_: Request, exc: InvalidProblemError) -> JSONResponse:
        loc: list[str | int] = ["body", exc.record, *([exc.field] if exc.field else [])]
        return JSONResponse(invalid_body(loc, exc.reason, "invalid_problem"), status_code=422)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Two writers raced for the same unique row: the loser's transaction was rolled back whole.
        return JSONResponse({"detail": "conflicting concurrent change; retry", "code": "conflict"}, 409)

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy: %s", type(exc.orig).__name__)
        return JSONResponse({"detail": "database busy; retry", "code": "busy"}, 503)
