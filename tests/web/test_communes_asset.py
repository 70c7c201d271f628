"""The map's static boundaries stay in step with the shipped ones."""

from __future__ import annotations

import json

from tests.web import communes_asset


def test_static_boundaries_are_current() -> None:
    assert communes_asset.TARGET.read_text("utf-8") == communes_asset.render(), (
        "api/web/data/lu_communes.geojson is stale: run python tests/web/communes_asset.py"
    )


def test_static_boundaries_cover_every_commune() -> None:
    source = json.loads(communes_asset.SOURCE.read_text("utf-8"))
    served = json.loads(communes_asset.TARGET.read_text("utf-8"))
    assert [f["properties"]["lau2"] for f in served["features"]] == [
        f["properties"]["lau2"] for f in source["features"]
    ]
    assert all(f["geometry"]["coordinates"] for f in served["features"])
