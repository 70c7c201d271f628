"""People sign in through their organisation's OpenID Connect provider (a real one on loopback);
the page names them, their decisions carry their name; a provider that is down is a clear page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import Server, sign_in_oidc

pytestmark = pytest.mark.browser


def test_an_officer_signs_in_with_the_organisation(page: Page, server: Server) -> None:
    sign_in_oidc(page, server, "ines", "/officer.html")
    expect(page.get_by_test_id("who")).to_have_text("Ines Officer · officer · logis")
    assert "session=" not in page.url
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/?signed-out=1")


def test_a_refused_person_gets_a_page_that_says_why(page: Page, server: Server) -> None:
    """An organisation this service does not know: a page that says so, and the way back."""
    page.goto(server.url + "/")
    page.get_by_role("link", name="Sign in with your organisation").click()
    page.locator("input[name=sub]").fill("gus")  # an organisation this service does not know
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Not signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("no-such-org")
    page.get_by_role("link", name="Back to the sign-in page").click()
    expect(page.get_by_label("API key")).to_be_visible()
