"""A pydantic validation error as one line a person can act on: where, and what to do.

Shared by every edge that validates a document (the matcher's JSON, the scenario specs, the
service's records), so that a misspelt key gets the same "did you mean" everywhere and a path is
written once (``households[0].adults``), never doubled.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Loc = list[str | int]
_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
_SCALAR_KINDS = ("int_", "float_", "bool_", "string_", "date_", "literal", "enum")


def path_text(loc: Loc) -> str:
    """``["households", 0, "adults"]`` -> ``households[0].adults``."""
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def describe(exc: ValidationError, root: type[BaseModel]) -> tuple[Loc, str]:
    """The most useful error of ``exc`` as (path, reason); ``root`` is the validated model.

    A misspelt key also makes the intended key "missing": the misspelling is reported, with the
    closest known key. A discriminated union's tag is dropped from the path.
    """
    errors = exc.errors()
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    raw = list(err["loc"])
    loc: Loc = []
    tp: Any = root
    for key in raw:
        if _tagged_member(_unwrap(tp), key) is None:  # a union's tag is not part of the path
            loc.append(key)
        tp = _step(tp, key)
    parent: Any = root
    for key in raw[:-1]:
        parent = _step(parent, key)
    parent = _unwrap(parent)
    if err["type"] == "union_tag_invalid":  # the tag's own field is what is wrong
        loc.append(_discriminator(err))
    return loc, _reason(err, loc, parent if _is_model(parent) else None)


def _discriminator(err: ErrorDetails) -> str:
    return str((err.get("ctx") or {}).get("discriminator", "kind")).strip("'\"")


def one_line(exc: ValidationError, root: type[BaseModel]) -> str:
    """``path: reason`` (or the reason alone for an error about the whole document)."""
    loc, reason = describe(exc, root)
    return f"{path_text(loc)}: {reason}" if loc else reason


def _reason(err: ErrorDetails, loc: Loc, parent: type[BaseModel] | None) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        known = list(parent.model_fields) if parent is not None else []
        close = difflib.get_close_matches(str(loc[-1]) if loc else "", known, n=1, cutoff=0.5)
        if close:
            return f"unknown key; did you mean {close[0]!r}?"
        return f"unknown key; known keys: {', '.join(known)}" if known else "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        tags = str(ctx.get("expected_tags", ""))
        tag = str(ctx.get("tag", ""))
        close = difflib.get_close_matches(tag, [t.strip(" '") for t in tags.split(",")], n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"one of {tags}"
        return f"unknown {_discriminator(err)} {tag!r}; {hint}"
    if kind in _BOUNDS:
        limit = next(iter(ctx.values()), "")
        return f"must be {_BOUNDS[kind]} {limit} (got {value!r})"
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind.startswith(_SCALAR_KINDS) and not isinstance(value, dict | list):
        return f"{msg[0].lower()}{msg[1:]} (got {value!r})"
    return msg


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _tagged_member(tp: Any, key: Any) -> Any:
    """The member of a union of models whose literal ``kind``-style tag equals ``key``, if any."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType) or isinstance(key, int):
        return None
    for arg in map(_unwrap, typing.get_args(tp)):
        if _is_model(arg):
            for field in arg.model_fields.values():
                if typing.get_origin(field.annotation) is typing.Literal and key in typing.get_args(
                    field.annotation
                ):
                    return arg
    return None


def _step(tp: Any, key: Any) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    tagged = _tagged_member(tp, key)
    if tagged is not None:
        return tagged
    if _is_model(tp):
        field = tp.model_fields.get(str(key))
        return field.annotation if field else None
    if origin in (list, tuple, set, frozenset) and isinstance(key, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                found = _step(arg, key)
                if found is not None:
                    return found
    return None
