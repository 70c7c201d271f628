"""The words a household or an officer reads: every sentence of an explanation, built from data,
in French, German and English.

Codes (``too_small``, ``logis_own``) never reach a household as they are: they are named here. One
module, so that the text can be reviewed and translated in one place; :mod:`matcher.explain`
decides what to say, this module says it. Every table holds each entry in all of
:data:`LANGUAGES` (a test checks it), so a missing translation is a failing test, not English in a
French letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from matcher.domain import Programme, Unit
from matcher.geo import communes

Language = Literal["fr", "de", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "de", "en")

#: What each fit term of a proposal's cost means, for a household.
TERM_MEANING: dict[str, dict[Language, str]] = {
    "travel_work": {
        "en": "time to get to work",
        "fr": "le temps pour aller au travail",
        "de": "die Fahrzeit zur Arbeit",
    },
    "travel_school": {
        "en": "time for the children to get to school",
        "fr": "le temps des enfants pour aller à l'école",
        "de": "der Schulweg der Kinder",
    },
    "under_occupancy": {
        "en": "the home is larger than the household needs",
        "fr": "le logement est plus grand que ce dont le ménage a besoin",
        "de": "die Wohnung ist größer, als der Haushalt sie braucht",
    },
    "over_occupancy": {
        "en": "the home has fewer bedrooms than ideal",
        "fr": "le logement a moins de chambres que l'idéal",
        "de": "die Wohnung hat weniger Schlafzimmer als ideal",
    },
    "rent_burden": {
        "en": "the share of income the rent takes",
        "fr": "la part du revenu que prend le loyer",
        "de": "der Anteil des Einkommens, den die Miete kostet",
    },
    "preference": {
        "en": "it is not in a commune the household asked for",
        "fr": "il n'est pas dans une commune demandée par le ménage",
        "de": "sie liegt nicht in einer Gemeinde, die der Haushalt sich gewünscht hat",
    },
    "anchor": {
        "en": "distance to the places the household wants to stay near",
        "fr": "la distance aux lieux dont le ménage veut rester proche",
        "de": "die Entfernung zu den Orten, in deren Nähe der Haushalt bleiben möchte",
    },
}

#: A term this module does not know yet (a new policy term): said without its code.
OTHER_TERM: dict[Language, str] = {
    "en": "another point of the housing policy",
    "fr": "un autre point de la politique de logement",
    "de": "ein anderer Punkt der Wohnungsrichtlinie",
}

#: Each eligibility rule (:class:`matcher.eligibility.Reason` label), as counted for an unhoused household.
EXCLUSION_MEANING: dict[str, dict[Language, str]] = {
    "excluded_by_officer": {
        "en": "excluded by an officer",
        "fr": "exclu par un agent",
        "de": "von einer Fachkraft ausgeschlossen",
    },
    "reserved": {
        "en": "reserved for another commune",
        "fr": "réservé à une autre commune",
        "de": "einer anderen Gemeinde vorbehalten",
    },
    "too_small": {"en": "too small", "fr": "trop petit", "de": "zu klein"},
    "not_accessible": {"en": "not accessible", "fr": "non accessible", "de": "nicht barrierefrei"},
    "over_budget": {"en": "over budget", "fr": "au-dessus du budget", "de": "über dem Budget"},
    "not_available_in_time": {
        "en": "not available in time",
        "fr": "pas libre à temps",
        "de": "nicht rechtzeitig frei",
    },
    "too_far": {"en": "too far", "fr": "trop loin", "de": "zu weit"},
    "worse_than_current": {
        "en": "fits worse than the household's current home",
        "fr": "convient moins bien que le logement actuel du ménage",
        "de": "passt schlechter als die jetzige Wohnung des Haushalts",
    },
}

#: A rule this module does not know yet.
OTHER_EXCLUSION: dict[Language, str] = {
    "en": "another rule",
    "fr": "une autre règle",
    "de": "eine andere Regel",
}

PROGRAMME_NAME: dict[Programme, dict[Language, str]] = {
    Programme.GLS: {
        "en": "a home under social rental management",
        "fr": "un logement en gestion locative sociale",
        "de": "eine Wohnung in sozialer Mietverwaltung",
    },
    Programme.LOGIS_OWN: {
        "en": "a Caritas LogIS home",
        "fr": "un logement de Caritas LogIS",
        "de": "eine Wohnung von Caritas LogIS",
    },
    Programme.COMMUNAL: {"en": "a communal home", "fr": "un logement communal", "de": "eine Gemeindewohnung"},
    Programme.AIS: {
        "en": "a home let by a social estate agency",
        "fr": "un logement loué par une agence immobilière sociale",
        "de": "eine Wohnung über eine soziale Immobilienagentur",
    },
    Programme.LISKO_PRIVATE: {
        "en": "a private let with a Red Cross guarantee",
        "fr": "une location privée avec la garantie de la Croix-Rouge",
        "de": "eine private Vermietung mit Garantie des Roten Kreuzes",
    },
}

#: Every other sentence, by key; ``{name}`` placeholders are filled by :func:`say`.
SENTENCES: dict[str, dict[Language, str]] = {
    "swap": {"en": "a swap", "fr": "un échange circulaire", "de": "einem Ringtausch"},
    "exchange": {"en": "an exchange", "fr": "un échange", "de": "einem Tausch"},
    "leaves_home": {
        "en": " the household leaves {home} to another household,",
        "fr": " le ménage laisse {home} à un autre ménage,",
        "de": " der Haushalt überlässt {home} einem anderen Haushalt,",
    },
    "exchange_step": {
        "en": "This is move {step} of {kind} of {moves} moves:{leaves} and no household in it gets a home "
        "that fits it worse than the one it has.",
        "fr": "C'est le déménagement {step} sur {moves} d'{kind} :{leaves} et aucun ménage n'y reçoit un "
        "logement qui lui convient moins bien que le sien.",
        "de": "Dies ist Umzug {step} von {moves} in {kind}:{leaves} und kein Haushalt darin erhält eine "
        "Wohnung, die schlechter passt als seine jetzige.",
    },
    "studio": {"en": "a studio", "fr": "un studio", "de": "ein Studio"},
    "bedroom": {"en": "1 bedroom", "fr": "1 chambre", "de": "1 Schlafzimmer"},
    "bedrooms": {"en": "{n} bedrooms", "fr": "{n} chambres", "de": "{n} Schlafzimmer"},
    "unit": {
        "en": "{unit} in {commune} ({programme}, {rooms}, {rent} EUR/month with charges).",
        "fr": "{unit} à {commune} ({programme}, {rooms}, {rent} EUR par mois charges comprises).",
        "de": "{unit} in {commune} ({programme}, {rooms}, {rent} EUR im Monat mit Nebenkosten).",
    },
    "work": {
        "en": "About {minutes} min to work.",
        "fr": "Environ {minutes} min pour aller au travail.",
        "de": "Etwa {minutes} Min. zur Arbeit.",
    },
    "asked_commune": {
        "en": "In a commune the household asked for.",
        "fr": "Dans une commune que le ménage a demandée.",
        "de": "In einer Gemeinde, die der Haushalt sich gewünscht hat.",
    },
    "larger": {"en": "Larger than needed.", "fr": "Plus grand que nécessaire.", "de": "Größer als nötig."},
    "fewer_bedrooms": {
        "en": "Fewer bedrooms than ideal.",
        "fr": "Moins de chambres que l'idéal.",
        "de": "Weniger Schlafzimmer als ideal.",
    },
    "rent_share": {
        "en": "Rent is {percent} % of income.",
        "fr": "Le loyer représente {percent} % du revenu.",
        "de": "Die Miete beträgt {percent} % des Einkommens.",
    },
    "better_taken": {
        "en": "{n} unit(s) that would fit better went to other households "
        "(housing more households, or those with higher priority, comes first).",
        "fr": "{n} logement(s) qui conviendrai(en)t mieux sont allés à d'autres ménages "
        "(loger plus de ménages, ou ceux qui ont une priorité plus haute, passe en premier).",
        "de": "{n} Wohnung(en), die besser passen würde(n), ging(en) an andere Haushalte "
        "(mehr Haushalte unterzubringen, oder solche mit höherer Priorität, geht vor).",
    },
    "next_free_worse": {
        "en": "The next best free option fits {points} points worse.",
        "fr": "La meilleure autre option libre convient moins bien, de {points} points.",
        "de": "Die nächstbeste freie Option passt um {points} Punkte schlechter.",
    },
    "free_better": {
        "en": "A free option fits {points} points better.",
        "fr": "Une option libre convient mieux, de {points} points.",
        "de": "Eine freie Option passt um {points} Punkte besser.",
    },
    "next_free_same": {
        "en": "The next best free option fits as well.",
        "fr": "La meilleure autre option libre convient aussi bien.",
        "de": "Die nächstbeste freie Option passt ebenso gut.",
    },
    "no_other": {
        "en": "No other eligible unit.",
        "fr": "Aucun autre logement possible.",
        "de": "Keine andere mögliche Wohnung.",
    },
    "shown_before": {
        "en": "The household was already shown this unit, and a shown proposal changes only when that"
        " gains enough.",
        "fr": "Ce logement a déjà été présenté au ménage, et une proposition présentée ne change que si"
        " cela apporte assez.",
        "de": "Diese Wohnung wurde dem Haushalt schon gezeigt, und ein gezeigter Vorschlag ändert sich"
        " nur, wenn das genug bringt.",
    },
    "we_propose": {
        "en": "We propose {text}",
        "fr": "Nous proposons {text}",
        "de": "Wir schlagen vor: {text}",
    },
    "weighed": {
        "en": "What weighed most against a perfect fit: {terms}.",
        "fr": "Ce qui a le plus pesé contre un choix parfait : {terms}.",
        "de": "Was am meisten gegen eine perfekte Wahl sprach: {terms}.",
    },
    "nothing_weighed": {
        "en": "Nothing weighed against it: it fits every wish the household gave.",
        "fr": "Rien n'a pesé contre : il répond à tous les souhaits du ménage.",
        "de": "Nichts sprach dagegen: Sie erfüllt alle Wünsche des Haushalts.",
    },
    "no_eligible_unit": {
        "en": "no eligible unit ({parts})",
        "fr": "aucun logement possible ({parts})",
        "de": "keine mögliche Wohnung ({parts})",
    },
    "lost_only": {
        "en": "its only eligible unit went to another household ({higher} with higher priority)",
        "fr": "son seul logement possible est allé à un autre ménage ({higher} plus prioritaires)",
        "de": "seine einzige mögliche Wohnung ging an einen anderen Haushalt"
        " ({higher} mit höherer Priorität)",
    },
    "lost_all": {
        "en": "all {n} eligible units went to other households ({higher} with higher priority)",
        "fr": "les {n} logements possibles sont allés à d'autres ménages ({higher} plus prioritaires)",
        "de": "alle {n} möglichen Wohnungen gingen an andere Haushalte ({higher} mit höherer Priorität)",
    },
    "limits_full": {
        "en": "{free} free eligible unit(s), but {blocking} has no room left",
        "fr": "{free} logement(s) possible(s) libre(s), mais {blocking} n'a plus de place",
        "de": "{free} freie mögliche Wohnung(en), aber {blocking} hat keinen Platz mehr",
    },
    "trade_off": {
        "en": "{n} free eligible units, but placing this household there would "
        "cost more than it gains (or displace a household with higher priority)",
        "fr": "{n} logements possibles libres, mais y placer ce ménage coûterait plus que cela "
        "n'apporte (ou déplacerait un ménage avec une priorité plus haute)",
        "de": "{n} freie mögliche Wohnungen, aber diesen Haushalt dort unterzubringen kostete mehr, "
        "als es bringt (oder verdrängte einen Haushalt mit höherer Priorität)",
    },
    "no_solution": {
        "en": "the solver found no solution",
        "fr": "le solveur n'a trouvé aucune solution",
        "de": "der Solver hat keine Lösung gefunden",
    },
}


def say(key: str, lang: Language = "en", **values: object) -> str:
    """The sentence ``key`` in ``lang``, its placeholders filled."""
    return SENTENCES[key][lang].format(**values)


def term_meaning(term: str, lang: Language = "en") -> str:
    """What a cost term means for a household; an unknown term is never shown by its code."""
    return TERM_MEANING.get(term, OTHER_TERM)[lang]


def money(amount: float, lang: Language = "en") -> str:
    """Whole euros grouped as the language writes them: ``1 250`` (fr), ``1.250`` (de), ``1,250`` (en)."""
    sep = {"fr": "\u202f", "de": ".", "en": ","}[lang]
    return f"{round(amount):,}".replace(",", sep)


def day(when: date, lang: Language = "en") -> str:
    """A date as the household writes it: 01/09/2026 (fr, en), 01.09.2026 (de)."""
    return when.strftime("%d.%m.%Y" if lang == "de" else "%d/%m/%Y")


def rooms(bedrooms: int, lang: Language = "en") -> str:
    if bedrooms == 0:
        return say("studio", lang)
    return say("bedroom", lang) if bedrooms == 1 else say("bedrooms", lang, n=bedrooms)


def unit_summary(unit: Unit, paid: float | None = None, lang: Language = "en") -> str:
    """``U1 in Esch-sur-Alzette (a communal home, 2 bedrooms, 720 EUR/month with charges).``

    ``paid`` is what this household would pay (an income-linked rent), else the unit's full rent."""
    return say(
        "unit",
        lang,
        unit=unit.id,
        commune=communes()[unit.commune].name,
        programme=PROGRAMME_NAME[unit.programme][lang],
        rooms=rooms(unit.bedrooms, lang),
        rent=money(unit.total_rent if paid is None else paid, lang),
    )


