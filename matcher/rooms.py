"""Bedrooms: what a household needs and how a unit compares. One rule for the cost terms and the
scenario indicators, so "spare bedrooms" means the same in both.

A couple or two adults share a room, so do two children: ``ceil(adults/2) + ceil(children/2)``,
at least one. A studio (0 bedrooms) fits a single person without a missing bedroom.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

Count = TypeVar("Count", int, NDArray[np.int64])


def bedrooms_needed(adults: Count, children: Count) -> Count:
    """Bedrooms a household of ``adults`` and ``children`` needs (elementwise for arrays)."""
    need = (adults + 1) // 2 + (children + 1) // 2
    if isinstance(need, int):
        return max(need, 1)
    return np.asarray(np.maximum(need, 1), np.int64)


def spare_bedrooms(adults: Count, children: Count, bedrooms: Count) -> Count:
    """Bedrooms beyond the need: the cost's ``under_occupancy`` term counts these."""
    spare = bedrooms - bedrooms_needed(adults, children)
    if isinstance(spare, int):
        return max(spare, 0)
    return np.asarray(np.maximum(spare, 0), np.int64)


def missing_bedrooms(adults: Count, children: Count, bedrooms: Count) -> Count:
    """Bedrooms short of the need (none for a single person): the ``over_occupancy`` term."""
    short = bedrooms_needed(adults, children) - bedrooms
    if isinstance(short, int):
        return 0 if adults + children == 1 else max(short, 0)
    return np.asarray(np.where(adults + children == 1, 0, np.maximum(short, 0)), np.int64)
