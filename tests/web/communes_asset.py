"""Builds ``api/web/data/lu_communes.geojson``, the map's boundaries, from the shipped
``scenarios/data/lu_communes.geojson`` (same CC0 ACT boundaries).

The API has no boundaries endpoint, so the pages read this static copy. It is simplified further
(Douglas-Peucker at ~150 m, coordinates to 4 decimals) because a 400-pixel map of Luxembourg
shows about 200 m per pixel: ~90 KB instead of ~380 KB. Run ``python tests/web/communes_asset.py``
after the source changes; ``test_communes_asset.py`` fails while the copy is stale.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "scenarios" / "data" / "lu_communes.geojson"
TARGET = ROOT / "api" / "web" / "data" / "lu_communes.geojson"
TOLERANCE_DEG = 0.0015  # ~ 170 m north-south, ~ 110 m east-west at 49.6 N
DECIMALS = 4


def _distance(p: list[float], a: list[float], b: list[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list[list[float]]) -> list[list[float]] | None:
    out = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simplify(ring, TOLERANCE_DEG)]
    deduped = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    return deduped if len(deduped) >= 4 else None  # a closed ring needs 3 corners + the closing point


def build() -> dict[str, object]:
    source = json.loads(SOURCE.read_text("utf-8"))
    features = []
    for f in source["features"]:
        g = f["geometry"]
        polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        simplified = []
        for polygon in polygons:
            rings = [r for r in (_ring(ring) for ring in polygon) if r is not None]
            if rings and rings[0] == _ring(polygon[0]):  # keep a polygon only if its outer ring survives
                simplified.append(rings)
        props = {k: f["properties"][k] for k in ("lau2", "commune", "canton")}
        geometry = {"type": "MultiPolygon", "coordinates": simplified}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def render() -> str:
    return json.dumps(build(), separators=(",", ":"), ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(render(), "utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size // 1024} KB)")
