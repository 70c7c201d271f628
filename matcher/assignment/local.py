"""Local search on a feasible selection: single moves and two-step ejection chains, compiled.

A repaired or rounded solution often misses cheap improvements one item at a time: an item could
take a cheaper edge, or stay unassigned for less, or leave the unassigned pool. Where the edge it
wants is blocked (its option full, or a side constraint at its limit), another item can make room
by moving elsewhere (or out): a two-step ejection chain. Each accepted move lowers the cost and
keeps every option capacity and every side constraint's bounds exactly (integer loads), so the
search never makes a solution worse or infeasible. A pass visits every item once (in a seeded
order); passes repeat until one finds nothing or the deadline.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.problem import BoolArray

IntArray = NDArray[np.int64]
#: Per item and pass, the blocked improving edges (best first) an ejection chain is tried for.
BLOCKED_TRIES = 3
#: Edges and items a pass looks at per second (measured, with a margin): how a deadline becomes
#: a budget the compiled pass can count down.
WORK_PER_SECOND = 1e7


@njit(cache=True)
def _cost(i: int, e: int, ecost: IntArray, unc: IntArray) -> int:  # pragma: no cover - compiled
    return int(ecost[e]) if e >= 0 else int(unc[i])


@njit(cache=True)
def _shift(
    e: int,
    sign: int,
    eopt: IntArray,
    opt_load: IntArray,
    cptr: IntArray,
    crow: IntArray,
    cw: IntArray,
    row_load: IntArray,
) -> None:  # pragma: no cover - compiled
    if e < 0:
        return
    opt_load[eopt[e]] += sign
    for t in range(cptr[e], cptr[e + 1]):
        row_load[crow[t]] += sign * cw[t]


@njit(cache=True)
def _within(
    e: int,
    eopt: IntArray,
    cap: IntArray,
    opt_load: IntArray,
    cptr: IntArray,
    crow: IntArray,
    lower: IntArray,
    upper: IntArray,
    row_load: IntArray,
) -> bool:  # pragma: no cover - compiled
    """Whether ``e``'s option and rows are within bounds at the current loads."""
    if e < 0:
        return True
    if opt_load[eopt[e]] > cap[eopt[e]]:
        return False
    for t in range(cptr[e], cptr[e + 1]):
        r = crow[t]
        if row_load[r] > upper[r] or row_load[r] < lower[r]:
            return False
    return True


