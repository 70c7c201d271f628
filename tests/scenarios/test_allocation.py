"""Allocation rules of a spec: first come first served, the look-ahead (off by default), the CLI."""

from __future__ import annotations

from datetime import date

from matcher.domain import SupportZone
from scenarios.first_come import first_come
from scenarios.spec import Spec
from tests.matcher.builders import household, problem, unit
from wunneng.cli import main


def test_lookahead_is_off_and_the_optimiser_is_the_rule_by_default(baseline: Spec) -> None:
    assert baseline.allocation.lookahead is False
    assert baseline.allocation.rule == "optimise"


def test_first_come_serves_the_earliest_registration_its_best_unit_first() -> None:
    early = household("H2", registered_on=date(2024, 1, 1))
    late = household("H1", registered_on=date(2025, 6, 1))
    near = unit("U1", commune="0204")
    far = unit("U2", commune="0304", rent=540.0)  # dearer: more rent burden, a worse fit
    got = first_come(problem([late, early], [far, near]))
    assert got["H2"] == "U1"
    assert got["H1"] == "U2"


def test_first_come_respects_caseload_points() -> None:
    zone = SupportZone(id="south", communes=frozenset({"0204"}), capacity_points=2)
    hs = [household("H1", registered_on=date(2024, 1, 1)), household("H2", registered_on=date(2024, 2, 1))]
    us = [unit("U1"), unit("U2")]
    got = first_come(problem(hs, us, support_zones=[zone]))
    assert got == {"H1": got["H1"]}  # one normal household (2 points) fills the zone


def test_hindsight_cli_names_a_bad_policy(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["scenario", "hindsight", "scenarios/specs/baseline-2026.toml", "--policies", "greedy"]) == 2
    assert "greedy" in capsys.readouterr().err
