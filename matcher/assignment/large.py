"""What changes on very large problems: the steps whose cost grows faster than the edges.

At millions of edges one priced network solve takes seconds, not tenths; three steps of the relax
path then cost more than they give within a time limit of a minute or two:

* the LP by column generation: HiGHS re-solves a master of a hundred thousand columns or more a
  few times and stops unconverged, its bound far below the dual's, its rounding infeasible;
* the local search: for each blocked edge a pass scans every item (seconds a pass at 10,000 items,
  where it gained nothing in 6 s), time the neighbourhood search that calls it gains far more with;
* the dual's line search: its first price overshoots (at 10,000 items a value of -22 M), and its
  evaluations take ten to twenty seconds each, so it stops with the bound of one pricing round at
  zero multipliers, which proves nothing worth the name (-0.2 M).

So above :data:`LARGE_EDGES` the path skips the LP and the local search, and the dual evaluates
zero multipliers fully priced (the assignment without side constraints, a proven bound, 1.77 M
there) and takes one bundle step from it: the merging MIP over the two relaxed solutions and the
search after it find the incumbent (1.88-1.95 M there).
"""

from __future__ import annotations

from matcher.assignment.core import Core

#: Edges above which a problem is large (see the module docstring). The families benchmarked at
#: 200-2,000 items have at most 1.2 M edges and keep the full path; 10,000 items have 31 M.
LARGE_EDGES = 5_000_000
#: The dual's share of the time limit on a large problem, from the start (there is no LP): the
#: bundle step's evaluation is cut there (its solution still serves the merge), leaving the search time.
LARGE_DUAL_SHARE = 0.45
#: Its evaluations there: at zero multipliers, fully priced (the bound: the assignment without side
#: constraints), then one bundle step, which pushes items out of the rows zero over-fills. The
#: merging MIP over the union of the two picks, item by item, the one that fits.
LARGE_EVALUATIONS = 2


def is_large(core: Core) -> bool:
    """Whether ``core`` takes the large-problem path."""
    return core.n_edges > LARGE_EDGES
