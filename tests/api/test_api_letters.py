"""The household's proposal letter: in French, German or English (asked for, or the browser's),
with the unit, the rent, why this unit and how to contest, and no raw codes or stability points."""

from __future__ import annotations

import re

import pytest
from api_helpers import Keys, load, small_problem
from fastapi.testclient import TestClient

# Programme and term codes as the data hold them ("communal" is left out: it is also a French and an
# English word, "un logement communal", which a letter may well use).
RAW_CODES = ("logis_own", "lisko_private", "ais", "gls", "rent_burden", "travel_work")


@pytest.fixture
def proposal(client: TestClient, keys: Keys) -> dict[str, object]:
    load(client, keys.officer, small_problem())
    run = client.post("/v1/match-runs", json={"wait_seconds": 60}, headers=keys.officer).json()
    assert run["status"] == "succeeded", run
    items = client.get("/v1/proposals?status=open", headers=keys.officer).json()["items"]
    assert items
    first: dict[str, object] = items[0]
    return first


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "Proposition de logement",
                "Loyer mensuel",
                "Pourquoi ce logement",
                "Si vous n'êtes pas d'accord",
            ],
        ),
        (
            "de",
            ["Wohnungsangebot", "Monatsmiete", "Warum diese Wohnung", "Wenn Sie nicht einverstanden sind"],
        ),
        ("en", ["Housing proposal", "Monthly rent", "Why this home", "If you do not agree"]),
    ],
)
def test_letter_in_each_language(
    client: TestClient, keys: Keys, proposal: dict[str, object], lang: str, words: list[str]
) -> None:
    r = client.get(f"/v1/proposals/{proposal['id']}/letter", params={"lang": lang}, headers=keys.officer)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in r.text
    for w in words:
        assert w in r.text.replace("&#x27;", "'")
    unit = client.get(f"/v1/units/{proposal['unit']}", headers=keys.officer).json()["record"]
    household = client.get(f"/v1/households/{proposal['household']}", headers=keys.officer).json()["record"]
    full, income = unit["rent"] + unit["charges"], household.get("monthly_income")
    if unit.get("rent_rule") == "income_share" and income is not None:  # what the household pays
        full = min(full, max(unit["rent_floor"], unit["rent_share"] * income))
    total = round(full)
    digits = re.sub(r"\D", "", r.text)
    assert str(total) in digits  # the total rent, however the locale groups its digits
    visible = re.sub(r"<style>.*?</style>", " ", r.text, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    visible = visible.replace(str(proposal["household"]), "").replace(str(proposal["unit"]), "")
    for code in RAW_CODES:
        assert not re.search(rf"\b{code}\b", visible), code
    assert "_" not in visible


def test_letter_language_from_the_browser_and_guards(
    client: TestClient, keys: Keys, proposal: dict[str, object]
) -> None:
    path = f"/v1/proposals/{proposal['id']}/letter"
    de = client.get(path, headers={**keys.officer, "accept-language": "de-LU,de;q=0.9,fr;q=0.8"})
    assert '<html lang="de">' in de.text
    assert client.get(path, params={"lang": "xx"}, headers=keys.officer).status_code == 422
    assert client.get(path, headers=keys.other_officer).status_code == 404
    assert client.get(path, headers=keys.planner).status_code == 403


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", ["Nous proposons", " à "]), ("de", ["Wir schlagen vor", " Monat "]), ("en", ["We propose"])],
)
def test_explanation_in_the_households_language(
    client: TestClient, keys: Keys, proposal: dict[str, object], lang: str, words: list[str]
) -> None:
    path = f"/v1/proposals/{proposal['id']}/explanation"
    body = client.get(path, params={"lang": lang}, headers=keys.officer).json()
    text = " ".join([body["summary"], *(f["meaning"] for f in body["factors"])])
    for w in words:
        assert w in text, (w, text)
    for code in RAW_CODES:
        assert not re.search(rf"\b{code}\b", text.replace(str(proposal["unit"]), "")), code
    if lang != "en":  # none of the English sentences of the same explanation
        english = client.get(path, params={"lang": "en"}, headers=keys.officer).json()
        sentences = [s.strip() for s in re.split(r"[.:;]", english["summary"]) if len(s.strip()) > 12]
        assert not [s for s in sentences if s in text]
        assert [f["term"] for f in body["factors"]] == [f["term"] for f in english["factors"]]
    de = client.get(path, headers={**keys.officer, "accept-language": "de-LU,de;q=0.9"}).json()
    assert de["summary"].startswith("Wir schlagen vor")
    assert client.get(path, params={"lang": "xx"}, headers=keys.officer).status_code == 422


def test_the_households_own_language_is_the_default(
    client: TestClient, keys: Keys, proposal: dict[str, object]
) -> None:
    household = f"/v1/households/{proposal['household']}"
    bad = client.patch(household, json={"language": "xx"}, headers=keys.officer)
    assert bad.status_code == 422 and "language" in bad.text
    r = client.patch(household, json={"language": "de"}, headers=keys.officer)
    assert r.status_code == 200, r.text
    assert client.get(household, headers=keys.officer).json()["record"]["language"] == "de"
    explanation = f"/v1/proposals/{proposal['id']}/explanation"
    french_browser = {**keys.officer, "accept-language": "fr-LU,fr;q=0.9"}
    assert client.get(explanation, headers=keys.officer).json()["summary"].startswith("Wir schlagen vor")
    assert client.get(explanation, headers=french_browser).json()["summary"].startswith("Wir schlagen vor")
    asked = client.get(explanation, params={"lang": "en"}, headers=french_browser).json()
    assert asked["summary"].startswith("We propose")
    letter = f"/v1/proposals/{proposal['id']}/letter"
    assert '<html lang="de">' in client.get(letter, headers=french_browser).text
    assert '<html lang="fr">' in client.get(letter, params={"lang": "fr"}, headers=keys.officer).text
    assert client.patch(household, json={"language": None}, headers=keys.officer).status_code == 200
    assert client.get(explanation, headers=french_browser).json()["summary"].startswith("Nous proposons")
