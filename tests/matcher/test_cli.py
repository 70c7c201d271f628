"""The README's main command and what a user of the command line expects of it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from matcher import MatchProblem, MatchResult, Pair, Status, SupportZone
from matcher.validate import violations
from wunneng import cli
from wunneng.cli import main

from .builders import household, problem, unit

EXAMPLE = Path(__file__).parents[2] / "examples" / "small.json"


def wunneng(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wunneng", *args], input=stdin, capture_output=True, check=False
    )


def test_readme_main_command_prints_a_summary_table() -> None:
    run = wunneng("match", str(EXAMPLE))
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().startswith("status optimal")
    assert b"household" in run.stdout and b"unhoused" in run.stdout


def test_out_writes_a_full_valid_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    assert main(["match", str(EXAMPLE), "--out", str(out), "--time-limit", "20"]) == 0
    result = MatchResult.model_validate_json(out.read_text())
    problem = MatchProblem.from_json(EXAMPLE.read_bytes())
    assert result.status is Status.OPTIMAL and result.gap == 0
    assert violations(problem, result) == []
    assert "optimal" in capsys.readouterr().err


def test_json_and_csv_go_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", str(EXAMPLE), "--format", "json", "-q"]) == 0
    captured = capsys.readouterr()
    result = MatchResult.model_validate_json(captured.out)
    assert captured.err == ""
    assert main(["match", str(EXAMPLE), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["household"] for r in rows] == [p.household for p in result.proposals] + [
        u.household for u in result.unhoused
    ]
    assert {r["reason"] for r in rows if not r["unit"]} == {u.reason.value for u in result.unhoused}


def test_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    assert main(["match", "-", "--format", "json"]) == 0
    assert MatchResult.model_validate_json(capsys.readouterr().out).status is Status.OPTIMAL
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{}")))
    assert main(["match", "-"]) == 2
    assert capsys.readouterr().err.startswith("wunneng: error: <stdin>: ")


def test_an_infeasible_problem_is_printed_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = SupportZone(id="south", communes={"0204"}, capacity_points=3)
    pins = [Pair(household="H1", unit="U1"), Pair(household="H2", unit="U2")]
    p = problem([household("H1"), household("H2")], [unit("U1"), unit("U2")], support_zones=[zone], pins=pins)
    path = tmp_path / "pins.json"
    path.write_text(p.model_dump_json())
    assert main(["match", str(path)]) == 3
    captured = capsys.readouterr()
    assert captured.out.startswith("status infeasible") and "south" in captured.err


def test_a_closed_pipe_ends_quietly() -> None:
    """``wunneng schema | head -1`` printed a BrokenPipeError traceback.

    The reader is closed before the child starts, so its first write fails whatever the pipe's
    buffer size (reading one byte and closing raced a child that had already written everything).
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "wunneng", "schema"], stdout=write_end, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == b""


def test_help_loads_no_solver() -> None:
    """``--help`` must not import the numerical stack (it took seconds)."""
    code = (
        "import sys\nfrom wunneng.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'scipy', 'numba', 'ortools', 'fastapi') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_a_match_loads_no_cp_sat() -> None:
    """CP-SAT (with pandas, through ortools) took a second to import on every match that never used it."""
    code = (
        "import sys\nfrom wunneng.cli import main\n"
        "main(['match', 'examples/small.json', '--format', 'json'])\n"
        "print(sorted(m for m in ('ortools', 'pandas') if m in sys.modules), file=sys.stderr)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert run.stderr.strip().splitlines()[-1] == "[]"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("wunneng 0.")


def test_unknown_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mach", "x.json"]) == 2
    assert capsys.readouterr().err == "wunneng: error: unknown command 'mach'; did you mean 'match'?\n"


def test_a_plugin_without_its_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(cli.PLUGINS, "serve", cli.Plugin("wunneng_absent_module", "the service", "service"))
    assert main(["serve"]) == 2
    assert "pip install 'wunneng[service]'" in capsys.readouterr().err


def test_schema_is_the_input_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"households", "units", "match_date"} <= set(schema["required"])
    assert "Household" in schema["$defs"]


def test_bad_options_name_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", str(EXAMPLE), "--time-limit", "0"]) == 2
    assert capsys.readouterr().err == "wunneng: error: --time-limit: must be positive\n"


def test_a_plugin_command_missing_a_dependency_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``wunneng serve`` on a core-only install raised ModuleNotFoundError: uvicorn."""
    import api.cli

    def serve(_: object) -> int:
        import wunneng_absent_server  # type: ignore[import-not-found]  # noqa: F401

        return 0

    real = api.cli.register

    def register(sub: Any) -> None:
        real(sub)
        sub.choices["serve"].set_defaults(func=serve)

    monkeypatch.setattr(api.cli, "register", register)
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "wunneng: error: `wunneng serve` needs wunneng_absent_server: pip install 'wunneng[service]'\n"
    )
