"""What a household reads about its proposal, in French, German or English: the printable letter
(the unit, the rent, why this unit, how to contest) and the explanation, rebuilt from the proposal's
structured data (cost terms, alternatives, programme codes) through :mod:`matcher.wording`, so no
raw code reaches the household. The letter's frame (greeting, headings, how to contest) comes from
the catalogues in :mod:`api.i18n`.

"Why" uses the fit terms only: the stability term is the price of changing an earlier proposal,
not something about this home.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from sqlalchemy.orm import Session

from api.errors import Conflict
from api.i18n import Language, choose, message
from api.models import HouseholdRow, MatchRun, PolicyVersion, ProposalRow, UnitRow
from api.schemas import PolicyDocument
from api.services import exchanges
from matcher import Household, Unit, wording
from matcher.domain import Policy
from matcher.explain import proposal_explanation
from matcher.geo import communes
from matcher.result import Alternative

PRINT_CSS = """
body { font: 11pt/1.5 "Noto Serif", Georgia, serif; color: #111; max-width: 42rem; margin: 2rem auto; }
h1 { font-size: 16pt; margin: 0 0 .3rem; } h2 { font-size: 12pt; margin: 1.2rem 0 .3rem; }
.ref { color: #444; font-size: 9.5pt; } table { border-collapse: collapse; margin: .6rem 0; }
th, td { text-align: left; padding: .2rem 1.2rem .2rem 0; } td.num { text-align: right; }
@media print { body { margin: 0; max-width: none; } @page { margin: 2cm; } }
"""


@dataclass(frozen=True)
class ProposalWords:
    """A proposal's records, as the household's text needs them."""

    household: Household
    unit: Unit
    breakdown: dict[str, int]
    alternatives: list[Alternative]
    policy: Policy
    policy_version: str
    #: a move of an exchange: (its step, the number of moves, the home it leaves, whether it is a swap)
    exchange: tuple[int, int, str | None, bool] | None = None

    def explanation(self, lang: Language) -> str:
        """Why this unit, in ``lang`` (the sentences of :func:`matcher.explain.proposal_explanation`)."""
        return proposal_explanation(
            self.household, self.unit, self.breakdown, self.alternatives, self.policy, lang=lang
        )

    def summary(self, lang: Language) -> str:
        text = wording.say("we_propose", lang, text=self.explanation(lang))
        if self.exchange is not None:
            text = f"{text} {wording.exchange_step(*self.exchange, lang=lang)}"
        return f"{text} {wording.weighed_most(self.breakdown, lang)}"


def letter_language(words: ProposalWords, asked: Language | None, accept_language: str | None) -> Language:
    """The language a household's text is written in: the one asked for, else the household's own,
    else the browser's, so an officer's page in German still writes a French household French."""
    return asked or words.household.language or choose(accept_language)


def proposal_words(session: Session, p: ProposalRow) -> ProposalWords:
    """The records behind proposal ``p``; 409 once the household (or the unit) is erased."""
    household = session.get_one(HouseholdRow, p.household_id)
    unit = session.get_one(UnitRow, p.unit_id)
    if household.data is None or unit.data is None or not p.explanation:
        raise Conflict("this household's data was erased")
    run = session.get_one(MatchRun, p.run_id)
    policy = PolicyDocument.model_validate(session.get_one(PolicyVersion, run.policy_id).document)
    return ProposalWords(
        exchange=_exchange_step(session, p),
        household=Household.model_validate({**household.data, "id": household.ref}),
        unit=Unit.model_validate({**unit.data, "id": unit.ref}),
        breakdown=dict(p.breakdown),
        alternatives=[Alternative.model_validate(a) for a in p.alternatives],
        policy=policy.matching,
        policy_version=run.policy_version,
    )


def _exchange_step(session: Session, p: ProposalRow) -> tuple[int, int, str | None, bool] | None:
    """Where ``p`` stands in its exchange, as :func:`matcher.wording.exchange_step` says it."""
    if p.exchange is None or p.exchange_step is None:
        return None
    moves = exchanges.members(session, p)
    home = session.get_one(UnitRow, p.from_unit_id).ref if p.from_unit_id is not None else None
    return (p.exchange_step, len(moves), home, moves[-1].from_unit_id == moves[0].unit_id)


def unit_words(lang: Language, unit: Unit) -> str:
    return f"{wording.PROGRAMME_NAME[unit.programme][lang]}, {wording.rooms(unit.bedrooms, lang)}"


def reasons(lang: Language, breakdown: dict[str, int]) -> list[str]:
    """What kept the home from a perfect fit, the heaviest first, in the household's words."""
    fit = [(term, points) for term, points in breakdown.items() if points > 0 and term != "stability"]
    fit.sort(key=lambda tp: -tp[1])
    return [wording.term_meaning(t, lang) for t, _ in fit[:3]]


def _euros(lang: Language, amount: float) -> str:
    return f"{wording.money(amount, lang)} EUR"


def letter_html(lang: Language, *, proposal: int, words: ProposalWords, today: date) -> str:
    """The printable letter; the rent is what this household pays (an income-linked rent), with charges."""
    unit = words.unit
    place = communes()[unit.commune].name
    rent, charges = unit.rent, unit.charges
    paid = unit.paid_by(words.household.monthly_income)
    if paid < rent + charges:  # an income-linked rent: show what is paid
        charges = min(charges, paid)
        rent = paid - charges
    why = reasons(lang, words.breakdown)
    e = escape
    why_html = f"<p>{e(words.explanation(lang))}</p>" + (
        (
            f"<p>{e(message(lang, 'letter.why.intro'))}</p><ul>"
            + "".join(f"<li>{e(r)}</li>" for r in why)
            + "</ul>"
        )
        if why
        else f"<p>{e(message(lang, 'letter.why.perfect'))}</p>"
    )
    rows = [
        (message(lang, "letter.rent"), _euros(lang, rent)),
        (message(lang, "letter.charges"), _euros(lang, charges)),
        (message(lang, "letter.total"), _euros(lang, rent + charges)),
        (message(lang, "letter.available"), wording.day(unit.available_from, lang)),
    ]
    reference = message(
        lang,
        "letter.reference",
        household=words.household.id,
        proposal=proposal,
        date=wording.day(today, lang),
    )
    table = "".join(f'<tr><th scope="row">{e(k)}</th><td class="num">{e(v)}</td></tr>' for k, v in rows)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{e(message(lang, 'letter.title'))} {proposal}</title><style>{PRINT_CSS}</style></head><body>"
        f"<h1>{e(message(lang, 'letter.title'))}</h1>"
        f'<p class="ref">{e(reference)}</p>'
        f"<p>{e(message(lang, 'letter.greeting'))}</p>"
        f"<p>{e(message(lang, 'letter.intro', unit_words=unit_words(lang, unit), commune=place))}</p>"
        f"<table><caption>{e(message(lang, 'letter.unit'))}</caption>{table}</table>"
        f"<h2>{e(message(lang, 'letter.why'))}</h2>{why_html}"
        f"<h2>{e(message(lang, 'letter.contest'))}</h2><p>{e(message(lang, 'letter.contest.text'))}</p>"
        f"<p>{e(message(lang, 'letter.signature'))}</p>"
        "</body></html>"
    )
