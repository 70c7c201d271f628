"""What the officer page says about runs when there is nothing to show yet, when a run fails, and
when the officer signs out while the page is still loading."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.browser import Server, sign_in
from tests.web.test_officer_page import run_matching

pytestmark = pytest.mark.browser


def ineligible_pair(server: Server, holder: str) -> tuple[str, str]:
    """A waiting household and a free unit too small for it (a pin to it makes the run fail)."""
    h = {"Authorization": f"Bearer {server.keys[holder]}"}
    households = httpx.get(f"{server.url}/v1/households?status=waiting&limit=1000", headers=h).json()
    units = httpx.get(f"{server.url}/v1/units?status=free&limit=1000", headers=h).json()

    def persons(x: dict[str, Any]) -> int:
        return int(x["record"]["adults"]) + len(x["record"]["children_ages"])

    biggest = max(households["items"], key=persons)
    small = next(u for u in units["items"] if u["record"]["max_occupancy"] < persons(biggest))
    return biggest["id"], small["id"]


def test_no_run_yet_then_a_good_run(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-dan", "/officer.html")
    expect(page.locator("#unhoused")).to_have_text("No run yet.")
    expect(page.locator("#unhoused")).not_to_contain_text("Everyone")

    run_matching(page)
    assert page.locator("#run-progress").evaluate("p => p.value") == 1
    expect(page.locator("#unhoused")).not_to_have_text("No run yet.")


def test_sign_out_while_the_page_is_loading(page: Page, server: Server) -> None:
    """The page's requests after "Sign out" must not turn into "Your key is no longer valid".

    The page is held between "who am I" and loading its data (its communes' boundaries are held)
    and the officer signs out; the navigation to the sign-in page is recorded and stopped, so the
    page goes on loading as it would on a slow network, and its next navigation is recorded too."""
    sign_in(page, server, "officer-chloe", "/officer.html")
    boundaries: list[Route] = []
    navigations: list[str] = []

    def stop_navigation(route: Route) -> None:
        navigations.append(route.request.url)
        route.fulfill(status=204)  # "no content": the browser stays on the page

    page.route("**/data/lu_communes.geojson", lambda route: boundaries.append(route))
    page.route(lambda url: "signed-out=" in url, stop_navigation)
    page.reload(wait_until="commit")
    page.get_by_role("button", name="Sign out").click(no_wait_after=True)
    for _ in range(2_000):  # lets Playwright hand over the held requests; polls state, not time
        if boundaries and navigations:
            break
        page.wait_for_timeout(25)
    assert boundaries and navigations == [server.url + "/?signed-out=1"]
    boundaries[0].continue_()
    # The interrupted load ends either quietly (signed out) or with an error on the page.
    page.wait_for_function(
        "() => document.body.dataset.ready || document.querySelector('#page-status').dataset.kind === 'error'"
    )
    expect(page.locator("#page-status")).not_to_contain_text("no longer valid")
    assert navigations == [server.url + "/?signed-out=1"], navigations
