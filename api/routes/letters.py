"""The household's proposal letter, printable (``GET /proposals/{id}/letter?lang=fr|de|en``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse

from api.deps import OfficerDep, SessionDep
from api.errors import Conflict
from api.i18n import Language, choose
from api.models import HouseholdRow, UnitRow
from api.repositories import proposal_in_org
from api.routes.common import ERRORS, IntId
from api.services.letters import letter_html
from matcher import Household, Unit

router = APIRouter(prefix="/proposals", tags=["proposals"], responses=ERRORS)


@router.get("/{proposal_id}/letter", response_class=HTMLResponse)
def letter(
    proposal_id: IntId,
    session: SessionDep,
    who: OfficerDep,
    lang: Annotated[Language | None, Query(description="fr, de or en; else the browser's language")] = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> HTMLResponse:
    """The letter for the household, with a print stylesheet; 409 once the household is erased."""
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    household = session.get_one(HouseholdRow, p.household_id)
    unit = session.get_one(UnitRow, p.unit_id)
    if household.data is None or unit.data is None:
        raise Conflict("this household's data was erased")
    hh = Household.model_validate({**household.data, "id": household.ref})
    home = Unit.model_validate({**unit.data, "id": unit.ref})
    html = letter_html(
        lang or choose(accept_language),
        proposal=p.id,
        household=household.ref,
        unit=unit.data,
        breakdown=p.breakdown,
        today=date.today(),
        paid=home.paid_by(hh.monthly_income),
    )
    return HTMLResponse(html)
