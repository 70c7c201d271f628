"""What changes on very large problems: the steps whose cost grows faster than the edges.

At millions of edges one priced network solve takes seconds, not tenths; three steps of the relax
path then cost more than they give within a time limit of a minute or two:

* the LP by column generation: HiGHS re-solves a master of a hundred thousand columns or more a
  few times and stops unconverged, its bound far below the dual's, its rounding infeasible;
* the local search: a pass cannot be interrupted and, for each blocked edge, scans every item
  (seconds per pass at 10,000 items), which starves the neighbourhood search that calls it;
* the dual's line search from zero: the evaluation at zero multipliers is the costliest of all (every
  edge competes), and the line's first price overshoots, so two evaluations leave only the bound
  at zero. Half that price on every bounded row is already within a few per cent of the maximum.

So above :data:`LARGE_EDGES` the path skips the LP and the local search and starts the dual there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.assignment.core import Core

#: Edges above which a problem is large (see the module docstring). The families benchmarked at
#: 200-2,000 items have at most ~2 M edges and keep the full path; 10,000 items have ~30 M.
LARGE_EDGES = 5_000_000
#: The share of the time limit for the bound on a large problem (one evaluation, repaired into the
#: first incumbent; there is no LP to share it with) ...
LARGE_DUAL_SHARE = 0.3
#: ... and the time from the start by which the two evaluations for the merging MIP must end.
LARGE_PUSH_SHARE = 0.75
#: The dual's first price on a large problem, as a share of the line search's first price.
LARGE_START_PRICE = 0.5


def is_large(core: Core) -> bool:
    """Whether ``core`` takes the large-problem path."""
    return core.n_edges > LARGE_EDGES


def first_multipliers(core: Core, price: float) -> NDArray[np.float64]:
    """The dual's start on a large problem, in the LP duals' signs (``<= 0`` prices the upper side
    of a row): :data:`LARGE_START_PRICE` of the line search's first ``price`` on every upper side."""
    return np.full(core.n_constraints, -LARGE_START_PRICE * price)
