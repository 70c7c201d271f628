"""Create, read, update, delete and bulk import of the four record kinds officers maintain.

Each record's payload is the core's own model (``matcher.Household`` ...), validated on the way in
with the core's cross-object checks too (commune codes, programmes), so a run never meets a record
the core would reject. Deleting a household is an erasure: its personal fields go, its pseudonymous
reference stays so the audit log still reads consistently.
"""

from __future__ import annotations

import csv
import io
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid
from api.inputs import check_text, parse_json
from api.models import (
    HouseholdRow,
    HouseholdStatus,
    PairRule,
    ProposalRow,
    ProposalStatus,
    QuotaRow,
    RecordMixin,
    SupportZoneRow,
    UnhousedRow,
    UnitRow,
    UnitStatus,
)
from api.repositories import lock_organisation, record_by_ref
from api.schemas import ImportResult
from api.security import Principal
from api.services import audit, replays
from matcher import Household, InvalidProblemError, MatchProblem, Quota, SupportZone, Unit
from matcher.input_errors import describe


@dataclass(frozen=True)
class RecordKind:
    name: str
    path: str
    table: type[RecordMixin]
    model: type[BaseModel]
    personal: bool = False  #: its fields describe people: a 422 names them, never echoes a value

    def new(self, org: str, ref: str, data: dict[str, Any]) -> RecordMixin:
        row: RecordMixin = self.table(organisation_id=org, ref=ref, data=data)  # type: ignore[call-arg]
        return row

    def probe(self, doc: BaseModel) -> MatchProblem:
        """A one-record problem, so the core's cross-object checks validate this record alone."""
        parts: dict[str, list[Any]] = {"households": [], "units": []}
        key = {"household": "households", "unit": "units", "support_zone": "support_zones", "quota": "quotas"}
        parts[key[self.name]] = [doc]
        return MatchProblem.model_validate({"match_date": date.today(), **parts})


HOUSEHOLDS = RecordKind("household", "households", HouseholdRow, Household, personal=True)
UNITS = RecordKind("unit", "units", UnitRow, Unit)
SUPPORT_ZONES = RecordKind("support_zone", "support-zones", SupportZoneRow, SupportZone)
QUOTAS = RecordKind("quota", "quotas", QuotaRow, Quota)
KINDS = (HOUSEHOLDS, UNITS, SUPPORT_ZONES, QUOTAS)


def validate(kind: RecordKind, raw: dict[str, Any], loc: list[str | int]) -> BaseModel:
    """The core's model of ``raw``, checked; errors name the field under ``loc``."""
    try:
        doc = kind.model.model_validate(raw)
    except ValidationError as exc:
        where, reason = describe(exc, kind.model)
        if kind.personal:  # the field is named; its value (an income, an age) is not echoed
            for err in exc.errors():
                reason = reason.removesuffix(f" (got {err.get('input')!r})")
        raise Invalid([*loc, *where], reason) from None
    try:
        kind.probe(doc).check()
    except InvalidProblemError as exc:
        reason = QUOTED_VALUE.sub("", exc.reason) if kind.personal else exc.reason
        raise Invalid([*loc, exc.field], reason) from None
    return doc


#: A value the core quotes at the end of a reason (``unknown commune code '9999'``): left out.
QUOTED_VALUE = re.compile(r" '[^']*'$")


def _ref(doc: BaseModel) -> str:
    return str(doc.model_dump(include={"id"})["id"])


def _payload(doc: BaseModel) -> dict[str, Any]:
    return doc.model_dump(mode="json", exclude={"id"})


def create(session: Session, who: Principal, kind: RecordKind, doc: BaseModel) -> RecordMixin:
    ref = _ref(doc)
    exists = session.scalar(
        select(kind.table.id).where(kind.table.organisation_id == who.organisation_id, kind.table.ref == ref)
    )
    if exists is not None:
        raise Conflict(f"{kind.name} {ref!r} already exists")
    validate(kind, doc.model_dump(mode="json"), ["body"])
    row = kind.new(who.organisation_id, ref, _payload(doc))
    session.add(row)
    audit.record(session, who, f"{kind.name}.created", kind.name, ref)
    session.commit()
    return row


