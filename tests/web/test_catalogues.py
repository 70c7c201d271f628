"""The pages' message catalogues: every key in French, German and English with the same
placeholders, and every message the pages' scripts ask for is in them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
LANGS = ("fr", "de", "en")


def catalogue(lang: str) -> dict[str, str]:
    messages: dict[str, str] = json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    return messages


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_key_is_in_all_three_catalogues_with_the_same_placeholders() -> None:
    cats = {lang: catalogue(lang) for lang in LANGS}
    keys = set(cats["en"])
    for lang in LANGS:
        assert set(cats[lang]) == keys, (lang, set(cats[lang]) ^ keys)
    for key in keys:
        assert all(cats[lang][key].strip() for lang in LANGS), key
        assert (
            placeholders(cats["fr"][key]) == placeholders(cats["en"][key]) == placeholders(cats["de"][key])
        ), key


@pytest.mark.parametrize("page", ["officer.html", "planner.html", "admin.html", "index.html"])
def test_every_marked_element_and_script_message_has_a_key(page: str) -> None:
    en = catalogue("en")
    html = (WEB / page).read_text(encoding="utf-8")
    assert set(re.findall(r'data-i18n="([\w.]+)"', html)) <= set(en)
    for script in (WEB / "js").rglob("*.js"):
        for key, fallback in re.findall(r'\bt\(\s*"([\w.]+)",\s*"((?:[^"\\]|\\.)*)"', script.read_text()):
            assert key in en, (script.name, key)
            assert en[key] == json.loads(f'"{fallback}"'), (script.name, key)  # one English text per key
