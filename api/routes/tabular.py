"""Spreadsheet import (template, dry run, store) and export of what the officer page lists.

Import: ``GET /{kind}/import/template.{csv|xlsx}``, ``POST /{kind}/import/dry-run`` (every bad row
with its column and reason, nothing stored) and ``POST /{kind}/import/file?rows=all|valid`` (stores
all rows or, by choice, only the valid ones; all rows with a bad one is a 422 listing them). The
body is the file itself (CSV or XLSX). Storing goes through the record import, all or nothing.

Export: ``POST /exports/{what}.{csv|xlsx}`` with the ids the page shows (its filters), so the file
holds exactly the rows on the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import OfficerDep, SessionDep
from api.errors import Invalid, NotFound
from api.inputs import CheckedRoute
from api.presenters import proposals_public, records_public
from api.repositories import latest_succeeded_run, proposals_query, records_query
from api.routes.common import ERRORS
from api.routes.runs import run_unhoused
from api.schemas import ImportResult
from api.services import records, tabular
from api.services.records import HOUSEHOLDS, UNITS, RecordKind
from api.services.tabular import Cell, DryRun, Format

router = APIRouter(route_class=CheckedRoute, tags=["spreadsheets"], responses=ERRORS)
KIND = {"households": HOUSEHOLDS, "units": UNITS}
FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "minLength": 1}},
            tabular.XLSX_MEDIA: {"schema": {"type": "string", "format": "binary", "minLength": 1}},
        },
    }
}


#: What a template or export answers: the file, in the format its path names.
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file (CSV: `;`-separated UTF-8 with a BOM; XLSX: one sheet)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            tabular.XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _kind(path: str) -> RecordKind:
    if path not in KIND:
        raise NotFound(f"no spreadsheet import for {path!r}: households or units")
    return KIND[path]


def _file(data: bytes, fmt: Format, name: str) -> Response:
    return Response(
        data,
        media_type=tabular.MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.get(
    "/{path}/import/template.{fmt}", name="import_template", response_class=Response, responses=FILE_RESPONSE
)
def template(path: Literal["households", "units"], fmt: Format, _: OfficerDep) -> Response:
    """An empty sheet with the import's columns (CSV with ``;`` and a BOM, or XLSX)."""
    return _file(tabular.template(path, fmt), fmt, f"{path}-template")


@router.post("/{path}/import/dry-run", openapi_extra=FILE_BODY, name="import_dry_run")
async def dry_run(path: Literal["households", "units"], request: Request, _: OfficerDep) -> DryRun:
    """Check every row; store nothing."""
    data = await request.body()
    return await run_in_threadpool(tabular.dry_run, _kind(path), data)


@router.post("/{path}/import/file", openapi_extra=FILE_BODY, name="import_file")
async def import_file(
    path: Literal["households", "units"],
    request: Request,
    session: SessionDep,
    who: OfficerDep,
    rows: Annotated[
        Literal["all", "valid"], Query(description="store all rows, or only the valid ones")
    ] = "all",
) -> ImportResult:
    kind = _kind(path)
    data = await request.body()
    parsed = await run_in_threadpool(tabular.parse, kind, data)
    if parsed.problems and rows == "all":
        first = parsed.problems[0]
        more = len(parsed.problems) - 1
        raise Invalid(
            ["body", first.row, first.column],
            f"{first.reason}" + (f" (and {more} more bad rows: run the dry run)" if more else ""),
        )
    if not parsed.records:
        raise Invalid(["body"], "no valid row to store")
    raws = [raw for _, raw in parsed.records]
    return await run_in_threadpool(records.import_records, session, who, kind, raws)


class ExportBody(BaseModel):
    ids: list[str] | None = Field(None, max_length=100_000, description="only these (the page's rows)")


