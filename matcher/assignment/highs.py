"""HiGHS through ``highspy``: binary MIPs with a start solution, threads, seed and an interrupt.

scipy's ``milp`` runs the same solver but takes no start solution: on problems whose LP bound is
loose (weighted side constraints), HiGHS then spends its time looking for solutions the caller
already has, and finishes without one as good. With the incumbent as a start, its answer is never
worse than the incumbent, and it prunes with the incumbent's value from the first node.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
#: ``(incumbent objective or inf, bound, seconds) -> keep going?``, asked about once a second.
Interrupt = Callable[[float, float, float], bool]
_CALLBACK_EVERY = 1.0


@dataclass(frozen=True)
class HighsVector:
    """HiGHS's raw answer over its own columns, not a solve result: :mod:`matcher.assignment.mip`
    maps it onto a core's edges."""

    x: FloatArray | None  #: the best solution, ``None`` if none was found
    proven: bool  #: optimal within the gap asked for
    infeasible: bool
    objective: float
    bound: float


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS prints a banner to the process's stdout when the first instance is made."""
    try:
        fd = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


def solve_binary(
    cost: FloatArray,
    matrix: sp.csr_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    *,
    time_limit: float,
    gap_limit: float = 0.0,
    start: FloatArray | None = None,
    seed: int = 0,
    interrupt: Interrupt | None = None,
    cutoff: float | None = None,
) -> HighsVector:
    """Minimise ``cost @ x`` over binary ``x`` with ``row_lower <= matrix @ x <= row_upper``;
    with a ``cutoff``, only solutions cheaper than it count (none found: ``infeasible``)."""
    n = cost.size
    csr = matrix.tocsr()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = csr.shape[0]
    lp.col_cost_ = np.asarray(cost, np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf).astype(np.float64)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf).astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = csr.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csr.indices.astype(np.int32)
    lp.a_matrix_.value_ = csr.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = csr.shape[0]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    with _quiet():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(0.05, float(time_limit)))
    h.setOptionValue("mip_rel_gap", max(float(gap_limit), 1e-12))
    h.setOptionValue("random_seed", int(seed))
    h.passModel(lp)
    if cutoff is not None:
        h.setOptionValue("objective_bound", float(cutoff))
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, np.float64).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    if interrupt is not None:
        last = [0.0]

        def on_interrupt(event: object) -> None:
            out = event.data_out  # type: ignore[attr-defined]
            seconds = float(out.running_time)
            if seconds - last[0] < _CALLBACK_EVERY:
                return
            last[0] = seconds
            if not interrupt(float(out.mip_primal_bound), float(out.mip_dual_bound), seconds):
                event.interrupt()  # type: ignore[attr-defined]

        h.cbMipInterrupt.subscribe(on_interrupt)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    solution = h.getSolution()
    infeasible = status == highspy.HighsModelStatus.kInfeasible
    x = None
    if solution.value_valid and not infeasible and info.primal_solution_status == 2:
        x = np.asarray(solution.col_value, np.float64)
    bound = float(info.mip_dual_bound)
    return HighsVector(
        x=x,
        proven=status == highspy.HighsModelStatus.kOptimal,
        infeasible=infeasible,
        objective=float(info.objective_function_value) if x is not None else math.inf,
        bound=bound if math.isfinite(bound) else -math.inf,
    )


@dataclass(frozen=True)
class LpAnswer:
    """HiGHS's answer to a linear programme over its own columns and rows."""

    x: FloatArray  #: column values
    row_dual: FloatArray  #: ``cost - A^T row_dual`` is each column's reduced cost
    objective: float
    optimal: bool


class LinearProgram:
    """A linear programme with fixed rows whose columns arrive in batches (column generation):
    HiGHS keeps its basis between solves, so each re-solve after adding columns is a few pivots."""

    def __init__(self, row_lower: FloatArray, row_upper: FloatArray, *, seed: int = 0) -> None:
        inf = highspy.kHighsInf
        with _quiet():
            self._h = highspy.Highs()  # type: ignore[no-untyped-call]
        h = self._h
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", int(seed))
        n = row_lower.size
        lo = np.where(np.isfinite(row_lower), row_lower, -inf).astype(np.float64)
        up = np.where(np.isfinite(row_upper), row_upper, inf).astype(np.float64)
        h.addRows(n, lo, up, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        self.n_rows = n
        self.n_cols = 0

    def add_columns(self, cost: FloatArray, matrix: sp.csc_matrix) -> None:
        """Columns with ``cost``, bounds ``[0, 1]`` and ``matrix`` (rows x new columns)."""
        csc = sp.csc_matrix(matrix)
        n = cost.size
        if n == 0:
            return
        self._h.addCols(
            n,
            np.asarray(cost, np.float64),
            np.zeros(n),
            np.ones(n),
            int(csc.nnz),
            csc.indptr[:-1].astype(np.int32),
            csc.indices.astype(np.int32),
            csc.data.astype(np.float64),
        )
        self.n_cols += n

    def solve(self, time_limit: float) -> LpAnswer | None:
        """Re-solve from the last basis; ``None`` if HiGHS found no optimal or feasible point."""
        h = self._h
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
        h.run()
        status = h.getModelStatus()
        solution = h.getSolution()
        if not solution.value_valid or not solution.dual_valid:
            return None
        return LpAnswer(
            x=np.asarray(solution.col_value, np.float64),
            row_dual=np.asarray(solution.row_dual, np.float64),
            objective=float(h.getInfo().objective_function_value),
            optimal=status == highspy.HighsModelStatus.kOptimal,
        )
