"""OR-Library readers (generalised assignment, linear assignment) and their translation to matcher's
generic layer, so published optima check the solver on problems nobody tuned it for.

Formats (J.E. Beasley's OR-Library; whitespace-separated integers, line breaks carry no meaning):

- GAP, multi-problem (``gap1`` .. ``gap12``): ``P``, then per problem ``m n``, costs (m x n),
  resources (m x n), capacities (m).
- GAP, single problem (Chu & Beasley types A-E, e.g. ``a05100``): ``m n``, costs, resources, capacities.
- Linear assignment (``assign100`` ..): ``n``, then the n x n cost matrix row by row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.assignment import (
    UNBOUNDED,
    AssignmentProblem,
    AssignmentSolution,
    SideConstraint,
    SolveOptions,
    solve,
)

Sense = Literal["min", "max"]
IntMatrix = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class GapInstance:
    """One GAP problem: ``cost[i, j]`` and ``resource[i, j]`` of job ``j`` on agent ``i``."""

    name: str
    cost: IntMatrix
    resource: IntMatrix
    capacity: IntMatrix

    @property
    def agents(self) -> int:
        return int(self.cost.shape[0])

    @property
    def jobs(self) -> int:
        return int(self.cost.shape[1])


@dataclass(frozen=True, eq=False)
class AssignInstance:
    """One linear assignment problem: ``cost[i, j]`` of giving column ``j`` to row ``i``."""

    name: str
    cost: IntMatrix


def _numbers(path: Path) -> IntMatrix:
    return np.array(path.read_text().split(), dtype=np.int64)


def read_gap(path: Path) -> list[GapInstance]:
    """Every problem in a GAP file of either format (told apart by the number count)."""
    nums = _numbers(path)
    if nums.size >= 2 and nums.size == 2 + 2 * nums[0] * nums[1] + nums[0]:
        return [_gap_at(nums, 0, path.stem)[0]]
    if nums.size < 1:
        raise ValueError(f"{path}: empty file")
    count, pos, out = int(nums[0]), 1, []
    for k in range(count):
        instance, pos = _gap_at(nums, pos, f"{path.stem}-{k + 1}")
        out.append(instance)
    if pos != nums.size:
        raise ValueError(f"{path}: {nums.size - pos} numbers left after {count} problems")
    return out


def _gap_at(nums: IntMatrix, pos: int, name: str) -> tuple[GapInstance, int]:
    if pos + 2 > nums.size:
        raise ValueError(f"{name}: truncated header")
    m, n = int(nums[pos]), int(nums[pos + 1])
    end = pos + 2 + 2 * m * n + m
    if m <= 0 or n <= 0 or end > nums.size:
        raise ValueError(f"{name}: expected {m} x {n} data, file is too short")
    body = nums[pos + 2 : end]
    cost = body[: m * n].reshape(m, n)
    resource = body[m * n : 2 * m * n].reshape(m, n)
    return GapInstance(name, cost, resource, body[2 * m * n :].copy()), end


def read_assign(path: Path) -> AssignInstance:
    nums = _numbers(path)
    if nums.size < 1 or nums.size != 1 + nums[0] * nums[0]:
        raise ValueError(f"{path}: expected n and an n x n matrix")
    n = int(nums[0])
    return AssignInstance(path.stem, nums[1:].reshape(n, n))


def gap_problem(gap: GapInstance, sense: Sense) -> tuple[AssignmentProblem, int]:
    """Jobs become items that must be assigned, agents options of unbounded capacity, each agent's
    capacity a side constraint weighted by the resources.

    Maximisation is solved as minimisation of ``max(c) - c`` (non-negative costs); the returned
    offset turns the minimised objective back: ``original = offset - minimised`` (for ``min``,
    ``original = minimised`` and the offset is 0).
    """
    m, n = gap.agents, gap.jobs
    job = np.repeat(np.arange(n), m)
    agent = np.tile(np.arange(m), n)
    cost = gap.cost.T.ravel()
    offset = 0
    if sense == "max":
        top = int(gap.cost.max())
        cost, offset = top - cost, top * n
    weights = gap.resource.T.ravel()
    constraints = [
        SideConstraint(f"capacity of agent {i + 1}", np.flatnonzero(agent == i), weights[agent == i], int(b))
        for i, b in enumerate(gap.capacity.tolist())
    ]
    problem = AssignmentProblem.create(
        n, m, job, agent, cost, must_assign=True, option_capacity=UNBOUNDED, constraints=constraints
    )
    return problem, offset


def assign_problem(instance: AssignInstance) -> AssignmentProblem:
    """Rows are items that must be assigned, columns options of capacity one, every pair an edge."""
    n = instance.cost.shape[0]
    return AssignmentProblem.create(
        n, n, np.repeat(np.arange(n), n), np.tile(np.arange(n), n), instance.cost.ravel(), must_assign=True
    )


def report(
    name: str, solution: AssignmentSolution, sense: Sense = "min", offset: int = 0
) -> dict[str, object]:
    """The JSON record of one solved problem, in the problem's own sense."""
    objective, bound = solution.objective, solution.bound
    if sense == "max":
        objective = None if objective is None else offset - objective
        bound = offset - bound
    return {
        "problem": name,
        "objective": objective,
        "bound": int(bound) if np.isfinite(bound) and bound == round(bound) else bound,
        "status": solution.status.value,
        "seconds": round(solution.seconds, 4),
    }


def solve_gap_file(path: Path, sense: Sense = "min", time_limit: float = 10.0) -> Iterator[dict[str, object]]:
    for gap in read_gap(path):
        problem, offset = gap_problem(gap, sense)
        yield report(gap.name, solve(problem, SolveOptions(time_limit=time_limit)), sense, offset)


def solve_assign_file(path: Path, time_limit: float = 10.0) -> Iterator[dict[str, object]]:
    instance = read_assign(path)
    yield report(instance.name, solve(assign_problem(instance), SolveOptions(time_limit=time_limit)))


def print_lines(records: Iterator[dict[str, object]]) -> None:
    """One JSON line per problem, flushed as each finishes."""
    for record in records:
        print(json.dumps(record), flush=True)
