"""Every number of a comparison as one tidy long table: ``spec, seed, month, group, indicator, value``.

One row per value: overall indicators (``group = "all"``, ``month`` = the horizon), per-group
indicators (``group = "type=single"`` ...) and the monthly series (``indicator = "series.<name>"``,
one row per matching run). Written as CSV (comma, dot decimals, UTF-8: what pandas, R and
LibreOffice read), as CSV for Excel set to French (semicolon, decimal comma, UTF-8 with a byte-order
mark so that accents survive) and as XLSX (numbers stored as numbers).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scenarios.kpi import Outcome

HEADER = ("spec", "seed", "month", "group", "indicator", "value")


@dataclass(frozen=True, slots=True)
class Row:
    spec: str
    seed: int
    month: float
    group: str
    indicator: str
    value: float


def tidy_rows(outcomes: Sequence[Outcome], months: dict[str, float]) -> list[Row]:
    """The rows of ``outcomes``; ``months`` gives each spec's horizon (the month of its end values)."""
    out: list[Row] = []
    for o in sorted(outcomes, key=lambda o: (o.spec, o.seed)):
        end = months.get(o.spec, math.nan)
        out += [Row(o.spec, o.seed, end, "all", k, v) for k, v in o.kpis.items()]
        out += [Row(o.spec, o.seed, end, "all", f"fairness.{k}", v) for k, v in o.fairness.items()]
        for group, kpis in o.groups.items():
            out += [Row(o.spec, o.seed, end, group, k, v) for k, v in kpis.items()]
        for name, series in o.series.items():
            if name == "month":
                continue
            out += [
                Row(o.spec, o.seed, round(m, 3), "all", f"series.{name}", v)
                for m, v in zip(o.series["month"], series, strict=True)
            ]
    return out


def _cell(value: float, decimal_comma: bool) -> str:
    if math.isnan(value):
        return ""
    text = repr(float(value)) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return text.replace(".", ",") if decimal_comma else text


def tidy_csv(rows: Sequence[Row], *, excel_fr: bool = False) -> str:
    """CSV text; ``excel_fr``: semicolons, decimal commas and a leading byte-order mark."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if excel_fr else ",", lineterminator="\r\n" if excel_fr else "\n")
    w.writerow(HEADER)
    for r in rows:
        w.writerow([r.spec, r.seed, _cell(r.month, excel_fr), r.group, r.indicator, _cell(r.value, excel_fr)])
    return ("\ufeff" if excel_fr else "") + buf.getvalue()


def write_xlsx(path: Path, rows: Sequence[Row]) -> None:
    """An XLSX workbook with one sheet ``tidy``; NaN cells are left empty, numbers are numbers."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("tidy")
    ws.append(list(HEADER))
    for r in rows:
        ws.append(
            [
                r.spec,
                r.seed,
                None if math.isnan(r.month) else r.month,
                r.group,
                r.indicator,
                None if math.isnan(r.value) else r.value,
            ]
        )
    wb.save(path)
