"""Benchmark instances: housing problems from the scenario generator, compiled to matcher's generic
model, with what the baselines and the report need next to it.

Two variants of every instance:

- ``free``: no support zones and no quotas, a sparse assignment problem (where dense
  ``linear_sum_assignment`` competes);
- ``zones``: 12 support zones (one per canton, the issue's setting) whose caseload capacity binds in
  every zone (90 % of what first-come-first-served matching would place there), plus quotas capping
  new households in the three most populous communes at half their free units (a dispersal policy).

Instances are stored as ``.npz`` so every solver runs in a fresh process on the same data without
regenerating it. Large scales are built as several independent regions (a German Land is many
districts): XL is five Luxembourg-sized regions, which keeps the eligible pairs within memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matcher.assignment import AssignmentProblem
from matcher.assignment.core import Conflict, presolve
from matcher.assignment.greedy import greedy
from matcher.compile import Compiled, compile_problem
from matcher.costs import pair_terms
from matcher.domain import Quota, QuotaScope, SupportZone, Weights
from matcher.geo import communes
from matcher.instance import MatchProblem
from scenarios.generator import GeneratorParams, generate

Variant = Literal["free", "zones"]
VARIANTS: tuple[Variant, ...] = ("free", "zones")
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Caseload capacity as a share of the points first-come-first-served matching would place in a zone.
CAPACITY_RATIO = 0.9
#: The most populous communes get a quota of this share of their free units.
QUOTA_COMMUNES = 3
QUOTA_SHARE = 0.5


@dataclass(frozen=True)
class InstanceSpec:
    scale: str
    households: int
    units: int
    variant: Variant
    seed: int
    regions: int = 1

    @property
    def name(self) -> str:
        return f"{self.scale}-{self.variant}-s{self.seed}"


@dataclass(frozen=True, eq=False)
class Instance:
    """A compiled problem plus what the report needs: registration order and travel per pair."""

    name: str
    problem: AssignmentProblem
    fcfs_order: IntArray  #: households by registration date, oldest first
    edge_minutes: IntArray  #: travel to work and schools for each edge, minutes
    travels: BoolArray  #: the household has a workplace or a school to travel to


def zoned(
    problem: MatchProblem, points_by_canton: dict[str, int], ratio: float = CAPACITY_RATIO
) -> MatchProblem:
    """The problem with one support zone per canton and quotas in the largest communes.

    A zone's capacity is ``ratio`` x the caseload points that first-come-first-served matching puts
    there (``points_by_canton``): support capacity, not housing, is the bottleneck, in every zone.
    """
    by_canton: dict[str, set[str]] = {}
    for code, c in communes().items():
        by_canton.setdefault(c.canton, set()).add(code)
    zones = [
        SupportZone(
            id=canton.replace(" ", "-").lower(),
            communes=frozenset(members),
            capacity_points=int(ratio * points_by_canton.get(canton, 0)),
        )
        for canton, members in sorted(by_canton.items())
    ]
    unit_communes = [u.commune for u in problem.units]
    largest = sorted(communes().values(), key=lambda c: -c.population)[:QUOTA_COMMUNES]
    quotas = [
        Quota(
            id=f"dispersal-{c.code}",
            scope=QuotaScope.COMMUNE,
            key=c.code,
            max_households=int(QUOTA_SHARE * unit_communes.count(c.code)),
        )
        for c in largest
    ]
    return problem.model_copy(update={"support_zones": zones, "quotas": quotas})


def fcfs_points_by_canton(compiled: Compiled, order: IntArray) -> dict[str, int]:
    """Caseload points per canton when households, oldest first, take their cheapest eligible unit."""
    core = presolve(compiled.model)
    assert not isinstance(core, Conflict), "a problem without constraints cannot conflict"
    chosen = greedy(core, order)
    assert chosen is not None, "greedy always completes a problem without constraints"
    edges = core.edge_index[chosen]
    h, u = compiled.eligibility.household[edges], compiled.eligibility.unit[edges]
    canton_of = {code: c.canton for code, c in communes().items()}
    out: dict[str, int] = {}
    for hh, unit in zip(h.tolist(), u.tolist(), strict=True):
        canton = canton_of[compiled.problem.units[unit].commune]
        out[canton] = out.get(canton, 0) + int(compiled.households.points[hh])
    return out


def region(spec: InstanceSpec, index: int) -> Instance:
    """One generated region, compiled (twice for ``zones``: capacities follow the free problem)."""
    params = GeneratorParams(households=spec.households // spec.regions, units=spec.units // spec.regions)
    source = generate(params, seed=spec.seed * 1000 + index)
    order = np.argsort(
        np.array([h.registered_on.toordinal() for h in source.households]), kind="stable"
    ).astype(np.int64)
    compiled = compile_problem(source.model_copy(update={"support_zones": [], "quotas": []}))
    if spec.variant == "zones":
        compiled = compile_problem(zoned(source, fcfs_points_by_canton(compiled, order)))
    minutes_policy = source.policy.model_copy(update={"weights": Weights(travel_work=1.0, travel_school=1.0)})
    h, u = compiled.eligibility.household, compiled.eligibility.unit
    minutes = np.zeros(h.size, np.int64)
    step = 1_000_000
    for lo in range(0, h.size, step):
        part = slice(lo, lo + step)
        terms = pair_terms(compiled.households, compiled.units, minutes_policy, h[part], u[part])
        minutes[part] = terms["travel_work"] + terms["travel_school"]
    travels = np.array([h.work is not None or bool(h.schools) for h in source.households])
    return Instance(spec.name, compiled.model, order, minutes, travels)


def build(spec: InstanceSpec) -> Instance:
    """The instance of ``spec``: its regions side by side, with no edge between regions."""
    parts = [region(spec, k) for k in range(spec.regions)]
    return parts[0] if len(parts) == 1 else stack(spec.name, parts)


def stack(name: str, parts: list[Instance]) -> Instance:
    """Independent instances as one: items, options and edges renumbered, constraints block-diagonal."""
    items = np.cumsum([0] + [p.problem.n_items for p in parts])
    options = np.cumsum([0] + [p.problem.n_options for p in parts])
    edges = np.cumsum([0] + [p.problem.n_edges for p in parts])

    def cat(field: str, shift: IntArray | None = None) -> IntArray:
        arrays = [getattr(p.problem, field) for p in parts]
        if shift is not None:
            arrays = [a + s for a, s in zip(arrays, shift, strict=False)]
        return np.concatenate(arrays)

    problem = AssignmentProblem(
        n_items=int(items[-1]),
        n_options=int(options[-1]),
        edge_item=cat("edge_item", items),
        edge_option=cat("edge_option", options),
        edge_cost=cat("edge_cost"),
        unassigned_cost=cat("unassigned_cost"),
        must_assign=cat("must_assign").astype(bool),
        option_capacity=cat("option_capacity"),
        constraint_matrix=sp.block_diag([p.problem.constraint_matrix for p in parts], format="csr"),
        constraint_lower=cat("constraint_lower"),
        constraint_upper=cat("constraint_upper"),
        constraint_names=tuple(
            f"region {k + 1} {n}" for k, p in enumerate(parts) for n in p.problem.constraint_names
        ),
        pinned=cat("pinned", edges),
        forbidden=cat("forbidden", edges),
    )
    return Instance(
        name,
        problem,
        np.concatenate([p.fcfs_order + s for p, s in zip(parts, items, strict=False)]),
        np.concatenate([p.edge_minutes for p in parts]),
        np.concatenate([p.travels for p in parts]),
    )


def save(instance: Instance, path: Path) -> None:
    p = instance.problem
    m = p.constraint_matrix.tocsr()
    np.savez(
        path,
        name=np.array(instance.name),
        sizes=np.array([p.n_items, p.n_options]),
        edge_item=p.edge_item,
        edge_option=p.edge_option,
        edge_cost=p.edge_cost,
        unassigned_cost=p.unassigned_cost,
        must_assign=p.must_assign,
        option_capacity=p.option_capacity,
        matrix_data=m.data,
        matrix_indices=m.indices,
        matrix_indptr=m.indptr,
        constraint_lower=p.constraint_lower,
        constraint_upper=p.constraint_upper,
        constraint_names=np.array(p.constraint_names, dtype=str),
        pinned=p.pinned,
        forbidden=p.forbidden,
        fcfs_order=instance.fcfs_order,
        edge_minutes=instance.edge_minutes,
        travels=instance.travels,
    )


def load(path: Path) -> Instance:
    with np.load(path) as z:
        n_items, n_options = (int(v) for v in z["sizes"])
        matrix = sp.csr_matrix(
            (z["matrix_data"], z["matrix_indices"], z["matrix_indptr"]),
            shape=(z["constraint_lower"].size, z["edge_item"].size),
        )
        problem = AssignmentProblem(
            n_items=n_items,
            n_options=n_options,
            edge_item=z["edge_item"],
            edge_option=z["edge_option"],
            edge_cost=z["edge_cost"],
            unassigned_cost=z["unassigned_cost"],
            must_assign=z["must_assign"],
            option_capacity=z["option_capacity"],
            constraint_matrix=matrix,
            constraint_lower=z["constraint_lower"],
            constraint_upper=z["constraint_upper"],
            constraint_names=tuple(str(n) for n in z["constraint_names"]),
            pinned=z["pinned"],
            forbidden=z["forbidden"],
        )
        return Instance(str(z["name"]), problem, z["fcfs_order"], z["edge_minutes"], z["travels"])
