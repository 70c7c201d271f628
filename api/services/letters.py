"""The printable proposal letter for a household: the unit, the rent, why this unit, how to contest,
in French, German or English, built from the proposal's structured data (cost terms, programme
codes) through the catalogues in :mod:`api.i18n`, so no raw code reaches the household.

"Why" uses the fit terms only: the stability term is the price of changing an earlier proposal,
not something about this home.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from api.i18n import Language, message
from matcher.geo import communes

#: Cost terms that describe how a home fits (everything the household would recognise).
FIT_TERMS = (
    "travel_work", "travel_school", "under_occupancy", "over_occupancy", "rent_burden", "preference",
    "anchor",
)  # fmt: skip
NOT_FIT = {"stability"}

PRINT_CSS = """
body { font: 11pt/1.5 "Noto Serif", Georgia, serif; color: #111; max-width: 42rem; margin: 2rem auto; }
h1 { font-size: 16pt; margin: 0 0 .3rem; } h2 { font-size: 12pt; margin: 1.2rem 0 .3rem; }
.ref { color: #444; font-size: 9.5pt; } table { border-collapse: collapse; margin: .6rem 0; }
th, td { text-align: left; padding: .2rem 1.2rem .2rem 0; } td.num { text-align: right; }
button { font: inherit; padding: .3rem 1rem; }
@media print { button { display: none; } body { margin: 0; max-width: none; } @page { margin: 2cm; } }
"""


def money(lang: Language, amount: float) -> str:
    whole = f"{round(amount):,}"
    sep = {"fr": "\u202f", "de": ".", "en": ","}[lang]
    return f"{whole.replace(',', sep)} EUR"


def day(lang: Language, when: date) -> str:
    return {
        "fr": when.strftime("%d/%m/%Y"),
        "de": when.strftime("%d.%m.%Y"),
        "en": when.strftime("%d/%m/%Y"),
    }[lang]


def unit_words(lang: Language, unit: dict[str, Any]) -> str:
    bedrooms = int(unit["bedrooms"])
    if bedrooms == 0:
        size = message(lang, "size.studio")
    elif bedrooms == 1:
        size = message(lang, "size.bedroom")
    else:
        size = message(lang, "size.bedrooms", n=bedrooms)
    return f"{size}, {message(lang, 'programme.' + str(unit['programme']))}"


def reasons(lang: Language, breakdown: dict[str, int]) -> list[str]:
    """What kept the home from a perfect fit, the heaviest first, in the household's words."""
    fit = [(term, points) for term, points in breakdown.items() if points > 0 and term not in NOT_FIT]
    fit.sort(key=lambda tp: -tp[1])
    return [message(lang, f"term.{t}" if t in FIT_TERMS else "term.other") for t, _ in fit[:3]]


def letter_html(
    lang: Language,
    *,
    proposal: int,
    household: str,
    unit: dict[str, Any],
    breakdown: dict[str, int],
    today: date,
    paid: float | None = None,
) -> str:
    """``paid``: what this household pays with charges (an income-linked rent), else rent + charges."""
    commune = communes().get(str(unit["commune"]))
    place = commune.name if commune else str(unit["commune"])
    rent, charges = float(unit["rent"]), float(unit.get("charges") or 0)
    if paid is not None and paid < rent + charges:  # an income-linked rent: show what is paid
        charges = min(charges, paid)
        rent = paid - charges
    why = reasons(lang, breakdown)
    e = escape
    why_html = (
        f"<p>{e(message(lang, 'letter.why.intro'))}</p><ul>"
        + "".join(f"<li>{e(r)}</li>" for r in why)
        + "</ul>"
        if why
        else f"<p>{e(message(lang, 'letter.why.perfect'))}</p>"
    )
    rows = [
        (message(lang, "letter.rent"), money(lang, rent)),
        (message(lang, "letter.charges"), money(lang, charges)),
        (message(lang, "letter.total"), money(lang, rent + charges)),
        (message(lang, "letter.available"), day(lang, date.fromisoformat(str(unit["available_from"])))),
    ]
    reference = message(
        lang, "letter.reference", household=household, proposal=proposal, date=day(lang, today)
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
        f'<button type="button" onclick="print()">{e(message(lang, "letter.print"))}</button>'
        "</body></html>"
    )