def replace(session: Session, who: Principal, kind: RecordKind, ref: str, raw: dict[str, Any]) -> RecordMixin:
    row = record_by_ref(session, kind.table, who.organisation_id, ref)
    if row.data is None:
        raise Conflict(f"{kind.name} {ref!r} was erased")
    if raw.get("id", ref) != ref:
        raise Invalid(["body", "id"], "the id in the body differs from the one in the path")
    doc = validate(kind, {**raw, "id": ref}, ["body"])
    row.data = _payload(doc)
    audit.record(session, who, f"{kind.name}.updated", kind.name, ref, fields=sorted(raw))
    session.commit()
    return row


def patch(
    session: Session, who: Principal, kind: RecordKind, ref: str, changes: dict[str, Any]
) -> RecordMixin:
    row = record_by_ref(session, kind.table, who.organisation_id, ref)
    if row.data is None:
        raise Conflict(f"{kind.name} {ref!r} was erased")
    return replace(session, who, kind, ref, {**row.data, **changes, "id": ref})


def remove(session: Session, who: Principal, kind: RecordKind, ref: str) -> None:
    """Erase a household, withdraw a unit, delete a zone or quota."""
    lock_organisation(session, who.organisation_id)
    row = record_by_ref(session, kind.table, who.organisation_id, ref)
    if isinstance(row, HouseholdRow):
        _erase_household(session, row)
        audit.record(session, who, "household.erased", "household", ref)
    elif isinstance(row, UnitRow):
        if row.status == UnitStatus.TAKEN:
            raise Conflict(f"unit {ref!r} is taken by an accepted placement")
        row.status = UnitStatus.WITHDRAWN
        _close_open(session, ProposalRow.unit_id == row.id)
        session.execute(delete(PairRule).where(PairRule.unit_id == row.id))
        audit.record(session, who, "unit.withdrawn", "unit", ref)
    else:
        session.delete(row)
        audit.record(session, who, f"{kind.name}.deleted", kind.name, ref)
    session.commit()


def _close_open(session: Session, where: Any) -> None:
    session.execute(
        update(ProposalRow)
        .where(where, ProposalRow.status == ProposalStatus.OPEN)
        .values(status=ProposalStatus.SUPERSEDED)
    )


def _erase_household(session: Session, row: HouseholdRow) -> None:
    """Remove personal fields everywhere; keep the reference, decisions and placements as facts."""
    row.data = None
    row.status = HouseholdStatus.ERASED
    _close_open(session, ProposalRow.household_id == row.id)
    session.execute(
        update(ProposalRow)
        .where(ProposalRow.household_id == row.id)
        .values(breakdown={}, alternatives=[], explanation="")
    )
    session.execute(
        update(UnhousedRow)
        .where(UnhousedRow.household_id == row.id)
        .values(detail="", excluded={}, blocking=[])
    )
    session.execute(delete(PairRule).where(PairRule.household_id == row.id))
    replays.forget_household(session, row.id)  # the runs' stored inputs held its data too
    row.movable = False


def reinstate(session: Session, who: Principal, ref: str) -> HouseholdRow:
    row = record_by_ref(session, HouseholdRow, who.organisation_id, ref)
    if row.status != HouseholdStatus.SUSPENDED:
        raise Conflict(f"household {ref!r} is {row.status}, not suspended")
    row.status = HouseholdStatus.WAITING
    audit.record(session, who, "household.reinstated", "household", ref)
    session.commit()
    return row


