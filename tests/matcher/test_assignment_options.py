"""SolveOptions refuses bad values with an error that names the field."""

from __future__ import annotations

from typing import Any

import pytest

from matcher.assignment import SolveOptions
from matcher.errors import InvalidProblemError, MatcherError


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", "simplex"),
        ("time_limit", 0),
        ("time_limit", -1.0),
        ("time_limit", float("inf")),
        ("time_limit", float("nan")),
        ("workers", 0),
        ("workers", 2.5),
        ("workers", True),
        ("seed", -1),
        ("seed", "7"),
        ("candidates", 0),
        ("gap_limit", -0.1),
        ("gap_limit", 1.0),
        ("on_progress", 3),
    ],
)
def test_bad_option_names_its_field(field: str, value: Any) -> None:
    with pytest.raises(InvalidProblemError) as err:
        SolveOptions(**{field: value})
    assert err.value.field == field
    assert isinstance(err.value, MatcherError)


def test_good_options_are_accepted() -> None:
    opts = SolveOptions(
        method="relax", time_limit=0.5, workers=1, seed=5, gap_limit=0.01, on_progress=lambda *_: False
    )
    assert opts.time_limit == 0.5
