"""Bad input: a clear error naming the record and the field, from Python and from the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matcher import InvalidProblemError, MatchProblem, Pair, match
from wunneng.cli import main

from .builders import household, problem, unit


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(problem([household()], [unit()]).model_dump_json())
    return doc


@pytest.mark.parametrize(
    ("edit", "record", "field", "reason"),
    [
        (lambda d: d["units"][0].update(commune="9999"), "unit U1", "commune", "unknown commune"),
        (lambda d: d["units"][0].update(rent=-5), "units[0]", "rent", "must be >= 0.0 (got -5)"),
        (
            lambda d: d["households"][0].update(adults=-1),
            "households[0]",
            "adults",
            "must be >= 1 (got -1)",
        ),
        (lambda d: d["units"][0].update(surface_m2="NaN"), "units[0]", "surface_m2", "finite"),
        (lambda d: d["units"].append(dict(d["units"][0])), "unit U1", "id", "duplicate"),
        (lambda d: d["households"][0].update(adlts=2), "households[0]", "adlts", "did you mean 'adults'?"),
        (lambda d: d.pop("units"), "", "units", "required key is missing"),
        (lambda d: d.update(unitz=d.pop("units")), "", "unitz", "unknown key; did you mean 'units'?"),
        (
            lambda d: d["households"][0].update(work={"lat": 80.0, "lon": 6.0}),
            "households[0]",
            "work.lat",
            "must be <= 50.5 (got 80.0)",
        ),
        (
            lambda d: d.update(support_zones=[{"id": "z", "communes": ["0204"], "capacity_points": -1}]),
            "support_zones[0]",
            "capacity_points",
            "must be >= 0",
        ),
        (lambda d: d.update(pins=[{"household": "H1", "unit": "U9"}]), "pins[0]", "unit", "unknown id"),
    ],
)
def test_bad_input_names_record_and_field(edit: Any, record: str, field: str, reason: str) -> None:
    doc = _doc()
    edit(doc)
    with pytest.raises(InvalidProblemError) as err:
        MatchProblem.from_json(json.dumps(doc))
    assert (err.value.record, err.value.field) == (record, field)
    assert reason in err.value.reason


def test_a_top_level_key_is_named_once() -> None:
    """It read ``units: units: Field required``."""
    doc = _doc()
    del doc["units"]
    with pytest.raises(InvalidProblemError) as err:
        MatchProblem.from_json(json.dumps(doc))
    assert str(err.value) == "units: required key is missing"


def test_pin_to_an_ineligible_pair_says_why() -> None:
    p = problem([household(monthly_income=500.0)], [unit()], pins=[Pair(household="H1", unit="U1")])
    with pytest.raises(InvalidProblemError, match="pins\\[0\\]: unit: the pair is not eligible: over_budget"):
        match(p)


def test_cli_bad_input_exits_2_with_one_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc()
    doc["units"][0]["commune"] = "9999"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    assert main(["match", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"wunneng: error: {path}: unit U1: commune: unknown commune code '9999'"
    assert "Traceback" not in err


def test_cli_malformed_json_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert main(["match", str(path)]) == 2
    assert "Invalid JSON" in capsys.readouterr().err
    assert main(["match", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_pricing_a_movable_household_without_the_units_is_a_matcher_error() -> None:
    """Staying is priced by the fit of the current home, which needs the units."""
    from matcher import MatcherError
    from matcher.arrays import household_arrays, unit_arrays
    from matcher.costs import unhoused_costs

    p = problem([household(current_unit="U1")], [unit()])
    with pytest.raises(MatcherError) as err:
        unhoused_costs(household_arrays(p), p.policy)
    assert isinstance(err.value, InvalidProblemError) and err.value.field == "current_unit"
    assert unhoused_costs(household_arrays(p), p.policy, unit_arrays(p))[0] > 0


def test_an_incomplete_shipped_transit_matrix_is_a_matcher_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from matcher import transit
    from matcher.errors import MatcherError, ShippedDataError

    real = transit._read

    def without_last_pair(name: str) -> list[dict[str, str]]:
        rows = real(name)
        return rows[:-1] if name == "lu_transit_minutes.csv" else rows

    transit.transit_matrix.cache_clear()
    monkeypatch.setattr(transit, "_read", without_last_pair)
    try:
        with pytest.raises(ShippedDataError, match="lacks some pairs") as caught:
            transit.transit_matrix()
        assert isinstance(caught.value, MatcherError)
    finally:
        monkeypatch.undo()
        transit.transit_matrix.cache_clear()
    assert transit.transit_matrix().ids  # the real file still loads
