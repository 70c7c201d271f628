"""Luxembourg's communes (shipped in ``matcher/data``) and crow-fly distance (travel: :mod:`.travel`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    canton: str
    lat: float
    lon: float
    population: int


@cache
def communes() -> dict[str, Commune]:
    """The 100 communes in force since 1 Sep 2023, by LAU2 code (see ``data/ATTRIBUTION.md``).

    ``lat``/``lon`` is a point inside the commune (its centroid where that lies inside).
    """
    text = resources.files("matcher").joinpath("data/lu_communes.csv").read_text("utf-8")
    return {
        row["lau2"]: Commune(
            row["lau2"],
            row["commune"],
            row["canton"],
            float(row["lat"]),
            float(row["lon"]),
            int(row["population_2026"]),
        )
        for row in csv.DictReader(text.splitlines())
    }


def cantons() -> list[str]:
    """The 12 cantons' names, sorted."""
    return sorted({c.canton for c in communes().values()})


def communes_in_cantons(names: Iterable[str]) -> frozenset[str]:
    """The LAU2 codes of the communes of these cantons."""
    wanted = set(names)
    return frozenset(code for code, c in communes().items() if c.canton in wanted)


#: Latitude at which east-west degrees are scaled (Luxembourg's middle, 49.75 N).
REFERENCE_LAT = 49.75
_KM_PER_DEG_LAT = np.pi * EARTH_RADIUS_KM / 180.0
_KM_PER_DEG_LON = _KM_PER_DEG_LAT * np.cos(np.radians(REFERENCE_LAT))


def distance_km(
    lat1: NDArray[np.float64] | float,
    lon1: NDArray[np.float64] | float,
    lat2: NDArray[np.float64] | float,
    lon2: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """Crow-fly distance in km; broadcasts like numpy.

    An equirectangular projection at 49.75 N: across Luxembourg (49.4-50.2 N) it differs from the
    great-circle distance by under 0.5 %, far below the travel model's own error, and it needs no
    trigonometry per pair (eligibility evaluates it for every household x unit).
    """
    dy = (np.asarray(lat2) - np.asarray(lat1)) * _KM_PER_DEG_LAT
    dx = (np.asarray(lon2) - np.asarray(lon1)) * _KM_PER_DEG_LON
    return np.asarray(np.sqrt(dx * dx + dy * dy))
