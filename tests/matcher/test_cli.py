"""The README's main command and the CLI's outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import MatchProblem, MatchResult, Status
from matcher.validate import violations
from wunneng.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "small.json"


def test_readme_main_command_prints_a_summary_table() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "wunneng", "match", str(EXAMPLE)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("status optimal")
    assert "household" in run.stdout and "unhoused" in run.stdout


def test_out_writes_a_full_valid_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    assert main(["match", str(EXAMPLE), "--out", str(out), "--time-limit", "20"]) == 0
    result = MatchResult.model_validate_json(out.read_text())
    problem = MatchProblem.from_json(EXAMPLE.read_bytes())
    assert result.status is Status.OPTIMAL and result.gap == 0
    assert violations(problem, result) == []
    assert "optimal" in capsys.readouterr().out


def test_schema_is_the_input_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"households", "units", "match_date"} <= set(schema["required"])
    assert "Household" in schema["$defs"]
