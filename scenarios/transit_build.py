"""Build the shipped public-transport travel-time matrix from what can be shipped.

Run once (``python -m scenarios.transit_build``); it writes ``matcher/data/lu_transit_places.csv``
(the matrix's places: 100 communes, the employment hubs, the reception centres) and
``matcher/data/lu_transit_minutes.csv`` (long ``from,to,minutes``), which :mod:`matcher.transit`
reads. A matrix computed from the national GTFS feed (r5, OpenTripPlanner) can replace the second file
as it is: same ids, same columns.

The network (``scenarios/data/lu_transit_lines.csv``): the CFL rail lines with their stopping
patterns and scheduled running times, the tram and the regional bus corridors where there is no rail,
each line with its average wait at the first boarding. A journey is the cheapest path over:

* walking between a place and a stop up to :data:`WALK_MAX_KM` away
  (:data:`WALK_MIN_PER_KM`: 4.8 km/h on a street network 1.3 x longer than crow-fly);
* riding a line between any two of its stops (scheduled minutes, no change within a line);
* a local bus between any two places or stops up to :data:`LOCAL_MAX_KM` apart
  (:data:`LOCAL_BASE_MIN` + :data:`LOCAL_MIN_PER_KM` per crow-fly km);
* boarding: the line's wait the first time, the FACTS-2 transfer penalty (10 min) each later time.

A place to itself (the diagonal: living and working in the same commune) is the crow-fly formula at
the mean distance between two points of the commune (about half the square root of its area).
Every number is an assumption or a recalled timetable figure; the README's reference-journey table
measures the error.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from matcher.domain import Policy
from matcher.geo import communes, distance_km
from matcher.travel import minutes_for_km
from scenarios.data import commune_code, commune_shapes, employment_hubs, rail_stations, reception_centres

#: Walking: 4.8 km/h on streets 1.3 x the crow-fly distance (assumption).
WALK_MIN_PER_KM = 1.3 * 60 / 4.8
WALK_MAX_KM = 1.5
#: Local bus (any two points up to 15 km apart): 3 min of stops and detours plus 2.6 min per crow-fly
#: km (about 30 km/h on roads 1.3 x the crow-fly distance); assumption.
LOCAL_BASE_MIN = 3.0
LOCAL_MIN_PER_KM = 2.6
LOCAL_MAX_KM = 15.0
#: Average wait for a local bus by the population of the commune it leaves from (largest first): the
#: capital's buses run every few minutes, towns of 20,000+ have city buses, elsewhere regional buses
#: run about hourly and are timed to trains (assumption).
LOCAL_WAIT_BY_POPULATION = ((100_000, 3.0), (20_000, 5.0), (0, 12.0))
#: Changing onto a train (FACTS-2 §6 proposal: a 10-min transfer penalty when not on the same rail
#: line). Changing onto a bus or tram costs that line's average wait.
TRANSFER_MIN = 10.0
#: The diagonal uses the matcher's crow-fly formula at the default policy's rates (FACTS-2 §6), at a
#: commune's typical internal distance.
FORMULA_POLICY = Policy()

#: Tram stops that are not rail stations (hand-placed, ~200 m; own work).
TRAM_STOPS = {
    "tram:Luxexpo": (49.6336, 6.1733),
    "tram:Hamilius": (49.6114, 6.1289),
    "tram:Cloche d'Or": (49.5790, 6.1130),
}


@dataclass(frozen=True, slots=True)
class Place:
    """A place of the matrix: ``id`` is a LAU2 code, ``hub:<slug>`` or ``centre:<slug>``."""

    id: str
    kind: str  #: commune | hub | centre
    name: str
    lat: float
    lon: float
    commune: str


def slug(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())[:48]


def places() -> list[Place]:
    """The matrix's places: every commune (its inner point), each employment hub, each reception centre."""
    out = [Place(code, "commune", c.name, c.lat, c.lon, code) for code, c in communes().items()]
    out += [Place(f"hub:{slug(h.name)}", "hub", h.name, h.lat, h.lon, h.commune) for h in employment_hubs()]
    out += [
        Place(f"centre:{slug(r.name)}", "centre", r.name, r.lat, r.lon, r.commune)
        for r in reception_centres(hosting_only=False)
    ]
    return out


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    mode: str
    wait: float
    stops: tuple[str, ...]  #: node names
    minutes: tuple[float, ...]  #: scheduled minutes from the first stop
    source: str


def lines() -> list[Line]:
    """The shipped lines, in file order, stops in running order."""
    text = resources.files("scenarios").joinpath("data/lu_transit_lines.csv").read_text("utf-8")
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        grouped.setdefault(row["line"], []).append(row)
    return [
        Line(
            name,
            rows[0]["mode"],
            float(rows[0]["wait_min"]),
            tuple(r["stop"] for r in rows),
            tuple(float(r["minute"]) for r in rows),
            rows[0]["source"],
        )
        for name, rows in grouped.items()
    ]


