"""Key performance indicators of a simulated scenario, overall and per group of households.

:data:`KPIS` names and explains every indicator; the runner, the tables and the HTML report all read
it. Per-group indicators (:data:`GROUP_KPIS`) are computed for each household type, support
intensity, vulnerability and nationality group, so that a planner sees who gains and who loses.
Nationality is a planner-only attribute: the matcher never sees it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from matcher.domain import Household, Policy, Unit
from matcher.months import DAYS_PER_MONTH
from matcher.result import UnhousedReason
from matcher.rooms import spare_bedrooms
from matcher.travel import trip_minutes
from scenarios.money import Costs, costs
from scenarios.simulate import SimState, Status, Tenure, free_points
from scenarios.world import UnitState


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    unit: str
    better: str  #: "higher", "lower" or "" (neither)
    help: str


def _k(name: str, label: str, unit: str, better: str, help: str) -> Kpi:
    return Kpi(name, label, unit, better, help)


_BASE_KPIS = (
    _k("households", "households on the list", "", "", "waiting at the start or arriving during the horizon"),
    _k("housed", "housed", "", "higher", "households that moved into a unit during the horizon"),
    _k("housed_share", "housed share", "%", "higher", "housed / households on the list"),
    _k(
        "waiting_at_end",
        "still waiting at the end",
        "",
        "lower",
        "on the list at the horizon, with or without a proposal",
    ),
    _k(
        "left_on_own",
        "left the list on their own",
        "",
        "",
        "found housing elsewhere, joined family, moved away",
    ),
    _k("removed_after_refusals", "removed after refusals", "", "lower", "by the refusal rule"),
    _k("offers", "proposals shown", "", "", "new proposals over all matching runs"),
    _k("decline_rate", "declined", "%", "lower", "declined / answered proposals"),
    _k(
        "proposals_changed",
        "proposals changed or withdrawn",
        "",
        "lower",
        "shown proposals the next run replaced or dropped",
    ),
    _k(
        "wait_median_months",
        "waiting time, median",
        "months",
        "lower",
        "protection to move-in, households housed",
    ),
    _k("wait_p90_months", "waiting time, p90", "months", "lower", "protection to move-in, households housed"),
    _k(
        "housed_within_12m",
        "housed within 12 months",
        "%",
        "higher",
        "Kaplan-Meier share housed within 12 months of protection (delayed entry, censored)",
    ),
    _k(
        "reception_months_mean",
        "months in reception at move-in",
        "months",
        "lower",
        "from entering a reception centre to moving in, households housed",
    ),
    _k(
        "reception_person_months",
        "person-months in reception",
        "",
        "lower",
        "BPI persons on the list x months in reception centres during the horizon (ONA bed use)",
    ),
    _k(
        "travel_work_mean_min",
        "travel to work, mean",
        "min",
        "lower",
        "public transport, households housed with a job",
    ),
    _k(
        "travel_school_mean_min",
        "travel to school, mean",
        "min",
        "lower",
        "per school kept, households housed",
    ),
    _k(
        "rent_burden_median",
        "rent burden, median",
        "%",
        "lower",
        "(rent + charges - rent subsidy) / income the rent rule uses (REVIS or wage, without family "
        "allowances)",
    ),
    _k("rent_burden_p90", "rent burden, p90", "%", "lower", "as above, 90th percentile"),
    _k(
        "under_occupancy_mean", "spare bedrooms, mean", "", "lower", "bedrooms beyond need, households housed"
    ),
    _k(
        "under_occupied_share",
        "under-occupied",
        "%",
        "lower",
        "households housed with at least one spare bedroom",
    ),
    _k(
        "free_units_end",
        "free units at the end",
        "",
        "",
        "units free but not let at the horizon (too dear, too far, zone full)",
    ),
    _k(
        "oneshot_housed",
        "one-shot: housed",
        "",
        "higher",
        "a single matching run at the start: households proposed a unit",
    ),
    _k("oneshot_free_units", "one-shot: units offered", "", "", "free units in the one-shot run"),
    _k(
        "oneshot_travel_work_mean_min",
        "one-shot: travel to work",
        "min",
        "lower",
        "mean, proposals with a job",
    ),
    _k("oneshot_rent_burden_median", "one-shot: rent burden, median", "%", "lower", "proposals"),
    _k("oneshot_under_occupancy_mean", "one-shot: spare bedrooms", "", "lower", "mean, proposals"),
    _k(
        "oneshot_optimal",
        "one-shot: proven optimal",
        "%",
        "higher",
        "100 when the solver proved the one-shot optimum",
    ),
    _k("match_seconds_mean", "solver time per run", "s", "lower", "mean wall time of a matching run"),
    _k(
        "rent_paid_month",
        "rent paid by the households housed",
        "EUR/month",
        "",
        "rent + charges they pay a month, summed (income-linked units: their share of income)",
    ),
    _k(
        "programme_top_up_month",
        "programme top-up",
        "EUR/month",
        "lower",
        "full rent minus what the occupant pays, income-linked units (AIS, communal), summed",
    ),
    _k(
        "rent_subsidy_month",
        "rent subsidy (subvention de loyer)",
        "EUR/month",
        "",
        "paid by the state on private-market (LISKO) lets of the households housed (FACTS-2 §4)",
    ),
    _k(
        "social_worker_cost",
        "social-worker cost",
        "EUR",
        "",
        "workers x support.cost_per_worker_year over the horizon",
    ),
    _k(
        "public_cost_per_housed",
        "public cost per household housed",
        "EUR",
        "lower",
        "(social-worker cost + top-ups + subsidies until the horizon) / households housed",
    ),
)
REASONS = tuple(r.value for r in UnhousedReason)


def _reason_kpis() -> tuple[Kpi, ...]:
    last = tuple(
        _k(
            f"unhoused.{r}",
            f"unhoused at the last run: {r.replace('_', ' ')}",
            "%",
            "",
            "share of the households left unhoused by the last matching run",
        )
        for r in REASONS
    )
    first = tuple(
        _k(
            f"oneshot_unhoused.{r}",
            f"one-shot unhoused: {r.replace('_', ' ')}",
            "",
            "",
            "households left unhoused by the one-shot run, by reason",
        )
        for r in REASONS
    )
    return last + first


_LEASE_KPIS = (
    _k(
        "lease_reentries",
        "back on the list after their lease ended",
        "",
        "",
        "GLS leases end after stock.lease_months unless prolonged, AIS stays after stock.ais_stay_months; "
        "registration date kept",
    ),
    _k(
        "lease_reentries_housed",
        "housed again after their lease ended",
        "",
        "higher",
        "households back on the list after their lease ended and housed again during the horizon",
    ),
)

#: Every overall indicator of a run, in report order (zone indicators are added per spec).
KPIS: tuple[Kpi, ...] = _BASE_KPIS + _LEASE_KPIS + _reason_kpis()
_BY_NAME = {k.name: k for k in KPIS}

#: Indicators computed per group (key ``"<dimension>=<value>"``).
GROUP_KPIS: tuple[Kpi, ...] = (
    _k("households", "households", "", "", "on the list"),
    _k("housed_share", "housed share", "%", "higher", "housed / on the list"),
    _k("wait_median_months", "waiting, median", "months", "lower", "households housed"),
    _k("reception_months_mean", "months in reception at move-in", "months", "lower", "households housed"),
    _k("rent_burden_median", "rent burden, median", "%", "lower", "households housed"),
    _k("travel_work_mean_min", "travel to work", "min", "lower", "households housed with a job"),
)
#: Planner-only dimensions households are grouped by.
DIMENSIONS = ("type", "support", "vulnerability", "nationality")


def zone_kpis(zones: Iterable[str]) -> list[Kpi]:
    """Caseload indicators of a spec's zones."""
    out = []
    for z in zones:
        out.append(
            _k(f"caseload_use.{z}", f"caseload use, {z}", "%", "", "points in use / capacity at the horizon")
        )
        out.append(
            _k(f"oneshot_caseload_use.{z}", f"one-shot caseload use, {z}", "%", "", "after the one-shot run")
        )
    return out


