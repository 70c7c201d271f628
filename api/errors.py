"""One error shape everywhere: RFC 9457 ``application/problem+json``.

Every error is ``{type, title, status, detail, code}``; a validation error (422) adds ``errors``,
one ``{loc, msg, type}`` per field (``loc`` is the field's path: ``["body", 3, "adults"]``,
``["query", "status"]``), whether pydantic, the service or the matching core found it. Bodies never
echo an input value (it may be personal, or not even encodable) and echo key names only in a bounded,
printable form (:func:`echo`); nothing here logs a value: an unexpected error
is logged by its type and code location only, since its message may carry a record's fields.
"""

from __future__ import annotations

import json
import logging
import traceback
import unicodedata
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher import InvalidProblemError

log = logging.getLogger("wunneng.api")

PROBLEM_JSON = "application/problem+json"
MAX_ECHO = 64  #: characters of a key name (or any loc part) a problem document echoes
MAX_MESSAGE = 500  #: characters of a message or detail
MAX_ERRORS = 50  #: field errors listed in one problem document
UNSAFE = {"Cc", "Cf", "Cs"}  #: Unicode categories never echoed: control, format, surrogate
Loc = list[str | int]


class FieldError(BaseModel):
    loc: list[str | int] = Field(description='where: `["body", 3, "adults"]`, `["query", "status"]`')
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="`urn:wunneng:problem:<code>`")
    title: str = Field(description="the HTTP status phrase")
    status: int
    detail: str = Field(description="what went wrong, for a person")
    code: str = Field(description="what went wrong, for a program")
    errors: list[FieldError] | None = Field(None, description="validation errors (422 only), one per field")


class ApiError(HTTPException):
    """The service's errors. An ``HTTPException``, so one raised while the body is parsed keeps its
    status instead of becoming FastAPI's generic 400."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(self.status, message)
        self.message = message


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class Invalid(ApiError):
    """A request that parsed but breaks a rule; ``loc`` names the field."""

    status, code = 422, "invalid"

    def __init__(self, loc: Loc, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.loc, self.kind = loc, kind


HTTP_METHODS = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _dumps(body: dict[str, Any]) -> bytes:
    # ASCII escapes keep even a lone surrogate in a message encodable; NaN has no JSON form at all.
    return json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def problem_body(status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None) -> bytes:
    body: dict[str, Any] = {
        "type": f"urn:wunneng:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": echo(detail, MAX_MESSAGE),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    try:
        return _dumps(body)
    except (TypeError, ValueError):
        return _dumps({**body, "detail": HTTPStatus(status).phrase, "errors": None})


def problem(
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        problem_body(status, code, detail, errors), status, headers=headers, media_type=PROBLEM_JSON
    )


def echo(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` as a problem document may show it: control, format and lone surrogate characters
    replaced by U+FFFD, at most ``limit`` characters. A key name or message can carry whatever the
    client sent (a terminal escape, a 10,000-character key)."""
    safe = "".join("\ufffd" if unicodedata.category(c) in UNSAFE else c for c in text[: limit + 1])
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def _loc(raw: Any) -> Loc:
    return [p if isinstance(p, int) else echo(str(p)) for p in raw]


def invalid(errors: list[dict[str, Any]]) -> Response:
    """A 422 naming each field; ``detail`` reads them out for a person."""
    items = [
        {"loc": _loc(e["loc"]), "msg": echo(str(e["msg"]), MAX_MESSAGE), "type": echo(str(e["type"]))}
        for e in errors[:MAX_ERRORS]
    ]
    said = "; ".join(f"{'.'.join(map(str, e['loc'][1:] or e['loc']))}: {e['msg']}" for e in items[:3])
    return problem(422, "invalid", said or "invalid request", items)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document declares for ``path``, over the most specific path templates
    it matches (``/households/import`` over ``/households/{ref}``).

    Starlette's own 405 names the first matching route's methods only (a path has one route per
    method here), and the pages mounted at ``/`` answer a 405 on any path with ``GET, HEAD``.
    """
    matching = [
        (template.count("{"), operations)
        for template, operations in app.openapi().get("paths", {}).items()
        if compile_path(template)[0].match(path)
    ]
    fewest = min((params for params, _ in matching), default=0)
    return sorted(
        {m.upper() for params, ops in matching if params == fewest for m in ops if m.upper() in HTTP_METHODS}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to a problem document; nothing reaches the server's own traceback logging."""

    @app.exception_handler(Invalid)
    async def _invalid(_: Request, exc: Invalid) -> Response:
        return invalid([{"loc": exc.loc, "msg": exc.message, "type": exc.kind}])

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.code, exc.message, headers=headers)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        code = CODES.get(exc.status_code, HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_"))
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (methods := allowed_methods(app, request.url.path)):
            headers["Allow"] = ", ".join(methods)
        return problem(exc.status_code, code, str(exc.detail), headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        return invalid(list(exc.errors()))

    @app.exception_handler(InvalidProblemError)
    async def _invalid_problem(_: Request, exc: InvalidProblemError) -> Response:
        loc: Loc = ["body", exc.record, *([exc.field] if exc.field else [])]
        return invalid([{"loc": loc, "msg": exc.reason, "type": "invalid_problem"}])

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> Response:
        # Two writers raced for the same unique row: the loser's transaction was rolled back whole.
        return problem(409, "conflict", "conflicting concurrent change; retry")

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> Response:
        # A value the database cannot store that validation let through: a 4xx, never its value.
        log.warning("database refused a value: %s", type(exc.orig).__name__)
        return problem(422, "invalid", "a value cannot be stored", [])

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> Response:
        log.warning("database busy: %s", type(exc.orig).__name__)
        return problem(503, "busy", "database busy; retry")

    app.add_middleware(Unexpected)
    _document_problems(app)


def _document_problems(app: FastAPI) -> None:
    """Declare every error response of the OpenAPI document as a problem document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem_schema.pop("$defs", {}))
        components["Problem"] = problem_schema
        ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                responses.setdefault("422", {"description": "a parameter or the body is invalid"})
                for status, response in responses.items():
                    if status.isdigit() and int(status) >= 400:
                        html = {k: v for k, v in response.get("content", {}).items() if k == "text/html"}
                        response["content"] = {PROBLEM_JSON: {"schema": ref}, **html}  # a page may answer one
                        if status == "422":
                            response["description"] = "a parameter or the body is invalid; `errors` names it"
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class Unexpected:
    """A 500 problem for any other exception, logged without its message (which may hold a
    record's fields): its type and where it was raised."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        from_receive: BaseException | None = None

        async def tracking_receive() -> Message:
            nonlocal from_receive
            try:
                return await receive()
            except Exception as exc:  # the server's own signal (e.g. a body limit): not ours to map
                from_receive = exc
                raise

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, tracking_receive, tracking_send)
        except Exception as exc:
            if exc is from_receive:
                raise
            route = getattr(scope.get("route"), "path", "?")
            frames = "".join(
                f"\n  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)
            )
            log.error("unexpected %s on %s %s%s", type(exc).__name__, scope.get("method"), route, frames)
            if not started:
                await problem(500, "internal", "internal error; the service logged its type")(
                    scope, receive, send
                )


install_handlers = install_error_handlers  #: the name ``api.main`` calls
