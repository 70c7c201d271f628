"""Issue 14's "done when", in French and in German: an officer signs in through the OIDC provider,
imports an XLSX and a `;` CSV with a bad row (dry run, fix, import), edits a household in a form,
runs matching, accepts with confirmation, re-runs, checks the alternatives, exports the proposals
to XLSX and reads them back, and prints the household's letter."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from scenarios.generator import GeneratorParams, generate
from tests.web.browser import Server, says, sign_in_oidc
from tests.web.test_officer_page import open_pairs, run_matching

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LETTER_TITLE = {"fr": "Proposition de logement", "de": "Wohnungsangebot"}
HEADING = {"fr": "Espace agent", "de": "Arbeitsbereich"}


def flat(doc: dict[str, Any]) -> dict[str, str]:
    """One record as the import's flat columns: ``a.b`` for nested, ``;`` lists, JSON for objects."""
    out: dict[str, str] = {}
    for key, value in doc.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out.update({f"{key}.{k}": str(v) for k, v in value.items() if v is not None})
        elif isinstance(value, list):
            if value and isinstance(value[0], dict):
                out[key] = json.dumps(value)
            else:
                out[key] = ";".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


def households_csv(docs: list[dict[str, Any]]) -> bytes:
    rows = [flat(d) for d in docs]
    columns = sorted({c for r in rows for c in r}, key=lambda c: (c != "id", c))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # as French Excel saves "CSV UTF-8"


def units_xlsx(docs: list[dict[str, Any]]) -> bytes:
    columns = ["id", "programme", "commune", "bedrooms", "surface_m2", "max_occupancy", "rent", "charges"]
    book = Workbook()
    sheet = book.active
    sheet.append([*columns, "features", "available_from", "lat", "lon"])
    for d in docs:
        sheet.append(
            [d[c] for c in columns]
            + [";".join(d["features"]), date.fromisoformat(d["available_from"]), d.get("lat"), d.get("lon")]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page: Page, kind: str, name: str, mime: str, data: bytes) -> None:
    page.locator("#import-kind").select_option(kind)
    page.locator("#import-file").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.locator("#import-form button[type=submit]").click()


def alternatives(page: Page) -> dict[str, tuple[str, dict[str, int]]]:
    """household -> (proposed unit, {alternative unit: extra points}) as the page shows them."""
    shown = page.evaluate(
        """() => [...document.querySelectorAll('#proposals-table tbody tr')].map((tr) => [
            tr.dataset.household, tr.dataset.unit,
            [...tr.querySelectorAll('td:nth-child(4) li')].map((li) => li.textContent)])"""
    )
    out: dict[str, tuple[str, dict[str, int]]] = {}
    for household, unit, items in shown:
        alts: dict[str, int] = {}
        for text in items:
            ref, _, rest = text.partition(":")  # "U7: +12 points", "U7 : +12 points", "U7: +12 Punkte"
            shown_points = re.match(r"\s*([+\u2212])([\d\s.,\u202f]+)", rest)  # the page's minus sign
            assert shown_points, text
            sign, digits = shown_points.groups()
            alts[ref.strip()] = int(re.sub(r"\D", "", digits)) * (-1 if sign == "\u2212" else 1)
        out[household] = (unit, alts)
    return out


class StabilityLeak(AssertionError):
    """The re-run's stability penalty shows in the alternatives (issue 14, first bullet)."""