def kpi_bounds(name: str) -> tuple[float, float]:
    """What an indicator can take: a share lies in 0..100 %, everything else is non-negative."""
    return (0.0, 100.0) if kpi_info(name).unit == "%" else (0.0, math.inf)


def kpi_info(name: str) -> Kpi:
    """The description of an indicator by name (zone indicators included)."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    for prefix in ("caseload_use.", "oneshot_caseload_use."):
        if name.startswith(prefix):
            return zone_kpis([name.removeprefix(prefix)])[0 if prefix == "caseload_use." else 1]
    raise KeyError(name)


@dataclass
class Outcome:
    """Everything a report needs from one (spec, seed) run; plain data, picklable."""

    spec: str
    seed: int
    kpis: dict[str, float]
    groups: dict[str, dict[str, float]]  #: "type=single" -> group KPI -> value
    series: dict[str, list[float]]  #: per matching run: month, waiting, free_units, proposed, housed
    km_months: list[float]
    km_waiting: list[float]  #: Kaplan-Meier share still waiting at each month since protection
    placements: dict[str, float]  #: commune code -> move-ins during the horizon
    zones: list[str]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    fairness: dict[str, float] = field(default_factory=dict)  #: what the targets cost (fairness_summary)


# ---------------------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


@dataclass(frozen=True)
class Fit:
    """How a (household, unit) pair fits: travel, burden, spare rooms, and the money of the let."""

    work_min: float | None
    school_min: list[float]
    burden: float | None
    spare: int
    money: Costs


def fit(h: Household, u: Unit, policy: Policy) -> Fit:
    """Travel and rent burden as the matcher counts them (the rent paid less the rent subsidy), and
    spare bedrooms."""
    spare = spare_bedrooms(h.adults, len(h.children_ages), u.bedrooms)
    income = h.monthly_income
    money = costs(policy, h, u)
    return Fit(
        work_min=trip_minutes(policy, h.work, u) if h.work is not None else None,
        school_min=[trip_minutes(policy, s, u) for s in h.schools],
        burden=100 * (money.paid - money.subsidy) / income if income else None,
        spare=spare,
        money=money,
    )


def _fits(pairs: list[tuple[Household, Unit]], policy: Policy) -> list[Fit]:
    return [fit(h, u, policy) for h, u in pairs]


def _fit_kpis(fits: list[Fit], prefix: str = "") -> dict[str, float]:
    burdens = [f.burden for f in fits if f.burden is not None]
    out = {
        f"{prefix}travel_work_mean_min": _mean([f.work_min for f in fits if f.work_min is not None]),
        f"{prefix}rent_burden_median": _pct(burdens, 50),
        f"{prefix}under_occupancy_mean": _mean([float(f.spare) for f in fits]),
    }
    if not prefix:
        out["travel_school_mean_min"] = _mean([m for f in fits for m in f.school_min])
        out["rent_burden_p90"] = _pct(burdens, 90)
        out["under_occupied_share"] = 100 * _mean([float(f.spare > 0) for f in fits]) if fits else math.nan
    return out


def kaplan_meier(entry: np.ndarray, exit_: np.ndarray, event: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Share still waiting at each ``grid`` time, with delayed entry (left truncation) and censoring.

    ``entry``: time already waited when observation starts; ``exit_``: time of the event or censoring.
    """
    times = np.unique(exit_[event])
    surv, s = [], 1.0
    out = np.ones(grid.size)
    for t in times:
        at_risk = np.count_nonzero((entry < t) & (exit_ >= t))
        d = np.count_nonzero(event & (exit_ == t))
        if at_risk:
            s *= 1 - d / at_risk
        surv.append((t, s))
    k = 0
    cur = 1.0
    for i, g in enumerate(grid):
        while k < len(surv) and surv[k][0] <= g:
            cur = surv[k][1]
            k += 1
        out[i] = cur
    return out


