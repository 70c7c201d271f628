"""The generator: seeded, prefix-stable, and its draws follow the documented distributions."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from matcher import MatchResult, Policy, Programme, Status, match
from matcher.domain import Accessibility, PriorityRule, Weights
from matcher.geo import communes
from scenarios.data import rent_per_m2
from scenarios.generator import (
    HOUSEHOLD_TYPES,
    INTENSITIES,
    GeneratorParams,
    draw_unit,
    generate,
    generate_population,
    joint_type_nationality,
    stream,
)

N = 8000  #: households drawn for distribution checks (about one second)


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    """8,000 households of the default distributions, seed 7."""
    return generate_population(GeneratorParams(households=N, units=0), seed=7)


def test_same_seed_same_problem() -> None:
    a = generate(GeneratorParams(households=30, units=40), seed=3)
    b = generate(GeneratorParams(households=30, units=40), seed=3)
    c = generate(GeneratorParams(households=30, units=40), seed=4)
    assert a.model_dump_json() == b.model_dump_json()
    assert a.model_dump_json() != c.model_dump_json()


def test_the_old_signature_still_works_and_solves() -> None:
    result = match(generate(GeneratorParams(households=20, units=25), 0))
    assert result.status is Status.OPTIMAL


def test_more_units_keep_every_household_unit_and_zone() -> None:
    small = generate(GeneratorParams(households=25, units=20), seed=5)
    large = generate(GeneratorParams(households=25, units=35), seed=5)
    assert small.households == large.households
    assert small.units == large.units[:20]
    assert small.support_zones == large.support_zones


def test_nationality_never_reaches_the_matcher(population) -> None:  # type: ignore[no-untyped-def]
    text = population.problem.model_dump_json()
    for group in GeneratorParams().nationality_shares:
        assert f'"{group}"' not in text
    assert "nationality" not in text


@pytest.mark.parametrize("tolerance", [0.015])
def test_household_types_follow_their_shares(population, tolerance: float) -> None:  # type: ignore[no-untyped-def]
    got = Counter(p.kind for p in population.profiles)
    for kind, share in GeneratorParams().type_shares.items():
        assert abs(got[kind] / N - share) < tolerance, kind


def test_nationality_shares_hold_despite_the_type_affinity(population) -> None:  # type: ignore[no-untyped-def]
    got = Counter(p.nationality for p in population.profiles)
    for group, share in GeneratorParams().nationality_shares.items():
        assert abs(got[group] / N - share) < 0.015, group


def test_fitted_joint_table_has_both_margins_exactly() -> None:
    p = GeneratorParams()
    nats, joint = joint_type_nationality(p)
    assert np.allclose(joint.sum(axis=1), [p.type_shares[t] for t in HOUSEHOLD_TYPES])
    assert np.allclose(joint.sum(axis=0), [p.nationality_shares[n] for n in nats])
    eritrea, syria = nats.index("eritrea"), nats.index("syria")
    single = 0  # HOUSEHOLD_TYPES[0] is "single"
    assert joint[single, eritrea] / joint[:, eritrea].sum() > joint[single, syria] / joint[:, syria].sum()


def test_support_intensity_mix_is_20_50_30(population) -> None:  # type: ignore[no-untyped-def]
    got = Counter(h.support for h in population.problem.households)
    for intensity, share in zip(INTENSITIES, (0.20, 0.50, 0.30), strict=True):
        assert abs(got[intensity] / N - share) < 0.02, intensity


def test_size_and_minors_match_the_calibration(population) -> None:  # type: ignore[no-untyped-def]
    hh = population.problem.households
    persons = sum(h.persons for h in hh)
    assert 1.95 < persons / N < 2.12  # FACTS-2: mean size about 2.0-2.1
    assert 0.30 < sum(len(h.children_ages) for h in hh) / persons < 0.36  # ~33 % minors


def test_accessibility_needs_follow_their_shares(population) -> None:  # type: ignore[no-untyped-def]
    hh = population.problem.households
    step_free = sum(Accessibility.STEP_FREE in h.needs for h in hh) / N
    wheelchair = sum(Accessibility.WHEELCHAIR in h.needs for h in hh) / N
    assert abs(step_free - 0.06) < 0.01
    assert abs(wheelchair - 0.015) < 0.005


def test_incomes_without_work_are_the_revis_table(population) -> None:  # type: ignore[no-untyped-def]
    """FACTS-2 §4, from May 2025: single 1,896, couple 2,843, couple + 2 children 3,574,
    single parent + 2 children 2,800 (EUR/month, maxima)."""
    expected = {
        ("single", 0): 1896,
        ("couple", 0): 2843,
        ("couple_children", 2): 3574,
        ("single_parent", 2): 2800,
    }
    seen = set()
    for h, p in zip(population.problem.households, population.profiles, strict=True):
        key = (p.kind.value, len(h.children_ages))
        if not p.earner and key in expected:
            assert h.monthly_income == pytest.approx(expected[key], abs=1.5), key
            seen.add(key)
    assert seen == set(expected)


def test_earners_keep_a_quarter_of_their_pay_on_top_of_revis() -> None:
    p = GeneratorParams()
    revis = p.revis(2, 2, single_parent=False)
    hh = generate_population(GeneratorParams(households=3000, units=0), seed=1).problem.households
    incomes = {h.monthly_income for h in hh if h.adults == 2 and len(h.children_ages) == 2}
    assert round(revis, 2) in incomes
    assert round(p.earner_net_income + revis - 0.75 * p.earner_net_income, 2) in incomes


def test_unit_communes_are_population_weighted() -> None:
    """GLS units fall in communes in proportion to population (chi-square, seeded, n = 6,000)."""
    p = GeneratorParams()
    codes = list(communes())
    n = 6000
    got = Counter(
        draw_unit(
            p, stream(11, "unit", k), f"U{k}", available_from=p.match_date, programme=Programme.GLS
        ).commune
        for k in range(n)
    )
    pop = np.array([communes()[c].population for c in codes], float)
    expected = n * pop / pop.sum()
    observed = np.array([got[c] for c in codes], float)
    assert stats.chisquare(observed, expected).pvalue > 0.001


def test_communal_units_concentrate_in_the_largest_towns() -> None:
    p = GeneratorParams()
    n = 3000
    units = [
        draw_unit(p, stream(2, "unit", k), f"U{k}", available_from=p.match_date, programme=Programme.COMMUNAL)
        for k in range(n)
    ]
    big4 = {"0304", "0204", "0202", "0203"}  # Luxembourg, Esch-sur-Alzette, Differdange, Dudelange
    share = sum(u.commune in big4 for u in units) / n
    assert 0.58 < share < 0.70  # Fonds du Logement: about two thirds (FACTS-2 §2)


def test_unit_rent_is_the_documented_formula() -> None:
    """Rent = commune EUR/m² x surface x size damping x programme factor, capped for social programmes."""
    p = GeneratorParams()
    for k in range(300):
        u = draw_unit(p, stream(9, "unit", k), f"U{k}", available_from=p.match_date)
        market = rent_per_m2()[u.commune] * u.surface_m2 * p.rent_damping[u.bedrooms]
        rent = market * p.programme_rent_factor[u.programme]
        if u.programme is not Programme.LISKO_PRIVATE:
            rent = min(rent, p.rent_cap_by_type[u.bedrooms])
        assert u.rent == pytest.approx(max(10.0, round(rent, -1)), abs=10.01)
        assert u.charges == round(p.charges_per_m2 * u.surface_m2, -1)


def test_unit_types_follow_their_shares() -> None:
    p = GeneratorParams()
    n = 4000
    got = Counter(
        draw_unit(p, stream(4, "unit", k), "U", available_from=p.match_date).bedrooms for k in range(n)
    )
    for bedrooms, share in enumerate(p.unit_type_shares):
        assert abs(got[bedrooms] / n - share) < 0.02


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="type_shares must sum to 1"):
        GeneratorParams(type_shares={t: 0.3 for t in HOUSEHOLD_TYPES})
    with pytest.raises(ValueError, match="households"):
        GeneratorParams(households=-1)


UNHOUSED = 1e7  #: far above the sum of all pair costs of these small problems (< 100 x 5,000)


def count_first(policy: Policy | None = None) -> Policy:
    """A policy under which housing one more household beats any fit: equal priorities, a huge
    unhoused cost. Then the optimum houses the maximum number, which more units can only raise."""
    base = policy or Policy()
    return base.model_copy(
        update={
            "priority": PriorityRule(per_vulnerability=0.0, per_month_waiting=0.0),
            "weights": Weights(unhoused=UNHOUSED),
        }
    )


def proves_the_count(result: MatchResult) -> bool:
    """The solver proved that no solution houses more: its absolute gap is below one household's
    value (a solution housing one more would be cheaper by about ``UNHOUSED``)."""
    if result.status is Status.OPTIMAL:
        return True
    return (
        result.status is Status.FEASIBLE
        and result.objective is not None
        and (result.objective - result.bound < UNHOUSED / 10)
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_units_never_house_fewer_in_a_one_shot_problem(seed: int) -> None:
    counts = []
    for units in (10, 20, 40):
        result = match(generate(GeneratorParams(households=40, units=units), seed, count_first()))
        assert proves_the_count(result)
        counts.append(len(result.proposals))
    assert counts == sorted(counts)


def test_generate_cli_writes_a_valid_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher import MatchProblem
    from wunneng.cli import main

    out = tmp_path / "p.json"
    assert (
        main(
            ["scenario", "generate", "--households", "12", "--units", "15", "--seed", "2", "--out", str(out)]
        )
        == 0
    )
    assert MatchProblem.from_json(out.read_bytes()) == generate(GeneratorParams(households=12, units=15), 2)


def test_generate_cli_names_a_bad_size_as_the_core_words_it(capsys) -> None:  # type: ignore[no-untyped-def]
    from wunneng.cli import main

    assert main(["scenario", "generate", "--households", "-3", "--units", "5"]) == 2
    assert capsys.readouterr().err.strip() == "wunneng: error: --households: must be >= 0 (got -3)"


def test_the_shipped_example_is_the_generators_output() -> None:
    """The README's quick start matches examples/small.json: regenerate it when the generator changes
    (``wunneng scenario generate --households 30 --units 40 --seed 3 --out examples/small.json``)."""
    from pathlib import Path

    from matcher import MatchProblem

    example = Path(__file__).parents[2] / "examples" / "small.json"
    assert MatchProblem.from_json(example.read_bytes()) == generate(
        GeneratorParams(households=30, units=40), 3
    )


def test_preference_weights_and_occupancy_come_from_the_parameters() -> None:
    """The drawing code holds no sourced number of its own: both follow GeneratorParams."""
    p = GeneratorParams(
        households=300,
        units=200,
        preference_share=1.0,
        preference_weight_range=(0.5, 0.5),
        surface_per_occupant_m2=40,
    )
    problem = generate(p, 4)
    assert {pref.weight for h in problem.households for pref in h.preferred_communes} == {0.5}
    assert all(
        u.max_occupancy == max(1, min(2 * max(u.bedrooms, 1) + 1, int(u.surface_m2 // 40)))
        for u in problem.units
    )
    with pytest.raises(ValueError, match="preference_weight_range"):
        GeneratorParams(preference_weight_range=(0.9, 0.4))


def test_world_units_start_in_a_state_of_the_unit_state_machine(baseline) -> None:  # type: ignore[no-untyped-def]
    from scenarios.world import UnitState, build_world

    world = build_world(baseline, 0)
    states = {s.state for s in world.units}
    assert states <= set(UnitState) and all(isinstance(s, UnitState) for s in states)
    assert states == {UnitState.FREE, UnitState.LET}  # nothing is held before the first proposal