HOUSEHOLD_COLUMNS = [
    "id", "status", "refusals", "adults", "children", "monthly_income", "max_rent", "support",
    "vulnerabilities", "needs", "registered_on", "work_commune", "attached_commune",
]  # fmt: skip
UNIT_COLUMNS = [
    "id", "status", "programme", "commune", "bedrooms", "surface_m2", "max_occupancy", "rent",
    "charges", "rent_and_charges", "features", "available_from", "housed_household",
]  # fmt: skip
PROPOSAL_COLUMNS = [
    "id", "run", "household", "unit", "status", "cost_points", "pinned", "reason", "decided_by", "decided_at",
]  # fmt: skip
UNHOUSED_COLUMNS = ["run", "household", "reason", "detail", "eligible_units"]


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _joined(values: Sequence[Any] | None) -> str:
    return ";".join(str(v) for v in sorted(values or []))


def _household_row(x: Any) -> list[Cell]:
    r = x.record
    if r is None:
        return [x.id, x.status, x.refusals, *[None] * (len(HOUSEHOLD_COLUMNS) - 3)]
    return [
        x.id, x.status, x.refusals, r.adults, len(r.children_ages), r.monthly_income, r.max_rent,
        str(r.support), _joined(r.vulnerabilities), _joined(r.needs), r.registered_on,
        r.work.commune if r.work else None, r.attached_commune,
    ]  # fmt: skip


def _unit_row(x: Any) -> list[Cell]:
    r = x.record
    if r is None:
        return [x.id, x.status, *[None] * (len(UNIT_COLUMNS) - 2)]
    return [
        x.id, x.status, str(r.programme), r.commune, r.bedrooms, r.surface_m2, r.max_occupancy, r.rent,
        r.charges, r.rent + r.charges, _joined(r.features), r.available_from, x.housed_household,
    ]  # fmt: skip


@router.post("/exports/{what}.{fmt}", name="export", response_class=Response, responses=FILE_RESPONSE)
def export(
    what: Literal["households", "units", "proposals", "unhoused"],
    fmt: Format,
    session: SessionDep,
    who: OfficerDep,
    body: Annotated[ExportBody | None, Body()] = None,
    status: Annotated[
        str | None,
        Query(max_length=16, description="proposals: open, accepted, declined; records: their status"),
    ] = None,
) -> Response:
    """Households, units, proposals (``status=open``, ``accepted`` or ``declined``; ``decided`` for
    both) or the latest run's unhoused households with their reasons, as CSV or XLSX."""
    keep = set(body.ids) if body is not None and body.ids is not None else None
    columns: list[str]
    rows: list[list[Cell]]
    if what in ("households", "units"):
        kind = KIND[what]
        table: Any = kind.table
        query = records_query(table, who.organisation_id, status or None)
        found = records_public(session, kind, session.scalars(query).all())
        found = [x for x in found if keep is None or x.id in keep]
        columns = HOUSEHOLD_COLUMNS if what == "households" else UNIT_COLUMNS
        rows = [(_household_row if what == "households" else _unit_row)(x) for x in found]
    elif what == "proposals":
        statuses = ["accepted", "declined"] if status == "decided" else [status] if status else None
        chosen = proposals_query(who.organisation_id, statuses)
        proposals = proposals_public(session, session.scalars(chosen).all())
        columns = PROPOSAL_COLUMNS
        rows = [
            [
                p.id,
                p.run_id,
                p.household,
                p.unit,
                p.status,
                p.cost,
                p.pinned,
                p.reason,
                p.decided_by,
                p.decided_at,
            ]
            for p in proposals
            if keep is None or p.household in keep
        ]
    else:
        run = latest_succeeded_run(session, who.organisation_id)
        unhoused = run_unhoused(run.id, session, who, limit=10**9, offset=0).items if run else []
        columns = UNHOUSED_COLUMNS
        rows = [
            [run.id if run else None, u.household, u.reason, u.detail, u.eligible_units]
            for u in unhoused
            if keep is None or u.household in keep
        ]
    stamp = datetime.now().strftime("%Y-%m-%d")
    return _file(tabular.write(columns, rows, fmt, what), fmt, f"{what}-{stamp}")