def _group_of(t: Tenure, dim: str) -> str:
    p = t.applicant.profile
    if dim == "type":
        return p.kind.value
    if dim == "support":
        return p.support.value
    if dim == "vulnerability":
        return "vulnerable" if p.vulnerable else "not_vulnerable"
    return p.nationality


def outcome(state: SimState, seconds: float = 0.0) -> Outcome:
    """The indicators of a finished simulation."""
    world, spec, log = state.world, state.world.spec, state.log
    days = world.days
    policy = spec.policy
    tenures = state.tenures
    housed = [t for t in tenures if t.movein_day is not None and t.movein_day <= days]
    pairs = [(t.applicant.household, _home(t)) for t in housed]
    fits = _fits(pairs, policy)

    def wait(t: Tenure) -> float:
        assert t.movein_day is not None
        return (world.date(t.movein_day) - t.applicant.profile.registered_on).days / DAYS_PER_MONTH

    def in_reception(t: Tenure) -> float:
        assert t.movein_day is not None
        return (world.date(t.movein_day) - t.applicant.profile.entered_reception).days / DAYS_PER_MONTH

    answered = log.declines + sum(1 for t in tenures if t.movein_day is not None)
    k: dict[str, float] = {
        "households": float(len(tenures)),
        "housed": float(len(housed)),
        "housed_share": 100 * len(housed) / len(tenures) if tenures else math.nan,
        "waiting_at_end": float(sum(t.status.on_list for t in tenures)),
        "left_on_own": float(sum(t.status is Status.LEFT for t in tenures)),
        "removed_after_refusals": float(sum(t.status is Status.REMOVED for t in tenures)),
        "offers": float(sum(t.offers for t in tenures)),
        "decline_rate": 100 * log.declines / answered if answered else math.nan,
        "proposals_changed": float(log.changed + log.withdrawn),
        "wait_median_months": _pct([wait(t) for t in housed], 50),
        "wait_p90_months": _pct([wait(t) for t in housed], 90),
        "reception_months_mean": _mean([in_reception(t) for t in housed]),
        "reception_person_months": _reception_person_months(state),
        "free_units_end": float(sum(s.state is UnitState.FREE for s in state.units)),
        "match_seconds_mean": _mean(log.seconds),
    }
    k.update(_fit_kpis(fits))
    grid = np.arange(0, 37, dtype=float)
    km = _km(state, grid)
    k["housed_within_12m"] = 100 * (1 - float(km[12]))

    last = log.last_result
    reasons = Counter(u.reason.value for u in last.unhoused) if last else Counter()
    total = sum(reasons.values())
    for r in REASONS:
        k[f"unhoused.{r}"] = 100 * reasons[r] / total if total else 0.0
    free_end = free_points(state, days)
    for z, name in enumerate(world.zone_names):
        cap = world.capacity[z]
        k[f"caseload_use.{name}"] = 100 * (cap - free_end[z]) / cap if cap else math.nan
    k.update(_oneshot(state))
    k.update(_money(state, housed, fits))
    k.update(lease_kpis(state))

    fit_of = {id(t): f for t, f in zip(housed, fits, strict=True)}
    groups = group_indicators(tenures, fit_of, wait, in_reception)

    placements: Counter[str] = Counter(u.commune for _, u in pairs)
    series = {
        "month": [d / DAYS_PER_MONTH for d in log.day],
        "waiting": [float(x) for x in log.waiting],
        "free_units": [float(x) for x in log.free_units],
        "proposed": [float(x) for x in log.proposed],
        "housed": [float(x) for x in log.housed_total],
    }
    return Outcome(
        spec=spec.name,
        seed=world.seed,
        kpis=k,
        groups=groups,
        series=series,
        km_months=grid.tolist(),
        km_waiting=km.tolist(),
        placements=dict(placements),
        zones=list(world.zone_names),
        seconds=seconds,
        notes=list(world.changes_log),
        fairness=fairness_summary(state),
    )


