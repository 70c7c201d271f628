"""Officers create, edit and erase households and units in forms: the API's validation messages
show at their fields, everything works from the keyboard, and the household file shows what an
officer needs to judge a proposal."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import Server, new_organisation, sign_in, sign_in_with_key, unlabelled_controls
from tests.web.test_officer_page import run_matching

pytestmark = pytest.mark.browser


UNIT = {
    "id": "U-FORM-1",
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 2,
    "surface_m2": 64,
    "max_occupancy": 4,
    "rent": 800,
    "charges": 100,
    "available_from": "2026-01-01",
}


def test_create_a_household_fix_a_bad_field_edit_and_erase(page: Page, server: Server) -> None:
    key = new_organisation(server, "forms-households", "officer-fay")
    sign_in_with_key(page, server, key, "/officer.html")
    caption = page.locator("#households-table caption")
    before = caption.inner_text()
    page.get_by_role("button", name="New household").click()
    form = page.get_by_role("dialog", name="New household")
    expect(form.get_by_label("Reference")).to_be_focused()
    assert unlabelled_controls(page) == []
    # Keyboard only: type into the focused field, Tab to the next.
    page.keyboard.type("H-FORM-1")
    page.keyboard.press("Tab")
    page.keyboard.type("0")  # the core wants at least one adult
    form.get_by_label("Children's ages (separated by ;)").fill("4; 9")
    form.get_by_label("Net monthly income (EUR)").fill("2100")
    form.get_by_label("Registered on").fill("2026-03-02")
    form.get_by_label("Work place (commune)").select_option("0304")
    form.get_by_label("Reception place (commune)").select_option("0102")
    form.get_by_role("button", name="Create household").press("Enter")
    adults = form.get_by_label("Adults (18 or more)")
    expect(adults).to_have_attribute("aria-invalid", "true")
    expect(adults).to_be_focused()
    expect(form.locator("#rf-adults-error")).to_have_text("Input should be greater than or equal to 1")
    adults.fill("2")
    form.get_by_role("button", name="Create household").click()
    expect(page.locator("#page-status")).to_have_text("Created household H-FORM-1.")
    expect(caption).not_to_have_text(before)

    page.locator("#households-table").get_by_role("button", name="H-FORM-1").click()
    file = page.get_by_role("dialog", name="Household H-FORM-1")
    expect(file).to_contain_text("2,100 EUR a month")
    expect(file).to_contain_text("Work place")
    expect(file).to_contain_text("Reception place")
    file.get_by_role("button", name="Edit household H-FORM-1").click()
    edit = page.get_by_role("dialog", name="Edit household H-FORM-1")
    edit.get_by_label("Budget: rent + charges at most (EUR)").fill("900")
    edit.get_by_label("Language of letters").select_option("de")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.locator("#page-status")).to_have_text("Saved household H-FORM-1.")
    stored = httpx.get(f"{server.url}/v1/households/H-FORM-1", headers={"Authorization": f"Bearer {key}"})
    assert stored.json()["record"]["language"] == "de"  # its letters' language, from the form
    page.locator("#households-table").get_by_role("button", name="H-FORM-1").click()
    expect(file).to_contain_text("at most 900 EUR")
    expect(file).to_contain_text("2,100 EUR a month")  # untouched fields stay

    file.get_by_role("button", name="Edit household H-FORM-1").click()
    edit.get_by_role("button", name="Erase household").click()
    confirm = page.get_by_role("dialog", name="Erase household H-FORM-1")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Erase").click()
    expect(page.locator("#page-status")).to_have_text("Erased household H-FORM-1.")


def test_edit_a_unit(page: Page, server: Server) -> None:
    key = new_organisation(server, "forms-units", "officer-gil")
    r = httpx.post(f"{server.url}/v1/units", json=UNIT, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 201, r.text
    sign_in_with_key(page, server, key, "/officer.html")
    unit = UNIT["id"]
    page.get_by_role("button", name=f"Edit unit {unit}").click()
    edit = page.get_by_role("dialog", name=f"Edit unit {unit}")
    edit.get_by_label("Rent (EUR/month)").fill("-5")
    edit.get_by_role("button", name="Save changes").click()
    said = httpx.patch(
        f"{server.url}/v1/units/{unit}", json={"rent": -5}, headers={"Authorization": f"Bearer {key}"}
    )
    assert said.status_code == 422
    [detail] = [d for d in said.json()["errors"] if d["loc"][-1] == "rent"]
    expect(edit.locator("#rf-rent-error")).to_have_text(detail["msg"])  # the API's own words
    edit.get_by_label("Rent (EUR/month)").fill("640")
    edit.get_by_label("Charges (EUR/month)").fill("60")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.locator("#page-status")).to_have_text(f"Saved unit {unit}.")
    expect(page.locator(f"#units-table tr[data-unit='{unit}']")).to_contain_text("700 EUR")


def test_map_classes_tell_near_full_from_full_and_no_zone_from_low_use(page: Page, server: Server) -> None:
    sign_in(page, server, "officer-ben", "/officer.html")
    legend = page.locator("#map-legend li")
    texts = [legend.nth(i).inner_text() for i in range(legend.count())]
    assert {"75\u201390 %", "90\u201399 %", "full (100 %)"} <= set(texts)
    fills = page.evaluate(
        "() => [...document.querySelectorAll('#map path.commune')].map((p) => p.getAttribute('fill'))"
    )
    assert page.locator("#map pattern#no-zone").count() == 1
    # An organisation with no support zone: every commune hatched, none a shade of use.
    key = new_organisation(server, "map-no-zones", "officer-ida")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/?signed-out=1")
    sign_in_with_key(page, server, key, "/officer.html")
    fills = page.evaluate(
        "() => [...document.querySelectorAll('#map path.commune')].map((p) => p.getAttribute('fill'))"
    )
    assert set(fills) == {"url(#no-zone)"}


def test_map_lines_from_proposed_units_to_work_and_schools(page: Page, server: Server) -> None:
    key = new_organisation(server, "map-lines", "officer-jo")
    auth = {"Authorization": f"Bearer {key}"}
    households = [
        {
            "id": "H-LINES-1",
            "adults": 1,
            "monthly_income": 3200,
            "registered_on": "2025-01-01",
            "work": {"commune": "0304"},
            "schools": [{"lat": 49.61, "lon": 6.13}, {"commune": "0102"}],
        },
        {"id": "H-LINES-2", "adults": 1, "monthly_income": 3200, "registered_on": "2025-01-01"},
    ]
    for doc in households:
        assert httpx.post(f"{server.url}/v1/households", json=doc, headers=auth).status_code == 201
    for ref in ("U-LINES-1", "U-LINES-2"):
        assert httpx.post(f"{server.url}/v1/units", json={**UNIT, "id": ref}, headers=auth).status_code == 201
    sign_in_with_key(page, server, key, "/officer.html")
    run_matching(page)
    proposals = httpx.get(f"{server.url}/v1/proposals?status=open", headers=auth).json()["items"]
    assert {p["household"] for p in proposals} == {"H-LINES-1", "H-LINES-2"}
    expect(page.locator("#map line")).to_have_count(0)  # the lines are optional

    page.get_by_label("Lines from each proposed unit to the household's work place and schools").check()
    work, schools = page.locator("#map line.line-work"), page.locator("#map line.line-school")
    expect(work).to_have_count(1)  # H-LINES-1 works; H-LINES-2 has neither work nor school
    expect(schools).to_have_count(2)
    unit = next(p["unit"] for p in proposals if p["household"] == "H-LINES-1")
    ends = page.evaluate(
        """() => [...document.querySelectorAll('#map line')].map((l) => [l.dataset.household, l.dataset.unit,
              l.getAttribute('x1'), l.getAttribute('y1')])"""
    )
    assert {(h, u) for h, u, _, _ in ends} == {("H-LINES-1", unit)}
    proposed = page.evaluate(
        """() => [...document.querySelectorAll('#map circle.unit-proposed')]
              .map((c) => [c.getAttribute('cx'), c.getAttribute('cy')])"""
    )
    assert all([x, y] in proposed for _, _, x, y in ends)  # every line starts at a proposed unit's dot
    expect(page.locator("#map-legend")).to_contain_text("to a school")
    page.get_by_label("Lines from each proposed unit to the household's work place and schools").uncheck()
    expect(page.locator("#map line")).to_have_count(0)
