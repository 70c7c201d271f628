from pathlib import Path

from matcher import MatchProblem, Status, match

EXAMPLE = Path(__file__).parents[2] / "examples" / "small.json"


def test_example_is_solved_to_optimality() -> None:
    result = match(MatchProblem.from_json(EXAMPLE.read_bytes()))
    assert result.status is Status.OPTIMAL
    assert result.proposals
    assert {p.household for p in result.proposals}.isdisjoint({u.household for u in result.unhoused})
