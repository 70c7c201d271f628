"""Spreadsheets: CSV with ``;`` or ``,`` (with or without BOM) and XLSX import with a dry run that
lists every bad row, storing all or only the valid rows, the template, and exports that keep
numbers as numbers and dates as dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from api_helpers import Keys
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["id", "adults", "children_ages", "monthly_income", "registered_on", "work.commune", "schools"]
GOOD = [
    ["H-1", "2", "4;9", "2100", "2026-02-01", "0304", "0304;0102"],
    ["H-2", "1", "", "1500", "2026-01-15", "", ""],
]
BAD = ["H-3", "0", "", "1800", "2026-01-20", "", ""]  # no adult
WORSE = ["H-4", "1", "", "1800", "not a date", "9999", ""]


def as_csv(rows: list[list[str]], delimiter: str, bom: bool) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def as_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_dry_run_lists_every_bad_row_with_column_and_reason(client: TestClient, keys: Keys) -> None:
    for delimiter, bom in ((";", True), (";", False), (",", True), (",", False)):
        body = as_csv([HEADER, *GOOD, BAD, WORSE], delimiter, bom)
        r = client.post("/v1/households/import/dry-run", content=body, headers=keys.officer)
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["rows"], report["valid"]) == (4, 2), (delimiter, bom, report)
        assert [(p["row"], p["column"]) for p in report["problems"]] == [(4, "adults"), (5, "registered_on")]
        assert report["problems"][0]["reason"] == "must be >= 1"  # the bound, not the value
    assert client.get("/v1/households", headers=keys.officer).json()["total"] == 0  # nothing stored


def test_store_all_refuses_bad_rows_store_valid_keeps_the_good(client: TestClient, keys: Keys) -> None:
    body = as_csv([HEADER, *GOOD, BAD], ";", True)
    r = client.post("/v1/households/import/file", content=body, headers=keys.officer)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", 4, "adults"]
    assert client.get("/v1/households", headers=keys.officer).json()["total"] == 0
    r = client.post("/v1/households/import/file?rows=valid", content=body, headers=keys.officer)
    assert r.status_code == 200 and r.json() == {"created": 2, "updated": 0}
    one = client.get("/v1/households/H-1", headers=keys.officer).json()["record"]
    assert one["children_ages"] == [4, 9] and one["work"] == {"commune": "0304", "lat": None, "lon": None}
    assert [s["commune"] for s in one["schools"]] == ["0304", "0102"]
    # The other organisation sees none of it.
    assert client.get("/v1/households", headers=keys.other_officer).json()["total"] == 0


def test_xlsx_import_reads_numbers_and_dates(client: TestClient, keys: Keys) -> None:
    rows: list[list[object]] = [
        ["id", "programme", "commune", "bedrooms", "surface_m2", "max_occupancy", "rent", "charges",
         "available_from"],
        ["U-1", "gls", "0304", 2, 61.5, 4, 850, 120, datetime(2026, 3, 1)],
        ["U-2", "ais", "0304", "two", 40, 2, 700, 0, date(2026, 3, 1)],
    ]  # fmt: skip
    r = client.post("/v1/units/import/dry-run", content=as_xlsx(rows), headers=keys.officer)
    assert r.json()["problems"] == [
        {"row": 3, "column": "bedrooms", "reason": r.json()["problems"][0]["reason"]}
    ]
    r = client.post("/v1/units/import/file?rows=valid", content=as_xlsx(rows), headers=keys.officer)
    assert r.json() == {"created": 1, "updated": 0}
    unit = client.get("/v1/units/U-1", headers=keys.officer).json()["record"]
    assert unit["available_from"] == "2026-03-01" and unit["surface_m2"] == 61.5 and unit["bedrooms"] == 2


def test_template_and_exports(client: TestClient, keys: Keys) -> None:
    r = client.get("/v1/households/import/template.csv", headers=keys.officer)
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    header = r.content.decode("utf-8-sig").strip().split(";")
    assert "work.commune" in header and "registered_on" in header
    r = client.get("/v1/units/import/template.xlsx", headers=keys.officer)
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in sheet[1]][:3] == ["id", "programme", "commune"]
    # A `,` CSV without BOM stores too.
    good = as_csv([HEADER, *GOOD], ",", False)
    assert client.post("/v1/households/import/file", content=good, headers=keys.officer).status_code == 200

    r = client.post("/v1/exports/households.xlsx", json={"ids": ["H-1"]}, headers=keys.officer)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0] == "H-1"
    head = values[0]
    assert values[1][head.index("adults")] == 2  # a number, not text
    assert values[1][head.index("monthly_income")] == 2100
    assert values[1][head.index("registered_on")] == datetime(2026, 2, 1)  # a date cell
    r = client.post("/v1/exports/households.csv", headers=keys.officer)
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("id;status")
    assert client.post("/v1/exports/proposals.xlsx?status=open", headers=keys.officer).status_code == 200
    assert client.post("/v1/exports/unhoused.csv", headers=keys.officer).status_code == 200
    assert client.post("/v1/exports/households.csv", headers=keys.planner).status_code == 403


def test_bad_files_are_4xx(client: TestClient, keys: Keys) -> None:
    h = keys.officer
    assert client.post("/v1/households/import/dry-run", content=b"", headers=h).status_code == 422
    assert client.post("/v1/households/import/dry-run", content=b"\xff\xfe\x00", headers=h).status_code == 422
    assert (
        client.post("/v1/households/import/dry-run", content=b"PK\x03\x04junk", headers=h).status_code == 422
    )
    assert client.post("/v1/quotas/import/dry-run", content=b"id\nQ", headers=h).status_code in (404, 422)


def test_files_are_documented_with_their_content_types(client: TestClient, keys: Keys) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, url in (
        ("/v1/{path}/import/template.{fmt}", "get", "/v1/units/import/template.{fmt}"),
        ("/v1/exports/{what}.{fmt}", "post", "/v1/exports/units.{fmt}"),
    ):
        documented = set(paths[path][method]["responses"]["200"]["content"])
        assert documented == {"text/csv", XLSX}, (path, documented)
        for fmt in ("csv", "xlsx"):
            r = client.request(method, url.format(fmt=fmt), headers=keys.officer)
            assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in documented


#: Files that hold no table the import can read: each a 422 naming the file or the column.
UNREADABLE = [
    ("empty", b"", ["body"]),
    ("only blank lines", b"\r\n  \r\n\n", ["body"]),
    ("binary garbage", bytes(range(256)) * 4, ["body"]),
    ("NUL bytes", b"id,adults\x00\nH-1,1\n", ["body", 1]),
    ("ASCII garbage", bytes(range(128)) * 4, ["body", 2]),  # a stray CR ends the reading at row 2
    ("damaged XLSX", b"PK\x03\x04" + bytes(200), ["body"]),
    ("no header row", as_csv(GOOD, ",", False), ["body", 1]),
    ("header only", as_csv([HEADER], ";", True), ["body"]),
    ("an unknown column (;)", as_csv([[*HEADER, "income"], [*GOOD[0], "1"]], ";", False),
     ["body", 1, "income"]),
    ("an unknown column (, BOM)", as_csv([["id", "adultz"], ["H-1", "1"]], ",", True), ["body", 1, "adultz"]),
    ("an unknown nested column", as_csv([[*HEADER, "work.street"], [*GOOD[0], "x"]], ";", True),
     ["body", 1, "work.street"]),
    ("a column twice", as_csv([["id", "adults", "adults"], ["H-1", "1", "2"]], ";", True),
     ["body", 1, "adults"]),
    ("XLSX unknown column", as_xlsx([["id", "adults", "bogus"], ["H-1", 1, "x"]]), ["body", 1, "bogus"]),
    ("XLSX empty sheet", as_xlsx([]), ["body"]),
]  # fmt: skip


def test_unreadable_files_are_422_naming_file_or_column(client: TestClient, keys: Keys) -> None:
    wrong = []
    for name, body, loc in UNREADABLE:
        for url, content_type in (
            ("/v1/households/import/dry-run", None),
            ("/v1/households/import/file?rows=valid", None),
            ("/v1/households/import", "text/csv"),  # the record import's CSV form
        ):
            if content_type and body.startswith(b"PK"):
                continue  # the record import reads CSV only
            headers = {**keys.officer, **({"content-type": content_type} if content_type else {})}
            r = client.post(url, content=body, headers=headers)
            errors = r.json().get("errors") or [{}]
            if r.status_code != 422 or errors[0].get("loc") != loc:
                wrong.append((name, url, r.status_code, errors[0].get("loc")))
    assert wrong == [], wrong
    assert client.get("/v1/households", headers=keys.officer).json()["total"] == 0
