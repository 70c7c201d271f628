"""Spec files: shipped examples load, bases merge, and bad input gives one clear line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenarios.spec import (
    AddUnits,
    ScaleInflow,
    SpecError,
    SupportWorkers,
    load_spec,
    shipped_specs,
    spec_schema,
)
from tests.scenarios.conftest import BASELINE
from wunneng.cli import main


def test_the_three_requested_examples_are_shipped() -> None:
    names = {p.stem for p in shipped_specs()}
    assert {"baseline-2026", "gls-south-plus-100", "inflow-plus-50"} <= names


@pytest.mark.parametrize("path", shipped_specs(), ids=lambda p: p.stem)
def test_every_shipped_spec_is_valid(path: Path) -> None:
    spec = load_spec(path)
    assert spec.name == path.stem


def test_a_spec_inherits_its_base_and_adds_its_changes() -> None:
    base = load_spec(BASELINE)
    south = load_spec(BASELINE.with_name("gls-south-plus-100.toml"))
    assert south.population == base.population and south.stock == base.stock and south.policy == base.policy
    assert base.changes == [] and len(south.changes) == 1
    change = south.changes[0]
    assert isinstance(change, AddUnits) and change.count == 100 and change.zone == "south"
    inflow = load_spec(BASELINE.with_name("inflow-plus-50.toml"))
    assert isinstance(inflow.changes[0], ScaleInflow) and inflow.changes[0].factor == 1.5


def test_tables_merge_key_by_key(write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        f'base = "{BASELINE}"\nname = "x"\n[support.workers]\nnorth = 3\n[policy.weights]\ntravel_work = 2\n'
    )
    spec, base = load_spec(path), load_spec(BASELINE)
    assert (
        spec.support.workers["north"] == 3 and spec.support.workers["south"] == base.support.workers["south"]
    )
    assert (
        spec.policy.weights.travel_work == 2 and spec.policy.weights.unhoused == base.policy.weights.unhoused
    )


def test_communes_may_be_named_or_coded(write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        f'base = "{BASELINE}"\nname = "x"\n[[changes]]\nkind = "add_units"\ncount = 3\n'
        'communes = ["Esch-sur-Alzette", "0304", "esch sur sure"]\n'
    )
    change = load_spec(path).changes[0]
    assert isinstance(change, AddUnits) and change.communes == ["0204", "0304", "0802"]  # 0802: Esch-sur-Sûre


def test_the_json_schema_is_exported() -> None:
    schema = spec_schema()
    assert {"run", "population", "stock", "support", "policy", "changes"} <= set(schema["properties"])
    json.dumps(schema)


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "schema"]) == 0
    assert "changes" in json.loads(capsys.readouterr().out)["properties"]


BAD = [
    (
        "negative count",
        '[[changes]]\nkind = "add_units"\ncount = -5\nzone = "south"\n',
        "changes[0].count",
        ">= 0",
    ),
    (
        "unknown commune",
        '[[changes]]\nkind = "add_units"\ncount = 5\ncommunes = ["Eschh"]\n',
        "changes[0].communes[0]",
        "unknown commune 'Eschh'",
    ),
    (
        "misspelt key",
        "[population]\nwaiting_househols = 5\n",
        "population.waiting_househols",
        "did you mean 'waiting_households'",
    ),
    (
        "misspelt change key",
        '[[changes]]\nkind = "add_units"\ncout = 5\nzone = "south"\n',
        "changes[0].cout",
        "did you mean 'count'",
    ),
    (
        "misspelt policy key",
        "[policy.weights]\ntravel_wrk = 5\n",
        "policy.weights.travel_wrk",
        "did you mean 'travel_work'",
    ),
    (
        "unknown zone",
        '[[changes]]\nkind = "support_workers"\nzone = "nord"\nadd = 2\n',
        "changes[0].zone",
        "did you mean 'north'",
    ),
    (
        "unknown kind",
        '[[changes]]\nkind = "add_unit"\ncount = 2\n',
        "changes[0].kind",
        "did you mean 'add_units'",
    ),
    (
        "unknown canton",
        '[[changes]]\nkind = "scale_rents"\nfactor = 1.1\ncantons = ["Esch"]\n',
        "changes[0].cantons[0]",
        "unknown canton",
    ),
    (
        "negative households",
        "[population]\nwaiting_households = -1\n",
        "population.waiting_households",
        ">= 0",
    ),
    ("wrong type", '[stock]\nunits = "many"\n', "stock.units", "valid integer"),
    (
        "both amounts",
        '[[changes]]\nkind = "support_workers"\nzone = "north"\nadd = 1\nset = 2\n',
        "changes[0]",
        "exactly one of add or set",
    ),
    ("no place", '[[changes]]\nkind = "add_units"\ncount = 2\n', "changes[0]", "needs a zone"),
    ("share above 1", "[stock]\ngls_prolonged_share = 1.5\n", "stock.gls_prolonged_share", "<= 1"),
    ("negative share", "[stock]\ngls_prolonged_share = -0.1\n", "stock.gls_prolonged_share", ">= 0"),
    ("zero lease", "[stock]\nlease_months = 0\n", "stock.lease_months", "> 0"),
    ("negative AIS stay", "[stock]\nais_stay_months = -3\n", "stock.ais_stay_months", "> 0"),
]


@pytest.mark.parametrize(("body", "field", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_file_field_and_reason(write, capsys, body: str, field: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = write(f'base = "{BASELINE}"\nname = "bad"\n{body}')
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert err.value.field == field and reason in err.value.reason
    assert main(["scenario", "check", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and field in lines[0] and reason in lines[0]


def test_run_with_a_bad_spec_exits_2_before_running(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(f'base = "{BASELINE}"\nname = "bad"\n[run]\nmonths = 0\n')
    assert main(["scenario", "run", str(path), "--seeds", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "run.months" in err


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("name = 'x'\n[run\n", "", "invalid TOML"),
        ("base = 'missing.toml'\nname = 'x'\n", "base", "no such spec file"),
    ],
)
def test_unreadable_specs(write, text: str, field: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError) as err:
        load_spec(write(text))
    assert err.value.field == field and reason in err.value.reason


def test_a_cycle_of_bases_is_an_error(write) -> None:  # type: ignore[no-untyped-def]
    write('base = "b.toml"\nname = "a"\n', "a.toml")
    b = write('base = "a.toml"\nname = "b"\n', "b.toml")
    with pytest.raises(SpecError, match="cycle of bases"):
        load_spec(b)


def test_an_error_in_the_base_names_the_base(write) -> None:  # type: ignore[no-untyped-def]
    base = write("name = 'base'\n[stock]\nunits = -3\n", "base.toml")
    child = write('base = "base.toml"\nname = "child"\n', "child.toml")
    with pytest.raises(SpecError) as err:
        load_spec(child)
    assert err.value.path == str(base) and err.value.field == "stock.units"


def test_missing_file_exits_2(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["scenario", "check", "no/such/spec.toml"]) == 2
    assert "no/such/spec.toml: cannot read" in capsys.readouterr().err


def test_support_change_parses() -> None:
    spec = load_spec(BASELINE.with_name("north-workers-plus-2.toml"))
    assert isinstance(spec.changes[0], SupportWorkers) and spec.changes[0].add == 2


PYDANTIC_ERRORS = [b for b in BAD if b[0] not in ("unknown zone", "no place")]  # those two are cross-checks


@pytest.mark.parametrize("body", [b[1] for b in PYDANTIC_ERRORS], ids=[b[0] for b in PYDANTIC_ERRORS])
def test_a_spec_error_is_the_cores_one_line(write, body: str) -> None:  # type: ignore[no-untyped-def]
    """Field and reason are matcher.input_errors' one line, as for the matcher's own input."""
    from pydantic import ValidationError

    from matcher.input_errors import one_line
    from scenarios.spec import Spec, _raw

    path = write(f'base = "{BASELINE}"\nname = "bad"\n{body}')
    with pytest.raises(ValidationError) as invalid:
        Spec.model_validate(_raw(path, ()))
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert f"{err.value.field}: {err.value.reason}" == one_line(invalid.value, Spec)


def test_params_lists_the_lease_settings_with_their_sources(write, capsys) -> None:  # type: ignore[no-untyped-def]
    body = "[stock]\nlease_months = 24\ngls_prolonged_share = 0.25\n"
    path = write(f'base = "{BASELINE}"\nname = "leases"\n{body}')
    assert main(["scenario", "params", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = {line.split("|")[1].strip(" `"): line for line in out if line.count("|") > 3}
    assert "24.0" in rows["stock.lease_months"] and "FACTS-2" in rows["stock.lease_months"]
    assert "0.25" in rows["stock.gls_prolonged_share"] and "assumption" in rows["stock.gls_prolonged_share"]
    assert "36.0" in rows["stock.ais_stay_months"] and "FACTS-2" in rows["stock.ais_stay_months"]