def group_indicators(
    tenures: list[Tenure],
    fit_of: dict[int, Fit],
    wait: Callable[[Tenure], float],
    in_reception: Callable[[Tenure], float],
) -> dict[str, dict[str, float]]:
    """:data:`GROUP_KPIS` of every ``"<dimension>=<value>"`` group, in :data:`DIMENSIONS` order then
    by value; ``fit_of`` holds the fits of the housed households by ``id``. The members of every group
    are collected in one pass over the households."""
    members: dict[tuple[str, str], list[Tenure]] = defaultdict(list)
    for t in tenures:
        for dim in DIMENSIONS:
            members[dim, _group_of(t, dim)].append(t)
    out: dict[str, dict[str, float]] = {}
    for dim, value in sorted(members, key=lambda key: (DIMENSIONS.index(key[0]), key[1])):
        ts = members[dim, value]
        hs = [t for t in ts if id(t) in fit_of]
        gf = [fit_of[id(t)] for t in hs]
        out[f"{dim}={value}"] = {
            "households": float(len(ts)),
            "housed_share": 100 * len(hs) / len(ts),
            "wait_median_months": _pct([wait(t) for t in hs], 50),
            "reception_months_mean": _mean([in_reception(t) for t in hs]),
            "rent_burden_median": _pct([f.burden for f in gf if f.burden is not None], 50),
            "travel_work_mean_min": _mean([f.work_min for f in gf if f.work_min is not None]),
        }
    return out


