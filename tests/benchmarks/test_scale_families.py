"""The 32-bit block generation of the families gives the instances the int64 generator gave."""

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
        assert n.dtype == np.int32
        np.testing.assert_array_equal(n, o)
    assert a.random() == b.random()
