"""Message catalogues for text meant for households (letters): French, German, English.

One JSON file per language (``fr.json``, ``de.json``, ``en.json``); text is built here from the
structured data (cost terms, programme codes), so no raw code ever reaches a household.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["fr", "de", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "de", "en")


@cache
def catalogue(lang: Language) -> dict[str, str]:
    text = (Path(__file__).parent / f"{lang}.json").read_text(encoding="utf-8")
    messages: dict[str, str] = json.loads(text)
    return messages


def message(lang: Language, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``{name}`` placeholders filled; English if missing."""
    template = catalogue(lang).get(key) or catalogue("en")[key]
    return template.format(**values)


def choose(accept_language: str | None, default: Language = "fr") -> Language:
    """The first of the browser's languages we have (``de-LU,de;q=0.9`` -> ``de``)."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
