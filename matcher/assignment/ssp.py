"""Successive shortest paths for capacitated assignment, compiled with numba.

The oracle of the network path: items take at most one option (or their private "unassigned"
option at its cost), options take at most ``capacity`` items. Items are inserted one at a time
along a shortest augmenting path (Dijkstra on reduced costs), which keeps a dual solution feasible
throughout, so the result comes with its optimal duals: the value ``u[i]`` of each item and the
price ``p[j] >= 0`` of each option, with ``p[j] = 0`` wherever an option has room. Those duals
price edges outside the candidate set (``cost + p[option] - u[item] < 0`` means the edge could
improve) and give the Lagrangian bound, and it handles capacities above one (the generalised
assignment problem's agents) without a flow network. Searches are short when the candidate edges
are few and well chosen (:func:`matcher.assignment.network.first_candidates`); once pricing has
grown them (from ``network.FLOW_EDGES`` on) OR-Tools' min-cost flow is several times faster, and
:mod:`matcher.assignment.flow` solves them, rebuilding these same duals afterwards; this solver
remains the fallback whenever that recovery cannot be certified.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
#: Cost of leaving an item that must be assigned unassigned: larger than any path of real costs.
FORBIDDEN = np.int64(1) << 52


@njit(cache=True, inline="always")
def _sift_up(heap: IntArray, pos: IntArray, key: IntArray, i: int) -> None:  # pragma: no cover
    node = heap[i]
    k = key[node]
    while i > 0:
        parent = (i - 1) >> 1
        up = heap[parent]
        if key[up] <= k:
            break
        heap[i] = up
        pos[up] = i
        i = parent
    heap[i] = node
    pos[node] = i


@njit(cache=True, inline="always")
def _pop(heap: IntArray, pos: IntArray, key: IntArray, size: int) -> int:  # pragma: no cover
    """Remove the nearest node from the heap of ``size`` nodes; returns it."""
    top = int(heap[0])
    pos[top] = -1
    size -= 1
    if size == 0:
        return top
    node = heap[size]
    k = key[node]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and key[heap[c + 1]] < key[heap[c]]:
            c += 1
        if key[heap[c]] >= k:
            break
        heap[i] = heap[c]
        pos[heap[i]] = i
        i = c
    heap[i] = node
    pos[node] = i
    return top


@njit(cache=True, inline="always")
def _reach(  # pragma: no cover - compiled
    i: int,
    d: int,
    st: IntArray,
    graph: tuple[IntArray, IntArray, IntArray, IntArray],
    search: tuple[
        IntArray,
        IntArray,
        IntArray,
        IntArray,
        NDArray[np.bool_],
        IntArray,
        IntArray,
        IntArray,
        IntArray,
        IntArray,
    ],
) -> None:
    """Item ``i`` is reached at distance ``d``: it may end the path by leaving for "unassigned",
    or its edges lead on. ``st`` holds the search's scalars, ``graph`` and ``search`` its arrays
    (see ``_ssp``)."""
    indptr, opt, cost, unassigned = graph
    u, p, dist, pred, final, touched, reached, reached_dist, heap, pos = search
    inf = np.int64(1) << 62
    reached[st[N_REACHED]] = i
    reached_dist[st[N_REACHED]] = d
    st[N_REACHED] += 1
    leave = d + unassigned[i] - u[i]
    if leave < st[TOTAL]:
        st[TOTAL] = leave
        st[TERM_ITEM] = i
        st[TERM_OPT] = -1
    for e in range(indptr[i], indptr[i + 1]):
        k = opt[e]
        if final[k]:
            continue
        nd = d + cost[e] + p[k] - u[i]
        if nd < dist[k]:
            if dist[k] == inf:
                touched[st[N_TOUCHED]] = k
                st[N_TOUCHED] += 1
            dist[k] = nd
            pred[k] = i
            if pos[k] < 0:
                heap[st[SIZE]] = k
                st[SIZE] += 1
                _sift_up(heap, pos, dist, st[SIZE] - 1)
            else:
                _sift_up(heap, pos, dist, pos[k])


#: Slots of the search's scalar state (one small array, so that ``_reach`` can update it).
N_REACHED, N_TOUCHED, SIZE, TOTAL, TERM_ITEM, TERM_OPT = range(6)


@njit(cache=True)
def _ssp(  # pragma: no cover - compiled; exercised through assign_csr
    indptr: IntArray,
    opt: IntArray,
    cost: IntArray,
    unassigned: IntArray,
    capacity: IntArray,
) -> tuple[bool, IntArray, IntArray, IntArray]:
    n = indptr.size - 1
    m = capacity.size
    inf = np.int64(1) << 62
    option_of = np.full(n, -1, np.int64)  # -1: unassigned
    u = np.zeros(n, np.int64)
    p = np.zeros(m, np.int64)
    load = np.zeros(m, np.int64)
    head = np.full(m, -1, np.int64)  # items on an option, as a doubly linked list
    nxt = np.full(n, -1, np.int64)
    prv = np.full(n, -1, np.int64)
    dist = np.full(m, inf, np.int64)
    pred = np.full(m, -1, np.int64)
    final = np.zeros(m, np.bool_)
    touched = np.empty(m, np.int64)
    reached = np.empty(n, np.int64)
    reached_dist = np.empty(n, np.int64)
    heap = np.empty(m, np.int64)  # options by distance (an indexed binary heap)
    pos = np.full(m, -1, np.int64)  # each option's slot in the heap, -1 when out
    st = np.zeros(6, np.int64)
    graph = (indptr, opt, cost, unassigned)
    search = (u, p, dist, pred, final, touched, reached, reached_dist, heap, pos)
    for s in range(n):
        best = unassigned[s]
        for e in range(indptr[s], indptr[s + 1]):
            v = cost[e] + p[opt[e]]
            if v < best:
                best = v
        u[s] = best
        st[:] = 0
        st[TOTAL] = inf
        st[TERM_ITEM] = -1
        st[TERM_OPT] = -1
        _reach(s, 0, st, graph, search)
        while st[SIZE] > 0:
            j = _pop(heap, pos, dist, st[SIZE])
            st[SIZE] -= 1
            d = dist[j]
            if d >= st[TOTAL]:
                break
            final[j] = True
            if load[j] < capacity[j]:
                st[TOTAL] = d
                st[TERM_OPT] = j
                st[TERM_ITEM] = -1
                break
            i = head[j]
            while i >= 0:
                _reach(i, d, st, graph, search)
                i = nxt[i]
        for t in range(st[SIZE]):
            pos[heap[t]] = -1
        n_touched, n_reached, total = st[N_TOUCHED], st[N_REACHED], st[TOTAL]
        term_item, term_opt = st[TERM_ITEM], st[TERM_OPT]
        if term_item >= 0 and unassigned[term_item] >= FORBIDDEN:
            return False, option_of, u, p  # an item that must be assigned cannot be
        # duals: every node labelled below the path's length moves up by the difference
        for t in range(n_touched):
            j = touched[t]
            if final[j] and dist[j] < total:
                p[j] += total - dist[j]
        for t in range(n_reached):
            u[reached[t]] += total - reached_dist[t]
        # augment along the path back to s
        if term_opt >= 0:
            j = term_opt
            load[j] += 1
        else:
            i = term_item
            j = option_of[i]
            if j >= 0:  # i leaves j for "unassigned"; j's previous holder chain follows
                if prv[i] >= 0:
                    nxt[prv[i]] = nxt[i]
                else:
                    head[j] = nxt[i]
                if nxt[i] >= 0:
                    prv[nxt[i]] = prv[i]
            option_of[i] = -1
            if i == s:
                j = -1
        while j >= 0:
            i = pred[j]
            old = option_of[i]
            if old >= 0:
                if prv[i] >= 0:
                    nxt[prv[i]] = nxt[i]
                else:
                    head[old] = nxt[i]
                if nxt[i] >= 0:
                    prv[nxt[i]] = prv[i]
            option_of[i] = j
            prv[i] = -1
            nxt[i] = head[j]
            if head[j] >= 0:
                prv[head[j]] = i
            head[j] = i
            if i == s:
                break
            j = old
        for t in range(n_touched):
            j = touched[t]
            dist[j] = inf
            final[j] = False
            pred[j] = -1
    return True, option_of, u, p


def assign_csr(
    indptr: IntArray, option: IntArray, cost: IntArray, unassigned: IntArray, capacity: IntArray
) -> tuple[bool, IntArray, IntArray, IntArray]:
    """Optimal assignment of items (edges grouped by item in CSR form) with its optimal duals.

    ``unassigned[i] >= FORBIDDEN`` marks an item that must be assigned. Returns ``(feasible,
    option_of_item (-1: unassigned), u, p)``; the duals satisfy ``cost[e] + p[option] >= u[item]``,
    ``u <= unassigned``, ``p >= 0``, with equality on what is used and ``p = 0`` on options with room.
    """
    return _ssp(
        np.ascontiguousarray(indptr, np.int64),
        np.ascontiguousarray(option, np.int64),
        np.ascontiguousarray(cost, np.int64),
        np.minimum(np.ascontiguousarray(unassigned, np.int64), FORBIDDEN),
        np.ascontiguousarray(capacity, np.int64),
    )
