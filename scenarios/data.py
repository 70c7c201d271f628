"""Luxembourg reference data shipped in ``scenarios/data`` (see its ATTRIBUTION.md).

Communes come from the matching core (:func:`matcher.geo.communes`): one copy of that table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from statistics import median

from matcher.geo import communes


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("scenarios").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    commune: str
    lat: float
    lon: float


@cache
def rent_per_m2() -> dict[str, float]:
    """Advertised flat rent, EUR/m²/month, for every commune.

    Observatoire de l'Habitat figures where published (``measured``) or estimated from sale prices
    (``estimated``); for the 43 communes with neither, the median of the canton's known communes,
    else the national median (an assumption).
    """
    rows = _rows("lu_rents_by_commune.csv")
    known = {r["lau2"]: float(r["rent_per_m2_eur"]) for r in rows if r["rent_per_m2_eur"]}
    by_canton: dict[str, list[float]] = {}
    for code, value in known.items():
        by_canton.setdefault(communes()[code].canton, []).append(value)
    national = median(known.values())
    return {
        code: known.get(code, median(by_canton[c.canton]) if c.canton in by_canton else national)
        for code, c in communes().items()
    }


@cache
def employment_hubs() -> list[Place]:
    return [Place(r["name"], r["lau2"], float(r["lat"]), float(r["lon"])) for r in _rows("lu_employment_hubs.csv")]


@cache
def reception_centres() -> list[Place]:
    out = []
    for r in _rows("reception_centres.csv"):
        c = communes()[r["lau2"]]
        out.append(Place(r["name"], r["lau2"], c.lat, c.lon))
    return out
