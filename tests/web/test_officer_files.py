"""An officer imports the spreadsheets they keep (a `;` CSV with a bad row: dry run, fix, store; an
XLSX) and exports what the page shows, read back as a workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from tests.web.browser import Server, new_organisation, sign_in_with_key

pytestmark = pytest.mark.browser

HEADER = "id;adults;children_ages;monthly_income;registered_on;work.commune\r\n"
ROWS = "H-F1;2;4;9;2100;2026-02-01;0304\r\nH-F2;0;;1500;2026-01-15;\r\n"  # H-F2 has no adult


def xlsx_units() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["id", "programme", "commune", "bedrooms", "surface_m2", "max_occupancy", "rent", "available_from"]
    )
    sheet.append(["U-F1", "gls", "0304", 2, 60, 4, 850, "2026-01-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(page: Page, kind: str, name: str, mime: str, data: bytes) -> None:
    page.get_by_label("Records").select_option(kind)
    page.get_by_label("File (CSV or XLSX)").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Check the file").click()


def test_import_with_a_dry_run_then_export(page: Page, server: Server) -> None:
    key = new_organisation(server, "files-org", "officer-hal")
    sign_in_with_key(page, server, key, "/officer.html")
    bad = ("\ufeff" + HEADER + ROWS.replace("2;4;9", '2;"4;9"')).encode()
    check(page, "households", "households.csv", "text/csv", bad)
    status = page.locator("#import-status")
    expect(status).to_have_text("2 rows: 1 valid, 1 with problems. Nothing is stored yet.")
    problem = page.locator("#import-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("adults")
    expect(page.get_by_role("button", name="Store all 2 rows")).to_be_disabled()
    expect(page.locator("#households-table caption")).to_have_text("0 of 0 households")

    fixed = bad.replace(b"H-F2;0;", b"H-F2;1;")
    check(page, "households", "households.csv", "text/csv", fixed)
    expect(status).to_have_text("2 rows, all valid. Nothing is stored yet.")
    page.get_by_role("button", name="Store all 2 rows").click()
    expect(status).to_have_text("Stored: 2 new and 0 updated rows.")
    expect(page.locator("#households-table caption")).to_have_text("2 of 2 households")

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    check(page, "units", "units.xlsx", xlsx, xlsx_units())
    expect(status).to_have_text("1 rows, all valid. Nothing is stored yet.")
    page.get_by_role("button", name="Store all 1 rows").click()
    expect(page.locator("#units-table caption")).to_have_text("1 of 1 units")

    page.get_by_label("Export", exact=True).select_option("households")
    page.get_by_label("Format").select_option("xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[0] for r in rows[1:]] == ["H-F1", "H-F2"]
    assert rows[1][rows[0].index("adults")] == 2
