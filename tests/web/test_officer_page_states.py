"""What the officer page says about runs when there is nothing to show yet, when a run fails, and
when the officer signs out while the page is still loading."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.browser import Server, sign_in
from tests.web.test_officer_page import run_matching

pytestmark = pytest.mark.browser


def solver_processes() -> list[multiprocessing.process.BaseProcess]:
    """The server's solver worker processes (the app runs in this test process, so they are ours)."""
    return [p for p in multiprocessing.active_children() if p.name == "wunneng-solver" and p.is_alive()]


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


def test_a_failed_run_shows_its_failure_and_nothing_of_the_run_before(page: Page, server: Server) -> None:
    """The solver process dies mid-run (frozen, then killed, as a crash or the OOM killer would): the
    page shows that run's failure, an empty bar, and no result line of its own."""
    sign_in(page, server, "officer-dan", "/officer.html")
    run_matching(page)  # a good run first: its result line must not be shown as the failed run's
    good = page.locator("#run-panel").get_attribute("data-run-id")
    workers = solver_processes()
    assert workers, "the good run left its solver process running"
    for w in workers:
        assert w.pid is not None
        os.kill(w.pid, signal.SIGSTOP)  # the next run is claimed and sent, but never solved
    try:
        page.get_by_role("button", name="Run matching").click()
        expect(page.locator("#run-panel")).to_have_attribute("data-run-status", "running")
    finally:
        for w in workers:
            assert w.pid is not None
            os.kill(w.pid, signal.SIGKILL)
    expect(page.locator("#run-panel")).to_have_attribute("data-run-status", "failed")
    expect(page.locator("#run-button")).to_be_enabled()
    failed = page.locator("#run-panel").get_attribute("data-run-id")
    assert failed != good
    expect(page.locator("#run-status")).to_contain_text(f"Run {failed} failed: the solver process stopped")
    assert page.locator("#run-progress").evaluate("p => p.value") == 0
    summary = page.locator("#run-summary")
    expect(summary).to_contain_text(f"none: this run failed; still open from run {good}")
    expect(summary.locator("dd").first).to_contain_text(str(failed))