@njit(cache=True)
def _pass(  # pragma: no cover - compiled
    order: IntArray,
    cur: IntArray,
    used: NDArray[np.bool_],
    indptr: IntArray,
    eopt: IntArray,
    ecost: IntArray,
    unc: IntArray,
    must: NDArray[np.bool_],
    cap: IntArray,
    cptr: IntArray,
    crow: IntArray,
    cw: IntArray,
    lower: IntArray,
    upper: IntArray,
    opt_load: IntArray,
    row_load: IntArray,
    budget: int,
) -> tuple[int, bool]:
    """One pass of improving moves, applied in place: the total gain, and whether the pass ended
    early because it used up ``budget`` (edges and items looked at; compiled code cannot read
    the clock)."""
    gain = 0
    n = cur.size
    blocked = np.empty(BLOCKED_TRIES, np.int64)
    blocked_delta = np.empty(BLOCKED_TRIES, np.int64)
    for i in order:
        budget -= indptr[i + 1] - indptr[i] + 1
        if budget < 0:
            return gain, True
        old = cur[i]
        c0 = _cost(i, old, ecost, unc)
        best_e, best_delta = -2, 0
        n_blocked = 0
        hi = indptr[i + 1]
        lo = indptr[i] - (0 if must[i] else 1)  # one extra candidate: unassigned
        for t in range(lo, hi):
            e = t if t >= indptr[i] else -1
            if e == old:
                continue
            delta = _cost(i, e, ecost, unc) - c0
            if delta >= best_delta:
                continue
            _shift(old, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(e, 1, eopt, opt_load, cptr, crow, cw, row_load)
            ok = _within(e, eopt, cap, opt_load, cptr, crow, lower, upper, row_load) and _within(
                old, eopt, cap, opt_load, cptr, crow, lower, upper, row_load
            )
            _shift(e, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(old, 1, eopt, opt_load, cptr, crow, cw, row_load)
            if ok:
                best_e, best_delta = e, delta
            elif e >= 0:
                # keep the most improving blocked edges, for ejection chains
                if n_blocked < BLOCKED_TRIES:
                    blocked[n_blocked] = e
                    blocked_delta[n_blocked] = delta
                    n_blocked += 1
                else:
                    worst = 0
                    for s in range(1, BLOCKED_TRIES):
                        if blocked_delta[s] > blocked_delta[worst]:
                            worst = s
                    if delta < blocked_delta[worst]:
                        blocked[worst] = e
                        blocked_delta[worst] = delta
        if best_e != -2:
            _shift(old, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(best_e, 1, eopt, opt_load, cptr, crow, cw, row_load)
            if old >= 0:
                used[old] = False
            if best_e >= 0:
                used[best_e] = True
            cur[i] = best_e
            gain -= best_delta
            continue
        # Ejection chains: i takes a blocked edge e, another item j moves to f (or out).
        chain_j, chain_e, chain_f, chain_delta = -1, -1, -1, 0
        for b in range(n_blocked):
            e = blocked[b]
            delta_i = blocked_delta[b]
            _shift(old, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(e, 1, eopt, opt_load, cptr, crow, cw, row_load)
            # who blocks: the option's occupants if it is over capacity, else those on a row over
            # its upper bound (a row under its lower bound: only i's old edge could cause it)
            full_row = -1
            if opt_load[eopt[e]] <= cap[eopt[e]]:
                for t in range(cptr[e], cptr[e + 1]):
                    if row_load[crow[t]] > upper[crow[t]]:
                        full_row = crow[t]
                        break
                if full_row < 0:
                    _shift(e, -1, eopt, opt_load, cptr, crow, cw, row_load)
                    _shift(old, 1, eopt, opt_load, cptr, crow, cw, row_load)
                    continue
            o = eopt[e]
            budget -= n
            for j in range(n):
                if j == i or cur[j] < 0:
                    continue
                ej = cur[j]
                if full_row < 0:
                    if eopt[ej] != o:
                        continue
                else:
                    on_row = False
                    for t in range(cptr[ej], cptr[ej + 1]):
                        if crow[t] == full_row:
                            on_row = True
                    if not on_row:
                        continue
                cj = ecost[ej]
                _shift(ej, -1, eopt, opt_load, cptr, crow, cw, row_load)
                jlo = indptr[j] - (0 if must[j] else 1)
                budget -= indptr[j + 1] - jlo
                for t in range(jlo, indptr[j + 1]):
                    f = t if t >= indptr[j] else -1
                    if f == ej:
                        continue
                    total = delta_i + _cost(j, f, ecost, unc) - cj
                    if total >= chain_delta:
                        continue
                    _shift(f, 1, eopt, opt_load, cptr, crow, cw, row_load)
                    ok = (
                        _within(e, eopt, cap, opt_load, cptr, crow, lower, upper, row_load)
                        and _within(old, eopt, cap, opt_load, cptr, crow, lower, upper, row_load)
                        and _within(f, eopt, cap, opt_load, cptr, crow, lower, upper, row_load)
                        and _within(ej, eopt, cap, opt_load, cptr, crow, lower, upper, row_load)
                    )
                    _shift(f, -1, eopt, opt_load, cptr, crow, cw, row_load)
                    if ok:
                        chain_j, chain_e, chain_f, chain_delta = j, e, f, total
                _shift(ej, 1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(e, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(old, 1, eopt, opt_load, cptr, crow, cw, row_load)
        if chain_j >= 0:
            ej = cur[chain_j]
            _shift(old, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(chain_e, 1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(ej, -1, eopt, opt_load, cptr, crow, cw, row_load)
            _shift(chain_f, 1, eopt, opt_load, cptr, crow, cw, row_load)
            if old >= 0:
                used[old] = False
            used[chain_e] = True
            used[ej] = False
            if chain_f >= 0:
                used[chain_f] = True
            cur[i] = chain_e
            cur[chain_j] = chain_f
            gain -= chain_delta
    return gain, False


def local_search(
    core: Core, used: BoolArray, *, deadline: float, seed: int = 0, max_passes: int = 20
) -> BoolArray:
    """``used`` (feasible) improved by single moves and ejection chains until a pass finds nothing,
    ``max_passes`` or ``deadline``; never worse, always feasible."""
    if core.n_items == 0:
        return used.copy()
    used = used.copy()
    cur = np.full(core.n_items, -1, np.int64)
    cur[core.edge_item[used]] = np.flatnonzero(used)
    csc = core.constraint_matrix.tocsc()
    cptr = csc.indptr.astype(np.int64)
    crow = csc.indices.astype(np.int64)
    cw = csc.data.astype(np.int64)
    opt_load = np.bincount(core.edge_option[used], minlength=core.n_options).astype(np.int64)
    row_load = (core.constraint_matrix @ used.astype(np.int64)).astype(np.int64)
    rng = np.random.default_rng(seed)
    for _ in range(max_passes):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        budget = int(min(float(2**62), WORK_PER_SECOND * left))
        gain, stopped = _pass(
            rng.permutation(core.n_items).astype(np.int64),
            cur,
            used,
            core.indptr,
            core.edge_option.astype(np.int64),
            core.edge_cost.astype(np.int64),
            core.unassigned_cost.astype(np.int64),
            core.must_assign,
            core.option_capacity.astype(np.int64),
            cptr,
            crow,
            cw,
            core.constraint_lower.astype(np.int64),
            core.constraint_upper.astype(np.int64),
            opt_load,
            row_load,
            budget,
        )
        if gain <= 0 or stopped:
            break
    return used
