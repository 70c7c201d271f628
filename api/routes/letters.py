"""The household's proposal letter, printable (``GET /proposals/{id}/letter?lang=fr|de|en``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import OfficerDep, SessionDep
from api.repositories import proposal_in_org
from api.routes.common import ERRORS, AcceptLanguage, HouseholdLang, IntId
from api.services.letters import letter_html, letter_language, proposal_words

router = APIRouter(prefix="/proposals", tags=["proposals"], responses=ERRORS)


@router.get("/{proposal_id}/letter", response_class=HTMLResponse)
def letter(
    proposal_id: IntId,
    session: SessionDep,
    who: OfficerDep,
    lang: HouseholdLang = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """The letter for the household, with a print stylesheet; 409 once the household is erased."""
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    words = proposal_words(session, p)
    return HTMLResponse(
        letter_html(
            letter_language(words, lang, accept_language), proposal=p.id, words=words, today=date.today()
        )
    )
