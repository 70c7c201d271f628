"""JSON log lines with a request id, and nothing personal in them.

A line carries the time, level, logger, the code's own message, the request id and a few named
fields (``run_id``, ``attempt``, ``method``, ``route``, ``status``, ``ms``); never a body, a query
value or a record field. An exception is logged by type and stack frames only: its message may
quote the input (pydantic's does), so it is left out. The access line logs the route *template*
(``/v1/households/{ref}``), not the path or the query.

The request id comes from a valid ``X-Request-ID`` header or is made up, is echoed in the response,
and reaches log lines through a context variable (the one way to follow a request into the code
it calls without passing it everywhere).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID: ContextVar[str | None] = ContextVar("wunneng_request_id", default=None)
FIELDS = ("run_id", "attempt", "method", "route", "status", "ms", "instance")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_MARK = "_wunneng_handler"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (rid := REQUEST_ID.get()) is not None:
            line["request_id"] = rid
        for name in FIELDS:
            if (value := record.__dict__.get(name)) is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exc"] = record.exc_info[0].__name__
            line["stack"] = [
                f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} in {f.name}"
                for f in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(JsonFormatter):
    """The same fields, readable; exceptions still without their messages."""

    def format(self, record: logging.LogRecord) -> str:
        line = json.loads(super().format(record))
        head = f"{line.pop('at')} {line.pop('level'):<7} {line.pop('logger')}: {line.pop('msg')}"
        return " ".join([head, *(f"{k}={v}" for k, v in line.items())])


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Route every logger (ours and uvicorn's) through one formatted handler on stderr.

    Idempotent: a second call replaces the handler. uvicorn's own access log is silenced (it prints
    query strings); :class:`AccessLog` writes the access lines instead.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True


class AccessLog:
    """Gives each request an id (``X-Request-ID``) and logs one line when it is answered."""

    def __init__(self, app: ASGIApp, on_done: Any = None) -> None:
        self.app, self.log, self.on_done = app, logging.getLogger("wunneng.access"), on_done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(rid)
        start = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - start
            route = route_template(scope)
            fields = {"method": scope["method"], "route": route, "status": status}
            self.log.info("request", extra={**fields, "ms": round(1000 * seconds, 1)})
            if self.on_done is not None:
                self.on_done(scope["method"], route, status, seconds)
            REQUEST_ID.reset(token)


def route_template(scope: Scope) -> str:
    """The matched route's path template, or a fixed word for anything else (no raw paths)."""
    route = scope.get("route")
    effective = (scope.get("fastapi") or {}).get("effective_route_context")  # with the router prefixes
    path = getattr(effective, "path_format", None) or getattr(route, "path_format", None)
    if isinstance(path, str) and path:
        return path
    return "mounted" if scope.get("endpoint") is not None else "unmatched"
