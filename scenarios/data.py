"""Luxembourg reference data shipped in ``scenarios/data`` (sources and licences: ``data/ATTRIBUTION.md``).

Communes come from the matching core (:func:`matcher.geo.communes`): one copy of that table. Nothing
here reads outside the installed package.
"""

from __future__ import annotations

import csv
import difflib
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from statistics import median
from typing import Any

from matcher.geo import communes

#: Reception centres that no longer host people waiting for a home: the former SHUK (Kirchberg
#: primo-accueil) became the "Maison retour" (return centre) on 1 Sep 2024 (FACTS.md).
NOT_HOSTING_BPI = frozenset({"Primo-accueil / Structure d'hébergement d'urgence Kirchberg (SHUK)"})


def _text(name: str) -> str:
    return resources.files("scenarios").joinpath(f"data/{name}").read_text("utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_text(name).splitlines()))


@dataclass(frozen=True, slots=True)
class Place:
    """A named point: an employment hub, a reception centre or a rail station."""

    name: str
    commune: str
    lat: float
    lon: float
    capacity: float = 0.0  #: reception centres: beds (an assumption, see ATTRIBUTION.md)


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
    canton_median = {canton: median(values) for canton, values in by_canton.items()}
    national = median(known.values())
    return {code: known.get(code, canton_median.get(c.canton, national)) for code, c in communes().items()}


@cache
def rent_source() -> dict[str, str]:
    """``measured``, ``estimated`` or ``imputed`` (filled in by :func:`rent_per_m2`) per commune."""
    rows = {r["lau2"]: r["rent_source"] for r in _rows("lu_rents_by_commune.csv")}
    return {code: rows.get(code, "none").replace("none", "imputed") for code in communes()}


@cache
def employment_hubs() -> list[Place]:
    """The 20 hand-placed main employment zones (about 1 km accuracy; own work)."""
    return [
        Place(r["name"], r["lau2"], float(r["lat"]), float(r["lon"])) for r in _rows("lu_employment_hubs.csv")
    ]


@cache
def reception_centres(hosting_only: bool = True) -> list[Place]:
    """Reception centres (placed at their commune's inner point), by default only those hosting BPI."""
    out = []
    for r in _rows("reception_centres.csv"):
        if hosting_only and r["name"] in NOT_HOSTING_BPI:
            continue
        c = communes()[r["lau2"]]
        out.append(Place(r["name"], r["lau2"], c.lat, c.lon, float(r["beds_assumed"])))
    return out


@cache
def rail_stations() -> list[Place]:
    """The 64 rail stations and stops (Wikidata / trainline data, see ATTRIBUTION.md)."""
    return [
        Place(r["name"], r["lau2"], float(r["lat"]), float(r["lon"])) for r in _rows("lu_rail_stations.csv")
    ]


@cache
def commune_shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """Each commune's boundary as a list of rings of (lon, lat), WGS84 (holes are dropped)."""
    data: dict[str, Any] = json.loads(_text("lu_communes.geojson"))
    out: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        out[feature["properties"]["lau2"]] = [[(x, y) for x, y in poly[0]] for poly in polygons]
    return out


def _fold(name: str) -> str:
    """Lower case, accents and punctuation removed: "Esch/Alzette" ~ "esch alzette"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


@cache
def _names() -> dict[str, str]:
    return {_fold(c.name): code for code, c in communes().items()}


def commune_code(ref: str) -> str:
    """The LAU2 code of a commune given by code (``"0204"``) or name (``"Esch-sur-Alzette"``).

    Raises
    ------
    ValueError
        For an unknown commune, with the closest names as a suggestion.
    """
    ref = ref.strip()
    if ref in communes():
        return ref
    code = _names().get(_fold(ref))
    if code is not None:
        return code
    close = difflib.get_close_matches(_fold(ref), list(_names()), n=2, cutoff=0.6)
    hint = (
        f"; did you mean {' or '.join(repr(communes()[_names()[c]].name) for c in close)}?" if close else ""
    )
    raise ValueError(f"unknown commune {ref!r} (give a LAU2 code such as '0304' or a name){hint}")
