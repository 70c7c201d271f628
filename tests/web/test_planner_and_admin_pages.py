"""A planner runs a scenario comparison and reads its report in the page; an admin's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import Server, screenshot, sign_in, unlabelled_controls

pytestmark = pytest.mark.browser


def test_planner_compares_scenarios_and_reads_the_report(page: Page, server: Server) -> None:
    sign_in(page, server, "planner-eva", "/planner.html")
    expect(page.get_by_label("Baseline Luxembourg 2026")).to_be_checked()
    expect(page.locator("#spec-gls-south-plus-100")).to_be_checked()
    # A new planner presses "run" as the page comes: its defaults make a quick, valid comparison.
    expect(page.locator("#seeds")).to_have_value("0")
    expect(page.locator("#scale")).to_have_value("0.05")
    expect(page.get_by_label("Months simulated")).to_have_value("3")
    page.get_by_role("button", name="Run comparison").click()

    report = page.locator("#report-panel")
    expect(report).to_be_visible(timeout=150_000)
    expect(page.locator("#compare-status")).to_contain_text("finished")
    kpi = page.locator("#kpi")
    expect(kpi.locator("thead")).to_contain_text("baseline-2026")
    expect(kpi.locator("thead")).to_contain_text("gls-south-plus-100")
    expect(kpi.get_by_role("rowheader", name="housed share")).to_be_visible()
    frame = page.frame_locator("#report-frame")
    expect(frame.locator("h1")).to_contain_text("Scenario comparison")
    expect(frame.locator("img").first).to_be_attached()
    expect(page.locator("#jobs-table tbody tr[data-status='succeeded']")).to_have_count(1)
    expect(page.locator("#overview-table")).to_contain_text("logis")
    screenshot(page, "planner")
    page.locator("#report-frame").scroll_into_view_if_needed()
    screenshot(page, "planner-report", full_page=False)
    assert unlabelled_controls(page) == []


def test_platform_admin_manages_organisations(page: Page, server: Server) -> None:
    sign_in(page, server, "platform-pat", "/admin.html")
    expect(page.locator("#orgs-table")).to_contain_text("esch-social")
    expect(page.locator("#org-form")).to_be_visible()
    expect(page.locator("#policies-panel")).to_be_hidden()
    expect(page.locator("#page-status")).not_to_contain_text("Could not load")
    page.get_by_label("Identifier").fill("mersch-social")
    page.get_by_label("Name", exact=True).fill("Office social Mersch")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator("#orgs-table")).to_contain_text("mersch-social")


def test_admin_sees_policies_organisations_keys_and_audit(page: Page, server: Server) -> None:
    sign_in(page, server, "admin-ana", "/admin.html")
    expect(page.locator("#policies-table tr[data-version='2026.1']")).to_contain_text("active")
    expect(page.locator("#orgs-table")).to_contain_text("logis")
    expect(page.locator("#orgs-table")).not_to_contain_text("esch-social")  # organisations are the platform's
    expect(page.locator("#org-form")).to_be_hidden()
    expect(page.locator("#keys-table")).to_contain_text("officer-ben")
    expect(page.locator("#audit-table tbody tr").first).to_be_visible()

    page.get_by_label("Holder (a handle, not a name)").fill("officer-new")
    page.get_by_role("button", name="Issue key").click()
    expect(page.locator("#new-key")).to_contain_text("wn_")
    expect(page.locator("#keys-table")).to_contain_text("officer-new")
    screenshot(page, "admin")
    assert unlabelled_controls(page) == []

    # Admins also work as officers, and read a household's audit log from its file.
    page.get_by_role("link", name="Officer workspace").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # the first household listed: which ones are still waiting depends on the other tests' decisions
    first = page.locator("#households-table").get_by_role("button").first
    expect(first).to_be_visible()
    household = first.inner_text().strip()
    first.click()
    dialog = page.get_by_role("dialog", name=f"Household {household}")
    expect(dialog.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(dialog).not_to_contain_text("officers see the decision trail above")
    expect(dialog.locator("table, p.hint").last).to_be_visible()
