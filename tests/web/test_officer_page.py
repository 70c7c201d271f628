"""The officer's whole job in the browser: sign in, run matching, accept one proposal, decline
another with a reason, re-run, and see the re-run keep the placement and avoid the declined pair."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.browser import DOCS_SCREENSHOT, Server, says, screenshot, sign_in, unlabelled_controls

FINISHED = (
    "(old) => { const p = document.querySelector('#run-panel');"
    " return p.dataset.runId !== undefined && p.dataset.runId !== old"
    " && ['succeeded', 'failed', 'cancelled'].includes(p.dataset.runStatus)"
    " && !document.querySelector('#run-button').disabled; }"
)

pytestmark = pytest.mark.browser


def run_matching(page: Page) -> None:
    """Press "Run matching" and wait until the new run is finished and every panel shows it."""
    before = page.locator("#run-panel").get_attribute("data-run-id")
    page.locator("#run-button").click()  # "Run matching", in the page's language
    page.wait_for_function(FINISHED, arg=before, timeout=90_000)
    expect(page.locator("#run-panel")).to_have_attribute("data-run-status", "succeeded")


def open_pairs(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("#proposals-table tbody tr")
    return [
        (str(rows.nth(i).get_attribute("data-household")), str(rows.nth(i).get_attribute("data-unit")))
        for i in range(rows.count())
    ]


def test_officer_runs_decides_and_reruns(page: Page, browser: BrowserContext, server: Server) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_label("API key")).to_be_focused()
    screenshot(page, "signin")
    sign_in(page, server, "officer-ben", "/officer.html")
    expect(page.get_by_test_id("who")).to_have_text("officer-ben · officer · logis")
    expect(page.locator("#households-table caption")).to_have_text("30 of 30 households")
    expect(page.locator("#map svg path.commune")).to_have_count(100)

    run_matching(page)
    expect(page.locator("#run-status")).to_contain_text("30 households")
    pairs = open_pairs(page)
    assert len(pairs) >= 2
    (accepted_h, accepted_u), (declined_h, declined_u) = pairs[0], pairs[1]
    screenshot(page, "officer-after-run")

    page.get_by_role("button", name=f"Accept {accepted_u} for {accepted_h}").click()
    confirm = page.get_by_role("dialog", name=f"Accept {accepted_u} for {accepted_h}?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()  # Enter never accepts by accident
    confirm.get_by_role("button", name="Confirm acceptance").click()
    expect(page.locator("#decision-status")).to_have_text(f"Accepted {accepted_u} for {accepted_h}.")
    page.get_by_label(f"Reason to decline {declined_u} for {declined_h}").select_option("household_refused")
    page.get_by_role("button", name=f"Decline {declined_u} for {declined_h}").click()
    expect(page.locator("#decision-status")).to_have_text(
        f"Declined {declined_u} for {declined_h}: household refused."
    )
    decided = page.locator("#decided-table tbody tr")
    expect(
        decided.and_(page.locator(f"[data-household='{accepted_h}'][data-status='accepted']"))
    ).to_have_count(1)
    expect(
        decided.and_(page.locator(f"[data-household='{declined_h}'][data-status='declined']"))
    ).to_have_count(1)
    expect(page.locator("#override-rate")).to_contain_text("1 declined of 2 decided")

    run_matching(page)
    # The housed household and its unit are out of the new run: 29 waiting households.
    expect(page.locator("#run-status")).to_contain_text("29 households")
    rerun = open_pairs(page)
    assert rerun, "the re-run proposes nothing"
    assert all(h != accepted_h for h, _ in rerun), "the accepted household was proposed again"
    assert all(u != accepted_u for _, u in rerun), "the taken unit was proposed again"
    assert (declined_h, declined_u) not in rerun, "the declined pair was proposed again"
    page.locator("#uf-status").select_option("taken")
    expect(page.locator(f"#units-table tr[data-unit='{accepted_u}']")).to_contain_text(
        f"taken by {accepted_h}"
    )
    page.locator("#uf-status").select_option("free")
    screenshot(page, "officer")
    page.evaluate("window.scrollTo(0, 0)")
    laptop = screenshot(page, "officer-laptop-screen", full_page=False)
    if os.environ.get("WUNNENG_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(laptop, DOCS_SCREENSHOT)
    page.locator("#map-panel").screenshot(path=laptop.with_name("map.png"))

    # The household's decision trail, from the decisions table, in a dialog closed with Escape.
    page.locator("#decided-table").get_by_role("button", name=declined_h).click()
    dialog = page.get_by_role("dialog", name=f"Household {declined_h}")
    expect(dialog).to_be_visible()
    trail = dialog.locator("table").first
    expect(trail).to_contain_text(declined_u)
    expect(trail).to_contain_text("household refused")
    expect(dialog).to_contain_text("Refusals")
    # The household contests the decline: ask for a review from its file.
    dialog.get_by_label(f"Review reason for declined {declined_u} for {declined_h}").select_option(
        "household_contests"
    )
    dialog.get_by_role("button", name=f"Request a review of declined {declined_u} for {declined_h}").click()
    # review numbers run across the browser tests' shared server: read this one's
    expect(trail).to_contain_text(re.compile(r"review \d+ open"))
    found = re.search(r"review (\d+) open", trail.inner_text())
    assert found is not None
    review_id = found.group(1)
    screenshot(page, "household-dialog", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    review = page.locator(f"#reviews-table tr[data-household='{declined_h}']")
    expect(review).to_have_attribute("data-status", "open")

    # The household-facing explanation of an open proposal.
    household = rerun[0][0]
    page.locator("#letter-lang").select_option("fr")  # in the household's language, as its letter
    page.get_by_role("button", name=f"Explanation for {household}").click()
    explanation = page.get_by_role("dialog", name="Explanation for the household")
    expect(explanation).to_contain_text("Nous proposons")
    page.keyboard.press("Escape")
    page.locator("#letter-lang").select_option("en")
    page.get_by_role("button", name=f"Explanation for {household}").click()
    expect(explanation).to_contain_text("We propose")
    screenshot(page, "explanation-dialog", full_page=False)
    page.keyboard.press("Escape")

    assert unlabelled_controls(page) == []

    # A second officer resolves the review (the one who declined may not).
    second = browser.new_page()
    sign_in(second, server, "officer-chloe", "/officer.html")
    second.get_by_role("button", name=f"Overturn the decision on {declined_h} (review {review_id})").click()
    expect(second.locator("#review-status")).to_have_text(
        f"Review {review_id} of {declined_h}: decision overturned."
    )
    expect(second.locator(f"#reviews-table tr[data-household='{declined_h}']")).to_contain_text(
        "overturned by officer-chloe"
    )
    second.close()


def test_keyboard_focus_is_visible(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-chloe", "/officer.html")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the workspace")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    for _ in range(10):  # brand, pages, sign out, then the first control of the workspace
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "run-button":
            break
    expect(page.get_by_role("button", name="Run matching")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_filters_and_pair_rules(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-chloe", "/officer.html")
    caption = page.locator("#households-table caption")
    page.get_by_label("Support intensity").select_option("intensive")
    rows = page.locator("#households-table tbody tr")
    expect(caption).not_to_have_text("30 of 30 households")
    for i in range(rows.count()):
        expect(rows.nth(i).locator("td").nth(3)).to_have_text("intensive")
    page.get_by_label("Programme").select_option("gls")
    units = page.locator("#units-table tbody tr")
    assert units.count() > 0
    for i in range(units.count()):
        expect(units.nth(i).locator("td").first).to_have_text(says("en", "code.gls"))  # a name, not "gls"

    # Searchable pickers with nothing chosen in advance.
    expect(page.locator("#pair-household")).to_have_value("")
    expect(page.locator("#pair-unit")).to_have_value("")
    page.get_by_role("button", name="Add rule").click()
    expect(page.locator("#pair-status")).to_have_text("Choose a household and a unit.")
    household = str(page.locator("#pair-household-list option").nth(2).get_attribute("value"))
    unit = str(page.locator("#pair-unit-list option").nth(3).get_attribute("value"))
    page.get_by_label("Household (type to search)").fill(household)
    page.get_by_label("Unit (type to search)").fill(unit)
    page.get_by_label("Rule").select_option("forbid")
    page.get_by_role("button", name="Add rule").click()
    expect(page.locator("#pair-status")).to_have_text(f"Added: forbid {household} in {unit}.")
    rule = page.locator(f"#pair-rules-table tr[data-household='{household}'][data-unit='{unit}']")
    expect(rule).to_contain_text("forbid")
    page.get_by_role("button", name=f"Remove forbid {household} in {unit}").click()
    expect(rule).to_have_count(0)


def test_each_officer_sees_only_their_organisation(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-dan", "/officer.html")
    expect(page.get_by_test_id("who")).to_contain_text("esch-social")
    expect(page.locator("#households-table caption")).to_have_text("12 of 12 households")
    expect(page.locator("#units-table caption")).to_have_text("14 of 14 units")


def test_sign_in_refuses_a_wrong_key_and_pages_keep_to_roles(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    page.get_by_label("API key").fill("wn_000000000000_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-status")).to_have_text("This key is not valid.")
    sign_in(page, server, "planner-eva", "/planner.html")
    page.goto(server.url + "/officer.html")  # a planner sees no household records
    page.wait_for_url("**/planner.html")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/?signed-out=1")
    page.goto(server.url + "/planner.html")
    page.wait_for_url(server.url + "/")
