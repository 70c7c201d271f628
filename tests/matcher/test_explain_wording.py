"""A household's explanation in French, German and English: every sentence exists in all three,
and no code of the data (programme, cost term, eligibility rule) reaches the text."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Location, match, wording
from matcher.domain import CommunePreference, Policy, Programme
from matcher.eligibility import Reason
from matcher.explain import proposal_explanation
from matcher.result import Alternative

from .builders import household, problem, unit

# The codes as the data spell them, listed from the enums and the cost terms, not from wording's
# tables. Codes that are also words ("communal", "reserved", "preference") are no sign of a code.
TERMS = ("travel_work", "travel_school", "under_occupancy", "over_occupancy", "rent_burden", "preference")
CODES = [
    c
    for c in [p.value for p in Programme] + [r.label for r in Reason] + list(TERMS)
    if "_" in c or c in ("ais", "gls")
]
TABLES = {
    "sentences": wording.SENTENCES,
    "terms": wording.TERM_MEANING,
    "exclusions": wording.EXCLUSION_MEANING,
    "programmes": {str(k): v for k, v in wording.PROGRAMME_NAME.items()},
    "other": {"term": wording.OTHER_TERM, "exclusion": wording.OTHER_EXCLUSION},
}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("table", TABLES)
def test_every_entry_exists_in_all_three_languages_with_the_same_placeholders(table: str) -> None:
    for key, texts in TABLES[table].items():
        assert set(texts) == {"fr", "de", "en"}, (table, key)
        assert all(texts.values()), (table, key)
        assert len({frozenset(placeholders(t)) for t in texts.values()}) == 1, (table, key)
        if key != "studio":  # "studio" is the word in all three
            assert texts["fr"] != texts["en"] and texts["de"] != texts["en"], (table, key)


def test_every_programme_and_rule_and_term_has_words() -> None:
    assert set(wording.PROGRAMME_NAME) == set(Programme)
    assert set(wording.EXCLUSION_MEANING) == {r.label for r in Reason}
    assert set(TERMS) <= set(wording.TERM_MEANING)


def english_pieces() -> list[str]:
    """The fixed words of every English sentence (between its placeholders), long enough to be telling."""
    pieces = []
    for texts in TABLES["sentences"].values():
        for literal, *_ in string.Formatter().parse(texts["en"]):
            pieces += [p.strip(" .,():") for p in re.split(r"[()]", literal)]
    return [p for p in pieces if len(p) >= 12]


def no_code_in(text: str) -> None:
    for code in CODES:
        assert not re.search(rf"\b{code}\b", text), (code, text)


@given(
    programme=st.sampled_from(list(Programme)),
    bedrooms=st.integers(0, 4),
    lang=st.sampled_from(wording.LANGUAGES),
    works=st.booleans(),
    asked=st.booleans(),
    income=st.one_of(st.none(), st.floats(500, 5000)),
    terms=st.dictionaries(st.sampled_from((*TERMS, "stability", "new_term")), st.integers(0, 500)),
    alternatives=st.lists(st.tuples(st.integers(-50, 50), st.booleans()), max_size=4),
    shown=st.booleans(),
)
@settings(max_examples=200)
def test_explanations_say_everything_in_the_language_without_codes(
    programme: Programme,
    bedrooms: int,
    lang: wording.Language,
    works: bool,
    asked: bool,
    income: float | None,
    terms: dict[str, int],
    alternatives: list[tuple[int, bool]],
    shown: bool,
) -> None:
    hh = household(
        monthly_income=income,
        work=Location(lat=49.6, lon=6.1) if works else None,
        preferred_communes=[CommunePreference(commune="0204")] if asked else [],
    )
    home = unit(programme=programme, bedrooms=bedrooms)
    alts = [
        Alternative(unit=f"U{k + 2}", cost=100 + d, extra_cost=d, taken=t)
        for k, (d, t) in enumerate(alternatives)
    ]
    breakdown = {t: v for t, v in terms.items() if t in TERMS} | {"preference": 0 if asked else 10}
    text = proposal_explanation(hh, home, breakdown, alts, Policy(), shown_before=shown, lang=lang)
    texts = [text, wording.weighed_most(terms, lang)]
    texts.append(wording.no_eligible_unit({r.label: 1 for r in Reason} | {"new_rule": 2}, lang))
    texts += [wording.lost_to_others(n, 1, lang) for n in (1, 3)]
    for t in texts:
        no_code_in(t.replace(home.id, "").replace("new_term", "").replace("new_rule", ""))
        assert "new_term" not in t and "new_rule" not in t  # an unknown code is named, not shown
        assert "_" not in t.replace(home.id, "")
        if lang != "en":
            assert not [p for p in english_pieces() if p in t], t
    assert "Esch-sur-Alzette" in text  # communes keep their own names


def test_a_match_explains_itself_in_each_language() -> None:
    units = [unit("U1", programme="ais"), unit("U2", rent=540.0, programme="logis_own")]
    result = match(problem([household(work=Location(lat=49.5, lon=5.98))], units))
    (p,) = result.proposals
    hh, home = household(work=Location(lat=49.5, lon=5.98)), units[0]
    said = {
        lang: proposal_explanation(hh, home, p.breakdown, p.alternatives, Policy(), lang=lang)
        for lang in wording.LANGUAGES
    }
    assert said["en"] == p.explanation  # the stored officers' text is the English of the same facts
    assert "min pour aller au travail" in said["fr"] and "Min. zur Arbeit" in said["de"]
    assert "agence immobilière sociale" in said["fr"] and "Immobilienagentur" in said["de"]
    for text in said.values():
        no_code_in(text.replace("U1", "").replace("U2", ""))
