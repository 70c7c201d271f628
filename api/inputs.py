"""What any request must be before a route sees it: JSON the databases can store.

Both backends refuse some values Python's ``json`` accepts: NaN, Infinity and overflowing numbers
(``1e400``) have no JSON form, PostgreSQL rejects NUL in text, and a lone UTF-16 surrogate cannot be
encoded at all. Deep nesting exhausts the parser's stack. Each is a 422 naming the field, found here
once for every route (:class:`CheckedRoute`) and for the import route's own parsing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from api.errors import Invalid, Loc

MAX_DEPTH = 32  #: nesting levels of arrays and objects; records need 4
MAX_INT = 2**53  #: integers beyond this lose precision in most JSON readers (RFC 7493)


class _Rejected:
    """A number the parser met that no store can keep; found with its path by :func:`check_value`."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


_NOT_FINITE = _Rejected("must be a finite number")
_TOO_LARGE = _Rejected(f"must be an integer within ±2^53 ({MAX_INT})")


def _float(text: str) -> float | _Rejected:
    value = float(text)
    return value if math.isfinite(value) else _NOT_FINITE


def _int(text: str) -> int | _Rejected:
    if len(text) > 20:
        return _TOO_LARGE
    value = int(text)
    return value if abs(value) <= MAX_INT else _TOO_LARGE


def parse_json(raw: bytes | str, loc: Loc | None = None) -> Any:
    """Parse and check a JSON document; :class:`Invalid` names the offending field."""
    where: Loc = loc if loc is not None else ["body"]
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise Invalid(where, "not UTF-8 text") from None
    try:
        value = json.loads(text, parse_float=_float, parse_int=_int, parse_constant=lambda _: _NOT_FINITE)
    except json.JSONDecodeError as exc:
        raise Invalid(where, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise Invalid(where, f"nested more than {MAX_DEPTH} levels deep") from None
    check_value(value, where)
    return value


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (a lone UTF-16 surrogate is not)"
    return None


def check_text(text: str, loc: Loc) -> None:
    if (reason := _text_problem(text)) is not None:
        raise Invalid(loc, reason)


def check_value(value: Any, loc: Loc) -> None:
    """Every string storable, every number finite and in range, nesting bounded (no recursion)."""
    stack: list[tuple[Any, Loc]] = [(value, loc)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, _Rejected):
            raise Invalid(at, item.reason)
        if isinstance(item, str):
            check_text(item, at)
        elif isinstance(item, float) and not math.isfinite(item):
            raise Invalid(at, _NOT_FINITE.reason)
        elif isinstance(item, dict | list):
            if len(at) - len(loc) >= MAX_DEPTH:
                raise Invalid(at, f"nested more than {MAX_DEPTH} levels deep")
            if isinstance(item, dict):
                for key, child in item.items():
                    check_text(str(key), [*at, str(key)])
                    stack.append((child, [*at, str(key)]))
            else:
                stack.extend((child, [*at, i]) for i, child in enumerate(item))


class CheckedRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


def check_parameters(request: Request) -> None:
    """Query and path values: no NUL (PostgreSQL refuses it in text), valid Unicode."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            check_text(value, ["path", name])
    for name, value in request.query_params.multi_items():
        check_text(name, ["query", name])
        check_text(value, ["query", name])


class CheckedRoute(APIRoute):
    """A route whose parameters and JSON body are checked by this module before anything else."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            check_parameters(request)
            return await handler(CheckedRequest(request.scope, request.receive))

        return checked
