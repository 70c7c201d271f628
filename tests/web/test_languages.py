"""The pages in French, German and English: chosen from the browser, switchable, numbers and dates
formatted for the language; the household's letter prints in its language."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.browser import Server, sign_in

pytestmark = pytest.mark.browser


def test_switch_to_french_then_german(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-ben", "/officer.html")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    try:
        switch(page)
    finally:  # the choice is kept in the browser profile the other tests share
        page.evaluate("localStorage.removeItem('wunneng.lang')")


def switch(page: Page) -> None:
    page.get_by_label("Language", exact=True).select_option("fr")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace agent")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.get_by_label("Langue", exact=True).select_option("de")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitsbereich")
    expect(page.get_by_role("heading", name="Haushalte")).to_be_visible()
    page.get_by_label("Sprache", exact=True).select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Officer workspace")


def test_language_from_the_browser(browser: BrowserContext, server: Server) -> None:
    tab = browser.new_page()
    tab.add_init_script("Object.defineProperty(navigator, 'languages', { get: () => ['de-LU', 'de'] })")
    tab.goto(server.url + "/")
    expect(tab.locator("html")).to_have_attribute("lang", "de")
    expect(tab.get_by_role("link", name="Mit Ihrer Organisation anmelden")).to_be_visible()
    tab.close()