class Network:
    """Stops and places as nodes; walk, local-bus and line edges (see the module docstring)."""

    def __init__(self) -> None:
        self.places = places()
        self.names: list[str] = []
        self.points: list[tuple[float, float]] = []
        self.wait_local: list[float] = []
        self._index: dict[str, int] = {}
        for p in self.places:
            self._add(p.id, p.lat, p.lon, p.commune)
        for s in rail_stations():
            self._add(s.name, s.lat, s.lon, s.commune)
        self._hubs = [(p.name, p.id) for p in self.places if p.kind == "hub"]
        for name, (lat, lon) in TRAM_STOPS.items():
            self._add(name, lat, lon, "0304")
        n = len(self.names)
        self.walk: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        #: (to, minutes, wait at the first boarding, cost of boarding after another vehicle)
        self.ride: list[list[tuple[int, float, float, float]]] = [[] for _ in range(n)]
        self._local_edges()
        for line in lines():
            nodes = [self.node(s) for s in line.stops]
            for a in range(len(nodes)):
                for b in range(a + 1, len(nodes)):
                    t = abs(line.minutes[b] - line.minutes[a])
                    change = TRANSFER_MIN if line.mode == "rail" else line.wait
                    self.ride[nodes[a]].append((nodes[b], t, line.wait, change))
                    self.ride[nodes[b]].append((nodes[a], t, line.wait, change))

    def _add(self, name: str, lat: float, lon: float, commune: str) -> None:
        self._index[name] = len(self.names)
        self.names.append(name)
        self.points.append((lat, lon))
        population = communes()[commune].population
        self.wait_local.append(next(w for p, w in LOCAL_WAIT_BY_POPULATION if population >= p))

    def node(self, stop: str) -> int:
        """A line's stop: a station name, ``tram:...``, ``hub:<name start>`` or ``commune:<name>``."""
        if stop.startswith("commune:"):
            return self._index[commune_code(stop.removeprefix("commune:"))]
        if stop.startswith("hub:"):
            start = stop.removeprefix("hub:")
            return self._index[next(i for name, i in self._hubs if name.startswith(start))]
        return self._index[stop]

    def _local_edges(self) -> None:
        n = len(self.names)
        for a in range(n):
            la, oa = self.points[a]
            for b in range(a + 1, n):
                km = float(distance_km(la, oa, *self.points[b]))
                if km <= WALK_MAX_KM:
                    self.walk[a].append((b, km * WALK_MIN_PER_KM))
                    self.walk[b].append((a, km * WALK_MIN_PER_KM))
                if km <= LOCAL_MAX_KM:
                    t = LOCAL_BASE_MIN + LOCAL_MIN_PER_KM * km
                    wait = (self.wait_local[a] + self.wait_local[b]) / 2
                    self.ride[a].append((b, t, wait, wait))
                    self.ride[b].append((a, t, wait, wait))

    def from_node(self, source: int) -> list[float]:
        """Minutes from ``source`` to every node: Dijkstra over (node, has boarded yet)."""
        n = len(self.names)
        best = [[math.inf, math.inf] for _ in range(n)]
        best[source][0] = 0.0
        heap: list[tuple[float, int, int]] = [(0.0, source, 0)]
        while heap:
            d, v, boarded = heapq.heappop(heap)
            if d > best[v][boarded]:
                continue
            for w, t in self.walk[v]:
                if d + t < best[w][boarded]:
                    best[w][boarded] = d + t
                    heapq.heappush(heap, (d + t, w, boarded))
            for w, t, wait, change in self.ride[v]:
                cost = d + t + (change if boarded else wait)
                if cost < best[w][1]:
                    best[w][1] = cost
                    heapq.heappush(heap, (cost, w, 1))
        return [min(b) for b in best]


def diagonal_minutes(place: Place) -> float:
    """Minutes within a place's own commune: the formula at half the square root of its area."""
    area = sum(_ring_area_km2(ring) for ring in commune_shapes()[place.commune])
    km = 0.5 * math.sqrt(area)
    p = FORMULA_POLICY
    return float(minutes_for_km(km, p.travel_access_minutes, p.travel_minutes_per_km))


def _ring_area_km2(ring: list[tuple[float, float]]) -> float:
    lat0 = math.radians(49.75)
    kx, ky = 111.32 * math.cos(lat0), 110.57
    pts = [(x * kx, y * ky) for x, y in ring]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))) / 2


def build() -> tuple[list[Place], dict[tuple[str, str], float]]:
    """Every ordered pair of places and its minutes (rounded to 0.5 min)."""
    net = Network()
    ps = net.places
    out: dict[tuple[str, str], float] = {}
    for i, a in enumerate(ps):
        dist = net.from_node(i)
        for j, b in enumerate(ps):
            same_point = a.commune == b.commune and (a.lat, a.lon) == (b.lat, b.lon)
            m = diagonal_minutes(a) if i == j or same_point else dist[j]
            out[(a.id, b.id)] = round(2 * m) / 2
    return ps, out


def station_minutes(a: str, b: str) -> float:
    """Minutes between two named stops over the network (for checking the line data)."""
    net = Network()
    return net.from_node(net.node(a))[net.node(b)]


def places_csv(ps: Iterable[Place]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "kind", "name", "lat", "lon", "commune"])
    for p in ps:
        w.writerow([p.id, p.kind, p.name, f"{p.lat:.5f}", f"{p.lon:.5f}", p.commune])
    return buf.getvalue()


def minutes_csv(matrix: dict[tuple[str, str], float]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["from", "to", "minutes"])
    for (a, b), m in matrix.items():
        w.writerow([a, b, f"{m:g}"])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "matcher" / "data"))
    args = ap.parse_args(argv)
    ps, matrix = build()
    out = Path(args.out)
    (out / "lu_transit_places.csv").write_text(places_csv(ps), "utf-8")
    (out / "lu_transit_minutes.csv").write_text(minutes_csv(matrix), "utf-8")
    print(f"{len(ps)} places, {len(matrix)} pairs -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
