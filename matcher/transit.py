"""The shipped public-transport matrix: minutes between Luxembourg's communes, hubs and reception centres.

``data/lu_transit_places.csv`` lists the matrix's places (``id, kind, name, lat, lon, commune``: the
100 communes by LAU2 code at their inner point, ``hub:...`` employment hubs, ``centre:...`` reception
centres) and ``data/lu_transit_minutes.csv`` the door-to-door minutes of every ordered pair (long
``from,to,minutes``). It was computed once from the CFL lines, the tram and regional bus corridors
(``scenarios.transit_build``, sources in ``data/lu_transit_minutes.md``); one computed from the
national GTFS feed can replace the file as it is.

A point is *on the matrix* when it lies within :data:`SNAP_KM` of a place (a commune given by code
becomes its inner point, so it always is); any other point is off the matrix and its callers fall
back to the crow-fly formula. A unit's end of a trip is its commune.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matcher.errors import ShippedDataError
from matcher.geo import communes, distance_km

#: A point this close to a place of the matrix is that place (hub coordinates are given to 5 decimals).
SNAP_KM = 0.05


@dataclass(frozen=True, eq=False)
class TransitMatrix:
    ids: tuple[str, ...]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    minutes: NDArray[np.float64]  #: (n, n), from row to column
    commune_node: NDArray[np.int64]  #: node of each commune, in ``matcher.geo.communes()`` order

    def index(self, place_id: str) -> int:
        return self.ids.index(place_id)


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("matcher").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def transit_matrix() -> TransitMatrix:
    """The shipped matrix (loaded once); :class:`ShippedDataError` if a pair or a commune is missing."""
    places = _read("lu_transit_places.csv")
    ids = tuple(p["id"] for p in places)
    at = {pid: k for k, pid in enumerate(ids)}
    n = len(ids)
    minutes = np.full((n, n), np.nan)
    for row in _read("lu_transit_minutes.csv"):
        minutes[at[row["from"]], at[row["to"]]] = float(row["minutes"])
    if np.isnan(minutes).any():
        raise ShippedDataError("the transit matrix lacks some pairs of its places")
    missing = [c for c in communes() if c not in at]
    if missing:
        raise ShippedDataError(f"the transit matrix lacks communes {missing}")
    return TransitMatrix(
        ids=ids,
        lat=np.array([float(p["lat"]) for p in places]),
        lon=np.array([float(p["lon"]) for p in places]),
        minutes=minutes,
        commune_node=np.array([at[c] for c in communes()], np.int64),
    )


def place_nodes(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.int64]:
    """The matrix place of each point (any shape), or -1 when the point is off the matrix (or NaN).

    Each distinct point is snapped once, so arrays of many repeated points (every pair of a problem)
    stay cheap. Communes come before hubs and centres in the places file, so a point shared by a
    commune and a reception centre (placed at its commune's inner point) is the commune.
    """
    m = transit_matrix()
    la, lo = np.broadcast_arrays(np.asarray(lat, np.float64), np.asarray(lon, np.float64))
    flat_lat, flat_lon = la.ravel(), lo.ravel()
    out = np.full(flat_lat.size, -1, np.int64)
    ok = np.isfinite(flat_lat) & np.isfinite(flat_lon)
    if ok.any():
        # one key per point at ~1 m resolution, so that np.unique works on integers
        key = np.rint(flat_lat[ok] * 1e5).astype(np.int64) * 100_000_000 + np.rint(flat_lon[ok] * 1e5).astype(
            np.int64
        )
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        pts_lat, pts_lon = flat_lat[ok][first], flat_lon[ok][first]
        km = distance_km(pts_lat[:, None], pts_lon[:, None], m.lat[None, :], m.lon[None, :])
        nearest = km.argmin(axis=1)
        snapped = np.where(km[np.arange(uniq.size), nearest] <= SNAP_KM, nearest, -1)
        out[ok] = snapped[inverse.ravel()]
    return out.reshape(la.shape)


def matrix_minutes(
    home_lat: ArrayLike, home_lon: ArrayLike, place_lat: ArrayLike, place_lon: ArrayLike
) -> NDArray[np.float64]:
    """Minutes from homes to places (broadcast like numpy); NaN where either point is off the matrix.

    Rows of the matrix are homes (the origin of a morning commute), columns the places people go to.
    """
    return node_minutes(place_nodes(home_lat, home_lon), place_nodes(place_lat, place_lon))


def node_minutes(origin: NDArray[np.int64], destination: NDArray[np.int64]) -> NDArray[np.float64]:
    """Minutes from each origin node to each destination node (broadcast); NaN where either is -1."""
    m = transit_matrix()
    o, d = np.broadcast_arrays(np.asarray(origin), np.asarray(destination))
    known = (o >= 0) & (d >= 0)
    out = np.full(o.shape, np.nan)
    out[known] = m.minutes[o[known], d[known]]
    return out


def minutes_between(origin: str, destination: str) -> float:
    """Minutes between two places of the matrix given by id (a LAU2 code, ``hub:...``, ``centre:...``)."""
    m = transit_matrix()
    return float(m.minutes[m.index(origin), m.index(destination)])
