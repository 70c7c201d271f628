"""CRUD and bulk import for households, units, support zones and quotas, from one router factory."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from api.deps import OfficerDep, SessionDep
from api.errors import Invalid
from api.inputs import CheckedRoute, parse_json
from api.models import HouseholdRow, HouseholdStatus, UnitStatus
from api.presenters import audit_public, records_public
from api.repositories import history_query, page, record_by_ref, records_query
from api.routes.common import ERRORS, Limit, Offset, Ref
from api.schemas import AuditPublic, ImportResult, Page, RecordPublic
from api.services import records
from api.services.records import KINDS, RecordKind

STATUSES = {"household": HouseholdStatus, "unit": UnitStatus}
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string", "minLength": 1}},
        },
    }
}


def record_router(kind: RecordKind) -> APIRouter:
    router = APIRouter(route_class=CheckedRoute, prefix=f"/{kind.path}", tags=[kind.path], responses=ERRORS)
    Model: Any = kind.model
    Public: Any = RecordPublic[Model]
    table = kind.table

    Status: Any = STATUSES.get(kind.name)

    def listed(session: SessionDep, who: OfficerDep, limit: int, offset: int, status: Any) -> Page[Public]:
        rows, total = page(session, records_query(table, who.organisation_id, status), limit, offset)
        return Page[Public](
            items=records_public(session, kind, rows), total=total, limit=limit, offset=offset
        )

    if Status is not None:

        @router.get("", name=f"list_{kind.path}")
        def list_with_status(
            session: SessionDep,
            who: OfficerDep,
            limit: Limit = 100,
            offset: Offset = 0,
            status: Annotated[Status | None, Query()] = None,
        ) -> Page[Public]:
            """A page of the organisation's records, optionally of one status."""
            return listed(session, who, limit, offset, status)

    else:

        @router.get("", name=f"list_{kind.path}")
        def list_records(
            session: SessionDep, who: OfficerDep, limit: Limit = 100, offset: Offset = 0
        ) -> Page[Public]:
            """A page of the organisation's records."""
            return listed(session, who, limit, offset, None)

    @router.post("", status_code=status.HTTP_201_CREATED, name=f"create_{kind.name}")
    def create(body: Annotated[Model, Body()], session: SessionDep, who: OfficerDep) -> Public:
        """Create a record, validated with the matching core's own checks (422 names the field)."""
        row = records.create(session, who, kind, body)
        return records_public(session, kind, [row])[0]

    @router.get("/{ref}", name=f"get_{kind.name}")
    def read(ref: Ref, session: SessionDep, who: OfficerDep) -> Public:
        """One record by its pseudonymous id (another organisation's is not found)."""
        row = record_by_ref(session, table, who.organisation_id, ref)
        return records_public(session, kind, [row])[0]

    @router.put("/{ref}", name=f"replace_{kind.name}")
    def replace(
        ref: Ref, body: Annotated[dict[str, Any], Body()], session: SessionDep, who: OfficerDep
    ) -> Public:
        """Replace the whole record (same fields as create; ``id`` may be left out)."""
        row = records.replace(session, who, kind, ref, body)
        return records_public(session, kind, [row])[0]

    @router.patch("/{ref}", name=f"update_{kind.name}")
    def update(
        ref: Ref, body: Annotated[dict[str, Any], Body()], session: SessionDep, who: OfficerDep
    ) -> Public:
        """Change some top-level fields; the merged record is validated as a whole."""
        row = records.patch(session, who, kind, ref, body)
        return records_public(session, kind, [row])[0]

    @router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{kind.name}")
    def remove(ref: Ref, session: SessionDep, who: OfficerDep) -> Response:
        """Households are erased (personal fields removed, reference kept); units are withdrawn."""
        records.remove(session, who, kind, ref)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post("/import", openapi_extra=IMPORT_BODY, name=f"import_{kind.path}")
    async def import_records(request: Request, session: SessionDep, who: OfficerDep) -> ImportResult:
        """Bulk create or replace, all or nothing: a JSON array, or CSV (``text/csv``) with one row per
        record, ``a.b`` headers for nested fields and ``;`` between list items."""
        raw = await request.body()
        if "csv" in request.headers.get("content-type", ""):
            items: Any = records.parse_csv(kind, records.decode_csv(raw))
        else:
            items = parse_json(raw)
            if not isinstance(items, list):
                raise Invalid(["body"], "expected a JSON array of records")
        return await run_in_threadpool(records.import_records, session, who, kind, items)

    if table is HouseholdRow:

        @router.post("/{ref}/reinstate", name="reinstate_household")
        def reinstate(ref: Ref, session: SessionDep, who: OfficerDep) -> Public:
            """Put a suspended household back in the queue."""
            row = records.reinstate(session, who, ref)
            return records_public(session, kind, [row])[0]

        @router.get("/{ref}/history", name="household_history")
        def history(
            ref: Ref, session: SessionDep, who: OfficerDep, limit: Limit = 100, offset: Offset = 0
        ) -> Page[AuditPublic]:
            """The household's audit trail (records, pins, decisions, reviews, erasure) for its officers."""
            record_by_ref(session, HouseholdRow, who.organisation_id, ref)
            query = history_query(who.organisation_id, "household", ref)
            rows, total = page(session, query, limit, offset)
            items = [audit_public(e) for e in rows]
            return Page[AuditPublic](items=items, total=total, limit=limit, offset=offset)

    return router


routers = [record_router(kind) for kind in KINDS]