def import_records(session: Session, who: Principal, kind: RecordKind, raws: list[Any]) -> ImportResult:
    """All or nothing: every record is validated before any is written; existing ids are replaced."""
    docs: list[BaseModel] = []
    seen: set[str] = set()
    for i, raw in enumerate(raws):
        if not isinstance(raw, dict):
            raise Invalid(["body", i], "expected an object")
        doc = validate(kind, raw, ["body", i])
        ref = _ref(doc)
        if ref in seen:
            raise Invalid(["body", i, "id"], f"duplicate id {ref!r}")
        seen.add(ref)
        docs.append(doc)
    existing = {
        r.ref: r
        for r in session.scalars(
            select(kind.table).where(
                kind.table.organisation_id == who.organisation_id, kind.table.ref.in_(seen)
            )
        )
    }
    created = updated = 0
    for doc in docs:
        ref = _ref(doc)
        if ref in existing:
            if existing[ref].data is None:
                raise Conflict(f"{kind.name} {ref!r} was erased")
            existing[ref].data = _payload(doc)
            updated += 1
        else:
            session.add(kind.new(who.organisation_id, ref, _payload(doc)))
            created += 1
    audit.record(session, who, f"{kind.name}.imported", kind.name, None, created=created, updated=updated)
    session.commit()
    return ImportResult(created=created, updated=updated)


def decode_csv(data: bytes) -> str:
    """A CSV file's text (UTF-8, with or without the BOM Excel writes); 422 for anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(["body"], "not UTF-8 text: save the CSV as UTF-8") from None
    return text


def csv_rows(text: str) -> list[list[str]]:
    """The non-blank rows of a CSV separated by ``,`` or, as French and German Excel write it, ``;``
    (whichever the first line holds more of)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[list[str]] = []
    try:
        rows.extend(
            r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)
        )
    except csv.Error as exc:  # a cell over the csv module's field limit (128 KiB), a stray quote...
        raise Invalid(["body", len(rows) + 1], f"unreadable CSV: {exc}") from None
    return rows


def check_table(kind: RecordKind, header: Sequence[str], rows: int) -> None:
    """A table the import can read: a header row naming known columns, each once, and one row at
    least; 422 naming the file (``body``) or the header's column (row 1)."""
    names = [h.strip() for h in header]
    for name in names:
        check_text(name, ["body", 1])  # NUL: a binary file that happens to decode
    if not any(n.split(".")[0] in kind.model.model_fields for n in names):
        raise Invalid(["body", 1], "no header row: the first row must name the columns, as the template does")
    probe: dict[str, Any] = {}
    for name in filter(None, names):
        if names.count(name) > 1:
            raise Invalid(["body", 1, name], "the column is named twice")
        *path, leaf = name.split(".")
        target = probe
        for part in path:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise Invalid(["body", 1, name], "conflicting columns")
        target.setdefault(leaf, None)
    try:
        kind.model.model_validate(probe)
    except ValidationError as exc:
        if any(e["type"] == "extra_forbidden" for e in exc.errors()):
            loc, reason = describe(exc, kind.model)
            raise Invalid(
                ["body", 1, ".".join(map(str, loc))], reason.replace("unknown key", "unknown column", 1)
            ) from None
    if rows == 0:
        raise Invalid(["body"], "the file has no rows below its header")


def parse_csv(kind: RecordKind, text: str) -> list[dict[str, Any]]:
    """CSV rows (``,`` or ``;``) as nested dicts: ``a.b`` headers nest, list fields split on ``;``,
    cells starting with ``[`` or ``{`` are JSON, empty cells are left out (the default applies)."""
    list_fields = {
        name
        for name, f in kind.model.model_fields.items()
        if typing.get_origin(f.annotation) in (list, frozenset, set)
    }
    table = csv_rows(text)
    if not table:
        raise Invalid(["body"], "the file is empty")
    header, *body = table
    check_table(kind, header, len(body))
    rows: list[dict[str, Any]] = []
    for line, cells in enumerate(body, start=2):
        rows.append(_csv_row(line, dict(zip(header, cells, strict=False)), list_fields))
    return rows


def _csv_row(line: int, cells: dict[str | Any, str | Any], list_fields: set[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for header, cell in cells.items():
        if header is None or cell is None or not isinstance(cell, str) or cell.strip() == "":
            continue
        check_text(header, ["body", line])
        check_text(cell, ["body", line, header])
        value: Any = cell.strip()
        if value[0] in "[{":
            value = parse_json(value, ["body", line, header])
        elif header in list_fields:
            value = [v.strip() for v in value.split(";") if v.strip()]
        *path, leaf = header.strip().split(".")
        target = row
        for part in path:
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                raise Invalid(["body", line, header], "conflicting columns")
            target = nested
        target[leaf] = value
    return row
