"""The compiled block generation of the families gives the instances the numpy generator gave."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from benchmarks.families import BLOCK_ITEMS, FAMILIES, _pairs, build

#: sha256 (first 32 hex digits) of the int64 arrays the original generator made at 200 items, seed 1:
#: edge item, option, cost, unassigned cost, the dense constraint matrix, lower and upper bounds.
DIGESTS = {
    "housing": "4b088aa44d61fc2c45bcf48082679eef",
    "quotas": "090a2d19ecc73e00b069e8894761a41b",
    "travelcap": "a830ace978ec4a63369f588c935f9ca5",
}


@pytest.mark.parametrize("family", sorted(DIGESTS))
def test_instance_is_the_original_generators(family: str) -> None:
    p = build(family, 200, 1).problem
    arrays = (
        p.edge_item,
        p.edge_option,
        p.edge_cost,
        p.unassigned_cost,
        p.constraint_matrix.toarray(),
        p.constraint_lower,
        p.constraint_upper,
    )
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, np.int64).tobytes())
    assert h.hexdigest()[:32] == DIGESTS[family]


def _dense_pairs(
    family: str, item_xy: np.ndarray, unit_xy: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The original int64 generation, kept as the oracle."""
    fam = FAMILIES[family]
    ei, eo, ec = [], [], []
    for lo in range(0, item_xy.shape[0], BLOCK_ITEMS):
        hi = min(item_xy.shape[0], lo + BLOCK_ITEMS)
        dist = np.sqrt(((item_xy[lo:hi, None, :] - unit_xy[None, :, :]) ** 2).sum(-1))
        keep = rng.random(dist.shape) < fam.density
        if fam.travel_cap:
            keep &= dist < 0.35
        cost = np.minimum(1000, dist / 1.2 * 900 + rng.integers(0, 100, dist.shape))
        r, c = np.nonzero(keep)
        ei.append(r + lo)
        eo.append(c)
        ec.append(cost[r, c].astype(np.int64))
    return np.concatenate(ei), np.concatenate(eo), np.concatenate(ec)


@pytest.mark.parametrize("family", ["housing", "travelcap"])
def test_blocks_match_the_dense_generation(family: str) -> None:
    """Over several blocks (1,200 items), and the random stream is left where it was."""
    xy = np.random.default_rng(3)
    item_xy, unit_xy = xy.random((1200, 2)), xy.random((300, 2))
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    new = _pairs(FAMILIES[family], item_xy, unit_xy, a)
    old = _dense_pairs(family, item_xy, unit_xy, b)
    for n, o in zip(new, old, strict=True):
        assert n.dtype == np.int64
        np.testing.assert_array_equal(n, o)
    assert a.random() == b.random()


def test_national_is_one_region_of_pairs_within_reach() -> None:
    """Built from the units near each block, yet exactly the pairs a full scan would allow."""
    from benchmarks.families import LARGE_FAMILIES, housing_like

    family = LARGE_FAMILIES["national"]
    assert family.reach is not None
    p = build("national", 1500, 0).problem
    assert p.n_constraints == family.zones
    rng = np.random.default_rng(1500)  # the generator's own seed at seed 0: recompute the geometry
    centre = rng.random((family.zones, 2))
    unit_zone = rng.integers(0, family.zones, p.n_options)
    unit_xy = np.clip(centre[unit_zone] + rng.normal(0, 0.08, (p.n_options, 2)), 0, 1)
    towns = rng.random((family.towns, 2))
    size = 1.0 / np.arange(1, family.towns + 1)
    town = np.sort(rng.choice(family.towns, p.n_items, p=size / size.sum()))
    item_xy = np.clip(towns[town] + rng.normal(0, 0.04, (p.n_items, 2)), 0, 1)
    dist = np.sqrt(((item_xy[:, None, :] - unit_xy[None, :, :]) ** 2).sum(-1))
    pairs = dist[p.edge_item, p.edge_option]
    assert (pairs < family.reach).all()
    within = int((dist < family.reach).sum())
    assert 0.2 * within < p.n_edges < 0.36 * within  # 28 % of the pairs within reach, at random
    assert housing_like(family, 1500, 0).problem.n_edges == p.n_edges  # deterministic