@pytest.mark.parametrize(("lang", "sub", "org"), [("fr", "kim", "e2e-fr"), ("de", "lea", "e2e-de")])
def test_an_officers_day(
    page: Page, browser: BrowserContext, server: Server, lang: str, sub: str, org: str
) -> None:
    admin = {"Authorization": f"Bearer {server.keys['platform-pat']}"}
    assert httpx.post(
        f"{server.url}/v1/organisations", json={"id": org, "name": org}, headers=admin
    ).is_success
    problem = generate(GeneratorParams(households=10, units=14, match_date=date.today()), seed=4)
    households = [h.model_dump(mode="json") for h in problem.households]
    units = [u.model_dump(mode="json") for u in problem.units]

    page.goto(server.url + "/")
    page.evaluate(f"localStorage.setItem('wunneng.lang', '{lang}')")
    try:
        sign_in_oidc(page, server, sub, "/officer.html")
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADING[lang])

        # Units from an XLSX, households from a `;` CSV with a bad row: dry run, fix, import.
        upload(page, "units", "units.xlsx", XLSX, units_xlsx(units))
        page.get_by_role("button", name=says(lang, "files.store_all", rows=len(units))).click()
        expect(page.locator("#units-table caption")).to_contain_text(
            says(lang, "units.count", shown="", total=len(units)).strip()
        )
        bad = [dict(households[0], adults=0), *households[1:]]
        upload(page, "households", "households.csv", "text/csv", households_csv(bad))
        problem_rows = page.locator("#import-problems tbody tr")
        expect(problem_rows).to_have_count(1)
        expect(problem_rows).to_contain_text("adults")
        expect(
            page.get_by_role("button", name=says(lang, "files.store_all", rows=len(households)))
        ).to_be_disabled()
        upload(page, "households", "households.csv", "text/csv", households_csv(households))
        page.get_by_role("button", name=says(lang, "files.store_all", rows=len(households))).click()
        expect(page.locator("#households-table caption")).to_have_text(
            says(lang, "hh.count", shown=len(households), total=len(households))
        )

        # Edit a household in its form.
        first = households[0]["id"]
        page.locator("#households-table").get_by_role("button", name=first).click()
        page.get_by_role("button", name=says(lang, "hh.edit", ref=first)).click()
        page.get_by_role("dialog", name=says(lang, "rf.edit_household", id=first)).get_by_label(
            says(lang, "rf.household.max_rent")
        ).fill("1800")
        page.get_by_role("button", name=says(lang, "rf.save")).click()
        expect(page.locator("#page-status")).to_have_text(says(lang, "rf.saved_household", id=first))

        # Run, accept with confirmation, re-run.
        run_matching(page)
        before = alternatives(page)
        pairs = open_pairs(page)
        assert pairs
        accepted_h, accepted_u = pairs[0]
        pair = says(lang, "prop.pair", unit=accepted_u, household=accepted_h)
        page.get_by_role("button", name=says(lang, "prop.accept_pair", pair=pair)).click()
        page.get_by_role("button", name=says(lang, "prop.accept_confirm")).click()
        expect(page.locator("#decision-status")).to_have_text(says(lang, "prop.accepted", pair=pair))
        run_matching(page)
        after = alternatives(page)

        # Export the open proposals to XLSX and read them back.
        page.locator("#export-what").select_option("proposals-open")
        page.locator("#export-format").select_option("xlsx")
        with page.expect_download() as download:
            page.locator("#export-form button[type=submit]").click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        exported = {(r[rows[0].index("household")], r[rows[0].index("unit")]) for r in rows[1:]}
        assert exported == set(open_pairs(page))

        # The household's letter, in the page's language, printed.
        page.locator("#letter-lang").select_option(lang)
        household = open_pairs(page)[0][0]
        page.get_by_role("button", name=says(lang, "prop.letter_for", household=household)).click()
        frame = page.locator("#letter-frame")
        expect(frame).to_have_attribute("data-ready", "true")
        letter = page.frame_locator("#letter-frame")
        expect(letter.locator("h1")).to_have_text(LETTER_TITLE[lang])
        html = str(frame.evaluate("f => f.contentDocument.documentElement.outerHTML"))
        printed = browser.new_page()
        printed.set_content(html)
        printed.emulate_media(media="print")
        expect(printed.get_by_role("button")).to_have_count(0)  # no script or control: the page prints it
        assert printed.pdf()[:4] == b"%PDF"
        printed.close()
    finally:
        page.evaluate("localStorage.removeItem('wunneng.lang')")

    # Every alternative's difference is a difference of fit costs: for a household proposed the
    # same unit in both runs, the same alternative unit differs by the same points (the stability
    # penalty of the re-run is not part of how a home fits). Needs the design helper's fix.
    kept = [h for h, (unit, _) in after.items() if h in before and before[h][0] == unit]
    assert kept, "no proposal stayed across the re-run"
    shifted = {
        h: {
            u: (before[h][1][u], points)
            for u, points in after[h][1].items()
            if u in before[h][1] and before[h][1][u] != points
        }
        for h in kept
    }
    if any(shifted.values()):
        raise StabilityLeak(f"alternatives moved after the re-run: {shifted}")
