"""Spreadsheets in and out: CSV as French and German Excel writes it (``;`` or ``,``, UTF-8 with or
without BOM) and XLSX, for the files officers keep.

Reading turns a sheet into the same CSV the record import already reads (``a.b`` headers for nested
fields, ``;`` between list items, JSON in a cell for lists of objects), so the one parser and the one
validator in :mod:`api.services.records` decide what a row means; this module only adds the dry run
that reports every bad row with its column and reason instead of stopping at the first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from pydantic import BaseModel

from api.errors import Invalid
from api.services import records
from api.services.records import RecordKind

Format = Literal["csv", "xlsx"]
Cell = str | int | float | date | datetime | bool | None

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
MEDIA = {"csv": CSV_MEDIA, "xlsx": XLSX_MEDIA}

#: The template's columns: one flat, readable header per field an officer fills in.
TEMPLATE_COLUMNS = {
    "households": [
        "id", "adults", "children_ages", "monthly_income", "max_rent", "support", "vulnerabilities",
        "needs", "registered_on", "work.commune", "current_location.commune", "attached_commune",
        "schools", "preferred_communes", "excluded_communes",
    ],
    "units": [
        "id", "programme", "commune", "bedrooms", "surface_m2", "max_occupancy", "rent", "charges",
        "features", "available_from", "reserved_for_commune", "lat", "lon",
    ],
}  # fmt: skip


class RowProblem(BaseModel):
    row: int  #: the sheet's row number (the header is row 1)
    column: str
    reason: str


class DryRun(BaseModel):
    rows: int
    valid: int
    problems: list[RowProblem]


@dataclass(frozen=True)
class Parsed:
    records: list[tuple[int, dict[str, Any]]]  #: (row number, raw record) for every row that parsed
    problems: list[RowProblem]


def _text(cell: Cell) -> str:
    """A cell as the CSV text the record parser reads (dates as ISO, whole numbers without .0)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def read_sheet(data: bytes) -> list[list[str]]:
    """The rows of an XLSX (first sheet) or CSV file, header first, as text."""
    if data[:4] == b"PK\x03\x04":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise Invalid(["body"], "not a readable XLSX file") from None
        sheet = book.worksheets[0]
        rows = [[_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        rows = records.csv_rows(records.decode_csv(data))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise Invalid(["body"], "the file is empty")
    return rows


#: List columns a template fills with plain commune codes (``0304;0102``) rather than JSON objects.
PLACE_LISTS = ("schools", "preferred_communes")


def _places(raw: dict[str, Any]) -> dict[str, Any]:
    for name in PLACE_LISTS:
        value = raw.get(name)
        if isinstance(value, list):
            raw[name] = [{"commune": v} if isinstance(v, str) else v for v in value]
    return raw


def parse(kind: RecordKind, data: bytes) -> Parsed:
    """Every row checked on its own: rows that pass, and a problem for each one that does not."""
    header, *body = read_sheet(data)
    header = [h.strip() for h in header]
    records.check_table(kind, header, len(body))
    parsed: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for number, cells in enumerate(body, start=2):
        one = io.StringIO()
        csv.writer(one).writerows([header, cells])
        try:
            raw = _places(records.parse_csv(kind, one.getvalue())[0])
            records.validate(kind, raw, [])
        except Invalid as exc:
            column = ".".join(str(p) for p in exc.loc if not isinstance(p, int) and p != "body")
            problems.append(RowProblem(row=number, column=column or "(row)", reason=exc.message))
            continue
        parsed.append((number, raw))
    refs = [str(raw.get("id")) for _, raw in parsed]
    for number, raw in parsed:
        if refs.count(str(raw.get("id"))) > 1:
            problems.append(RowProblem(row=number, column="id", reason=f"duplicate id {raw.get('id')!r}"))
    bad = {p.row for p in problems}
    return Parsed([(n, r) for n, r in parsed if n not in bad], sorted(problems, key=lambda p: p.row))


def dry_run(kind: RecordKind, data: bytes) -> DryRun:
    result = parse(kind, data)
    rows = len(result.records) + len({p.row for p in result.problems})
    return DryRun(rows=rows, valid=len(result.records), problems=result.problems)


def write(columns: Sequence[str], rows: Sequence[Sequence[Cell]], fmt: Format, title: str) -> bytes:
    """A table as CSV (``;``-separated with a BOM, as Excel in French and German opens it) or XLSX
    (numbers stay numbers, dates stay dates)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([["" if c is None else _text(c) for c in row] for row in rows])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([c.replace(tzinfo=None) if isinstance(c, datetime) else c for c in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return out_bytes.getvalue()


def template(path: str, fmt: Format) -> bytes:
    return write(TEMPLATE_COLUMNS[path], [], fmt, path)