def proposal_text(
    unit: Unit,
    breakdown: Mapping[str, int],
    *,
    minutes_to_work: float | None,
    in_asked_commune: bool,
    rent_percent: float | None,
    paid: float | None = None,
    better_taken: int,
    next_free_extra: int | None,
    alternatives: int,
    shown_before: bool = False,
    lang: Language = "en",
) -> str:
    """Why this unit: what it is, what mattered, and how it compares with the other options."""
    text = [unit_summary(unit, paid, lang)]
    if minutes_to_work is not None:
        text.append(say("work", lang, minutes=f"{minutes_to_work:.0f}"))
    if in_asked_commune:
        text.append(say("asked_commune", lang))
    if breakdown.get("under_occupancy"):
        text.append(say("larger", lang))
    if breakdown.get("over_occupancy"):
        text.append(say("fewer_bedrooms", lang))
    if rent_percent is not None:
        text.append(say("rent_share", lang, percent=f"{rent_percent:.0f}"))
    if better_taken:
        text.append(say("better_taken", lang, n=better_taken))
    if next_free_extra is not None:
        text.append(_next_free(next_free_extra, lang))
    elif not alternatives:
        text.append(say("no_other", lang))
    if shown_before:
        text.append(say("shown_before", lang))
    return " ".join(text)


