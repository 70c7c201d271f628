"""Query parameters and response declarations shared by the routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Query

from api.errors import Problem
from api.i18n import Language
from matcher.domain import ID_PATTERN

Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="items to skip")]
Ref = Annotated[str, Path(pattern=ID_PATTERN, description="pseudonymous id")]
IntId = Annotated[int, Path(ge=1, le=2**31 - 1)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "missing or invalid API key"},
    403: {"model": Problem, "description": "role not allowed"},
    404: {"model": Problem, "description": "not found in your organisation"},
    409: {"model": Problem, "description": "conflicts with the current state"},
    413: {"model": Problem, "description": "payload too large"},
}

#: the household's words (explanation, letter): ``?lang=``, else the household's language, else the browser's
HouseholdLang = Annotated[
    Language | None, Query(description="fr, de or en; else the household's language, else the browser's")
]
AcceptLanguage = Annotated[str | None, Header(max_length=200)]
