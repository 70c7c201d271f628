"""The officer, planner and admin pages in German show no text of the English catalogue: a text
that is still English in German (a key missing, a panel that builds its own English, a code shown
as it is) fails, named with the page it is on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from scenarios.generator import GeneratorParams, generate
from tests.web.browser import Server, new_organisation, sign_in, sign_in_with_key
from tests.web.test_officer_day import households_csv, upload

pytestmark = pytest.mark.browser
I18N = Path(__file__).resolve().parents[2] / "api" / "web" / "i18n"

VISIBLE_TEXT = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.replace(/\\s+/g, " ").trim();
    const el = n.parentElement;
    if (!text || !el || el.closest("[hidden], script, style, template, dialog:not([open])")) continue;
    if (el.tagName === "OPTION" || el.checkVisibility()) out.push(text);
  }
  return out;
}"""


def english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each English message that German says differently, as a pattern over a whole text node."""
    en, de = (json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("en", "de"))
    patterns = []
    for key, text in en.items():
        words = re.sub(r"\{\w+\}", "", text).strip()
        if de[key] == text or len(words) < 3 or (words != text and len(words) < 8):
            continue  # too short to tell English from a name or a number
        parts = re.split(r"\{\w+\}", text)
        patterns.append((key, re.compile(r"[^\s]+(?: [^\s]+)*?".join(re.escape(p) for p in parts))))
    return patterns


@pytest.fixture
def german(page: Page) -> Iterator[Page]:
    """A tab that turns to German once signed in (the choice is the browser's, so it is taken back)."""
    yield page
    page.evaluate("localStorage.removeItem('wunneng.lang')")


def in_german(page: Page, server: Server, holder: str, path: str) -> None:
    sign_in(page, server, holder, path)
    page.evaluate("localStorage.setItem('wunneng.lang', 'de')")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def english_on(page: Page) -> list[str]:
    expect(page.locator("html")).to_have_attribute("lang", "de")
    texts: list[str] = page.evaluate(VISIBLE_TEXT)
    patterns = english_patterns()
    found = sorted({f"{key}: {t!r}" for t in texts for key, p in patterns if p.fullmatch(t)})
    print("\n".join(found))
    return found


def test_the_officer_page_in_german_has_no_english_text(german: Page, server: Server) -> None:
    key = new_organisation(server, "deutsch", "officer-uwe")  # its own data: other tests' counts stay
    auth = {"Authorization": f"Bearer {key}"}
    problem = generate(GeneratorParams(households=10, units=14, match_date=date.today()), seed=4)
    for kind, records in (("households", problem.households), ("units", problem.units)):
        for r in records:
            doc = r.model_dump(mode="json", exclude_none=True)
            assert httpx.post(f"{server.url}/v1/{kind}", json=doc, headers=auth).status_code == 201
    sign_in_with_key(german, server, key, "/officer.html")
    german.evaluate("localStorage.setItem('wunneng.lang', 'de')")
    german.reload()
    german.get_by_role("button", name="Zuordnung starten").click()
    expect(german.locator("#run-panel")).to_have_attribute("data-run-status", "succeeded")
    expect(german.locator("#run-button")).to_be_enabled()
    expect(german.locator("#proposals-table")).to_be_visible()
    assert english_on(german) == []
    german.locator("#households-table tbody tr button").first.click()  # the household's file
    expect(german.locator("#household-dialog")).to_be_visible()
    assert english_on(german) == []
    german.keyboard.press("Escape")

    # A decided proposal with a review request, so the review panel shows its rows and buttons.
    first = httpx.get(f"{server.url}/v1/proposals?status=open", headers=auth).json()["items"][0]
    assert httpx.post(f"{server.url}/v1/proposals/{first['id']}/accept", headers=auth).is_success
    review = {"reason": "second_opinion"}
    assert httpx.post(
        f"{server.url}/v1/proposals/{first['id']}/review-requests", json=review, headers=auth
    ).is_success
    german.reload()
    expect(german.locator("#reviews-table tbody tr")).to_have_count(1)
    assert english_on(german) == []

    # The record forms: a new household, a household's edit form, a new unit.
    german.locator("#new-household").click()
    expect(german.locator("#record-dialog")).to_be_visible()
    assert english_on(german) == []
    german.keyboard.press("Escape")
    german.locator("#households-table tbody tr button").first.click()
    german.locator("#household-dialog").get_by_role("button", name=re.compile("bearbeiten")).click()
    expect(german.locator("#rf-language")).to_be_visible()
    assert english_on(german) == []
    german.keyboard.press("Escape")
    german.keyboard.press("Escape")
    german.locator("#new-unit").click()
    expect(german.locator("#rf-programme")).to_be_visible()
    assert english_on(german) == []
    german.keyboard.press("Escape")

    # An import dry run with a bad row: the report, its table and its buttons.
    docs = [r.model_dump(mode="json") for r in problem.households]
    upload(
        german,
        "households",
        "households.csv",
        "text/csv",
        households_csv([dict(docs[0], adults=0), *docs[1:]]),
    )
    expect(german.locator("#import-problems tbody tr")).to_have_count(1)
    assert english_on(german) == []


@pytest.mark.parametrize(("holder", "path"), [("planner-eva", "/planner.html"), ("admin-ana", "/admin.html")])
def test_the_planner_and_admin_pages_in_german_have_no_english_text(
    german: Page, server: Server, holder: str, path: str
) -> None:
    in_german(german, server, holder, path)
    assert english_on(german) == []