def _home(t: Tenure) -> Unit:
    assert t.home is not None
    return t.home


def _oneshot(state: SimState) -> dict[str, float]:
    assert state.oneshot is not None
    problem, result, points = state.oneshot
    hh = {h.id: h for h in problem.households}
    units = {u.id: u for u in problem.units}
    spec = state.world.spec
    fits = _fits([(hh[p.household], units[p.unit]) for p in result.proposals], spec.policy)
    out = _fit_kpis(fits, "oneshot_")
    out["oneshot_housed"] = float(len(result.proposals))
    out["oneshot_free_units"] = float(len(problem.units))
    out["oneshot_optimal"] = 100.0 if result.status.value == "optimal" else 0.0
    reasons = Counter(u.reason.value for u in result.unhoused)
    for r in REASONS:
        out[f"oneshot_unhoused.{r}"] = float(reasons[r])
    world = state.world
    for z, name in enumerate(world.zone_names):
        cap = world.capacity[z]
        used = next((zu.used_points for zu in result.zones if zu.zone == name), 0)
        out[f"oneshot_caseload_use.{name}"] = 100 * (cap - points[z] + used) / cap if cap else math.nan
    return out


def _money(state: SimState, housed: list[Tenure], fits: list[Fit]) -> dict[str, float]:
    """Monthly rent paid, top-ups and subsidies of the households housed; public cost per household."""
    world = state.world
    months_left = [(world.days - (t.movein_day or 0.0)) / DAYS_PER_MONTH for t in housed]
    workers_cost = sum(world.workers) * world.spec.support.cost_per_worker_year * world.days / 365.25
    public = workers_cost + sum(
        (f.money.top_up + f.money.subsidy) * m for f, m in zip(fits, months_left, strict=True)
    )
    return {
        "rent_paid_month": sum(f.money.paid for f in fits),
        "programme_top_up_month": sum(f.money.top_up for f in fits),
        "rent_subsidy_month": sum(f.money.subsidy for f in fits),
        "social_worker_cost": workers_cost,
        "public_cost_per_housed": public / len(housed) if housed else math.nan,
    }


