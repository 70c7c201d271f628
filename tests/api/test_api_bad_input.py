"""Bad input is a 4xx naming the field, on SQLite and PostgreSQL: non-finite and overflowing
numbers, lone surrogates, NUL characters, deep nesting, oversized CSV cells. Never a 500, and the
problem document never echoes the value (it may not even be encodable)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from api_helpers import Keys
from fastapi.testclient import TestClient

HOUSEHOLD = '{"id": "H-1", "adults": 1, "monthly_income": %s, "registered_on": "2025-05-01"}'
UNIT = {
    "id": "U-1",
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 1,
    "surface_m2": 40,
    "max_occupancy": 2,
    "rent": 500,
    "available_from": "2026-01-01",
}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: str | bytes | None
    loc: list[str | int]  #: the start of the expected field path
    who: str = "officer"
    content_type: str = "application/json"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


CASES = [
    *(
        Case(f"{v} income", "POST", "/v1/households", HOUSEHOLD % v, ["body", "monthly_income"])
        for v in ("NaN", "Infinity", "-Infinity", "1e400", "-1e400")
    ),
    Case("huge int", "POST", "/v1/households", HOUSEHOLD % ("9" * 40), ["body", "monthly_income"]),
    Case("5000-digit int", "POST", "/v1/households", HOUSEHOLD % ("9" * 5000), ["body", "monthly_income"]),
    Case("NaN in import", "POST", "/v1/households/import", f"[{HOUSEHOLD % 'NaN'}]", ["body", 0]),
    Case("NaN in PATCH", "PATCH", "/v1/units/U-1", '{"rent": NaN}', ["body", "rent"]),
    Case("inf in PUT", "PUT", "/v1/units/U-1", json.dumps(UNIT)[:-1] + ', "charges": 1e999}', ["body"]),
    Case("NaN run option", "POST", "/v1/match-runs", '{"time_limit": NaN}', ["body", "time_limit"]),
    Case(
        "infinite policy weight",
        "POST",
        "/v1/policies",
        '{"matching": {"version": "inf-1", "weights": {"rent_burden": 1e400}}}',
        ["body", "matching", "weights", "rent_burden"],
        who="admin",
    ),
    Case(
        "NaN policy weight",
        "POST",
        "/v1/policies",
        '{"matching": {"version": "nan-1", "weights": {"anchor": NaN}}}',
        ["body", "matching", "weights", "anchor"],
        who="admin",
    ),
    Case(
        "NaN scenario scale",
        "POST",
        "/v1/scenario-comparisons",
        '{"specs": ["baseline-2026"], "scale": NaN}',
        ["body", "scale"],
        who="planner",
    ),
    Case(
        "inf in inline spec",
        "POST",
        "/v1/scenario-comparisons",
        '{"specs": [{"name": "x", "run": {"scale": Infinity}}]}',
        ["body", "specs", 0, "run", "scale"],
        who="planner",
    ),
    Case("surrogate id", "POST", "/v1/households", HOUSEHOLD.replace("H-1", "H-\\ud800") % 1, ["body", "id"]),
    Case("surrogate key", "PATCH", "/v1/units/U-1", '{"\\udfff": 1}', ["body"]),
    Case(
        "surrogate org name",
        "POST",
        "/v1/organisations",
        '{"id": "gamma", "name": "G\\udc00"}',
        ["body", "name"],
        who="platform",
    ),
    Case("surrogate in import", "POST", "/v1/units/import", '[{"id": "\\ud83d"}]', ["body", 0, "id"]),
    Case("NUL id", "POST", "/v1/households", HOUSEHOLD.replace("H-1", "H\\u0000") % 1, ["body", "id"]),
    Case(
        "NUL org name",
        "POST",
        "/v1/organisations",
        '{"id": "gamma", "name": "G\\u0000"}',
        ["body", "name"],
        who="platform",
    ),
    Case(
        "NUL pair rule",
        "POST",
        "/v1/pair-rules",
        '{"household": "H\\u0000", "unit": "U-1", "kind": "pin"}',
        ["body", "household"],
    ),
    Case("NUL in PATCH", "PATCH", "/v1/units/U-1", '{"commune": "03\\u00004"}', ["body", "commune"]),
    Case(
        "NUL key name",
        "POST",
        "/v1/organisations/alpha/keys",
        '{"name": "a\\u0000", "role": "officer"}',
        ["body", "name"],
        who="admin",
    ),
    Case("NUL in query", "GET", "/v1/households?status=wait%00ing", None, ["query", "status"]),
    Case("NUL in proposals filter", "GET", "/v1/proposals?household=H%00", None, ["query", "household"]),
    Case("NUL in audit filter", "GET", "/v1/audit?target=H%001", None, ["query", "target"], who="admin"),
    Case("NUL in audit action", "GET", "/v1/audit?action=a%00", None, ["query", "action"], who="admin"),
    Case("NUL in query name", "GET", "/v1/units?st%00atus=free", None, ["query"]),
    Case("NUL in path", "GET", "/v1/policies/2026%001", None, ["path", "version"]),
    Case("NUL in record path", "GET", "/v1/households/H%001", None, ["path", "ref"]),
    Case(
        "NUL in org path", "POST", "/v1/organisations/al%00pha/keys", b"{}", ["path", "org_id"], who="admin"
    ),
    Case("deep JSON import", "POST", "/v1/households/import", nested(100_000), ["body"]),
    Case("deep JSON export", "POST", "/v1/exports/units.csv", '{"ids": ' + nested(10_000) + "}", ["body"]),
    Case("surrogate export id", "POST", "/v1/exports/units.csv", '{"ids": ["\\ud800"]}', ["body", "ids", 0]),
    Case("NaN export id", "POST", "/v1/exports/units.csv", '{"ids": [NaN]}', ["body", "ids", 0]),
    Case("NUL in export filter", "POST", "/v1/exports/units.xlsx?status=fr%00ee", None, ["query", "status"]),
    Case(
        "deep JSON in field", "POST", "/v1/households/import", f'[{{"id": {nested(50)}}}]', ["body", 0, "id"]
    ),
    Case("deep JSON body", "POST", "/v1/households", nested(5000), ["body"]),
    Case("deep JSON PATCH", "PATCH", "/v1/units/U-1", '{"a": ' + nested(200) + "}", ["body", "a"]),
    Case(
        "CSV cell over 128 KiB",
        "POST",
        "/v1/households/import",
        "id,adults,registered_on\nH-1," + "1" * 140_000 + ",2025-01-01\n",
        ["body", 2],
        content_type="text/csv",
    ),
    Case(
        "CSV NUL cell",
        "POST",
        "/v1/households/import",
        "id,adults,registered_on\nH\x001,1,2025-01-01\n",
        ["body", 2, "id"],
        content_type="text/csv",
    ),
    Case(
        "CSV JSON cell with NaN",
        "POST",
        "/v1/households/import",
        'id,adults,registered_on,work\nH-1,1,2025-01-01,"{""lat"": NaN}"\n',
        ["body", 2, "work", "lat"],
        content_type="text/csv",
    ),
]


def test_every_bad_input_is_a_4xx_naming_the_field(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/units", json=UNIT, headers=keys.officer).status_code == 201
    who = {"officer": keys.officer, "admin": keys.admin, "planner": keys.planner, "platform": keys.platform}
    wrong = []
    for case in CASES:
        body = case.body.encode("utf-8", "surrogatepass") if isinstance(case.body, str) else case.body
        r = client.request(
            case.method,
            case.path,
            content=body,
            headers={**who[case.who], "content-type": case.content_type},
        )
        problem = r.json() if r.headers.get("content-type") == "application/problem+json" else None
        loc = problem["errors"][0]["loc"] if problem and problem.get("errors") else None
        if not (400 <= r.status_code < 500 and loc is not None and loc[: len(case.loc)] == case.loc):
            wrong.append((case.name, r.status_code, loc, r.text[:200]))
    assert wrong == [], wrong


def test_an_infinite_policy_weight_never_becomes_active(client: TestClient, keys: Keys) -> None:
    body = b'{"matching": {"version": "inf-2", "weights": {"travel_work": Infinity}}}'
    r = client.post("/v1/policies", content=body, headers={**keys.admin, "content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "matching", "weights", "travel_work"]
    assert "Infinity" not in r.text and "inf" not in r.json()["detail"].lower().replace("infinite", "")
    active = client.get("/v1/policies/active", headers=keys.admin).json()
    assert active["version"] != "inf-2" and all(
        isinstance(w, float | int) for w in active["document"]["matching"]["weights"].values()
    )


def test_errors_are_problem_documents(client: TestClient, keys: Keys) -> None:
    r = client.get("/v1/households/H-404", headers=keys.officer)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "urn:wunneng:problem:not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "household 'H-404' not found",
        "code": "not_found",
    }
    r = client.get("/v1/households", params={"limit": 0}, headers=keys.officer)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["loc"] == ["query", "limit"] and "limit" in r.json()["detail"]
    r = client.get("/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert client.get("/v1/no-such-route", headers=keys.officer).json()["status"] == 404


INCOME = 123457.25
PERSONAL = {"id": "H-2", "adults": 1, "registered_on": "2025-05-01"}


def test_422_never_echoes_a_personal_value_and_bounds_key_names(client: TestClient, keys: Keys) -> None:
    """The field is named, its value is not; an unknown key comes back printable and short."""
    assert client.post("/v1/households", json={**PERSONAL}, headers=keys.officer).status_code == 201
    bad_values = [
        {**PERSONAL, "monthly_income": -INCOME},
        {**PERSONAL, "monthly_income": INCOME, "max_rent": "lots"},
        {**PERSONAL, "children_ages": [4, 123457]},
        {**PERSONAL, "work": {"commune": "1234"}},  # no such commune: the core quotes the code
        {**PERSONAL, "work": {"lat": 123457.0, "lon": 6.1}},
    ]
    for body in bad_values:
        for method, url, payload in (
            ("POST", "/v1/households", {**body, "id": "H-3"}),
            ("POST", "/v1/households/import", [{**body, "id": "H-3"}]),
            ("PUT", "/v1/households/H-2", body),
            ("PATCH", "/v1/households/H-2", {k: v for k, v in body.items() if k != "id"}),
        ):
            r = client.request(method, url, json=payload, headers=keys.officer)
            assert r.status_code == 422, (method, url, r.text)
            assert r.json()["errors"][0]["loc"][-1] not in ("body", 0), r.text  # the field is named
            assert "123457" not in r.text and "1234" not in r.text, (method, url, r.text)

    weird = "\x1b[31m\u202e\udfff" + "k" * 10_000
    raw = json.dumps({**PERSONAL, weird: 1}).encode("utf-8", "surrogatepass")
    for url in ("/v1/households", "/v1/households/import"):
        content = raw if url == "/v1/households" else b"[" + raw + b"]"
        r = client.post(url, content=content, headers={**keys.officer, "content-type": "application/json"})
        assert r.status_code == 422
        problem = r.json()
        key = problem["errors"][0]["loc"][-1]
        assert isinstance(key, str) and 0 < len(key) <= 64, key
        shown = problem["detail"] + "".join(str(p) for e in problem["errors"] for p in [*e["loc"], e["msg"]])
        assert not any(c in shown for c in ("\x1b", "\u202e", "\udfff")), shown
        assert len(r.content) < 2_000