def _next_free(extra: int, lang: Language) -> str:
    if extra > 0:
        return say("next_free_worse", lang, points=extra)
    if extra < 0:
        return say("free_better", lang, points=-extra)
    return say("next_free_same", lang)


def weighed_most(breakdown: Mapping[str, int], lang: Language = "en", top: int = 3) -> str:
    """What kept the proposal from a perfect fit, the heaviest terms first (fit terms only)."""
    heavy = sorted(
        (t for t, v in breakdown.items() if v > 0 and t != "stability"), key=lambda t: -breakdown[t]
    )
    if not heavy:
        return say("nothing_weighed", lang)
    return say("weighed", lang, terms="; ".join(term_meaning(t, lang) for t in heavy[:top]))


def no_eligible_unit(excluded: Mapping[str, int], lang: Language = "en") -> str:
    """``no eligible unit (3 too small, 1 over budget)``, largest count first."""
    parts = ", ".join(
        f"{n} {EXCLUSION_MEANING.get(r, OTHER_EXCLUSION)[lang]}"
        for r, n in sorted(excluded.items(), key=lambda t: -t[1])
    )
    return say("no_eligible_unit", lang, parts=parts)


def lost_to_others(eligible: int, higher_priority: int, lang: Language = "en") -> str:
    if eligible == 1:
        return say("lost_only", lang, higher=higher_priority)
    return say("lost_all", lang, n=eligible, higher=higher_priority)


def limits_full(free: int, blocking: list[str], lang: Language = "en") -> str:
    return say("limits_full", lang, free=free, blocking=", ".join(blocking))


def trade_off(open_units: int, lang: Language = "en") -> str:
    return say("trade_off", lang, n=open_units)


NO_SOLUTION = SENTENCES["no_solution"]["en"]


def exchange_step(step: int, moves: int, home: str | None, cycle: bool, lang: Language = "en") -> str:
    """``This is move 2 of an exchange of 3 moves: the household leaves U4 to another household, ...``"""
    kind = say("swap" if cycle else "exchange", lang)
    leaves = say("leaves_home", lang, home=home) if home is not None else ""
    return say("exchange_step", lang, step=step, kind=kind, moves=moves, leaves=leaves)