def _reception_person_months(state: SimState) -> float:
    days = state.world.days
    total = 0.0
    for t in state.tenures:
        start = max(0.0, float(t.applicant.joined_day))
        if t.movein_day is not None:
            end = min(t.movein_day, days)
        elif t.status in (Status.LEFT, Status.REMOVED) and t.end_day is not None:
            end = min(t.end_day, days)
        else:
            end = float(days)
        total += max(0.0, end - start) * t.applicant.profile.persons
    return total / DAYS_PER_MONTH


def _km(state: SimState, grid: np.ndarray) -> np.ndarray:
    world, days = state.world, state.world.days
    entry, exit_, event = [], [], []
    for t in state.tenures:
        reg = t.applicant.profile.registered_on
        joined = world.date(t.applicant.joined_day)
        e = max(0, (joined - reg).days) / DAYS_PER_MONTH
        if t.movein_day is not None and t.movein_day <= days:
            end, ev = world.date(t.movein_day), True
        elif t.status in (Status.LEFT, Status.REMOVED) and t.end_day is not None:
            end, ev = world.date(min(t.end_day, days)), False
        else:
            end, ev = world.date(days), False
        x = max(0, (end - reg).days) / DAYS_PER_MONTH
        entry.append(e - 1e-9)
        exit_.append(x)
        event.append(ev)
    return kaplan_meier(np.array(entry), np.array(exit_), np.array(event, bool), grid)


def fairness_summary(state: SimState) -> dict[str, float]:
    """What the policy's fairness targets cost over the horizon, from every run's price
    (:func:`matcher.fairness.price_of`: the same run solved with and without them); empty without targets.

    ``objective_with``/``_without`` and ``housed_with``/``_without`` sum the runs the targets could be
    met in; ``travel_*_min`` is the mean trip to work of their proposals; ``moved.<group>`` the mean
    points of housed share a group gained per run; ``infeasible.<target>`` the runs naming it.
    """
    prices = state.log.fairness
    if not prices:
        return {}
    ok = [p for p in prices if p.feasible]
    with_ = float(sum(p.objective_with or 0.0 for p in ok)) if ok else math.nan
    without = float(sum(p.objective_without or 0.0 for p in ok)) if ok else math.nan
    commuters_with = sum(p.commuters_with for p in ok)
    commuters_without = sum(p.commuters_without for p in ok)
    out = {
        "runs": float(len(prices)),
        "runs_infeasible": float(len(prices) - len(ok)),
        "objective_with": with_,
        "objective_without": without,
        "price_pct": 100 * (with_ - without) / abs(without) if ok and without else math.nan,
        "housed_with": float(sum(p.housed_with for p in ok)) if ok else math.nan,
        "housed_without": float(sum(p.housed_without for p in ok)) if ok else math.nan,
        "travel_with_min": sum(p.travel_with for p in ok) / commuters_with if commuters_with else math.nan,
        "travel_without_min": (
            sum(p.travel_without for p in ok) / commuters_without if commuters_without else math.nan
        ),
    }
    for g in sorted({g for p in ok for g in p.moved}):
        out[f"moved.{g}"] = sum(p.moved.get(g, 0.0) for p in ok) / len(ok)
    for name in sorted({n for p in prices for n in p.infeasible_targets}):
        out[f"infeasible.{name}"] = float(sum(name in p.infeasible_targets for p in prices))
    return out


def lease_kpis(state: SimState) -> dict[str, float]:
    """Households back on the list after their lease ended, and those of them housed again."""
    back = [t for t in state.tenures if t.reentry]
    days = state.world.days
    return {
        "lease_reentries": float(len(back)),
        "lease_reentries_housed": float(sum(t.movein_day is not None and t.movein_day <= days for t in back)),
    }
