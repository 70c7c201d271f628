"""``python -m benchmarks scale`` records every phase and an answer that checks out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.__main__ import main
from benchmarks.families import build


def test_scale_records_each_phase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scale.json"
    main(["scale", "--family", "housing", "--size", "150", "--time-limit", "2", "--out", str(out)])
    record = json.loads(out.read_text())
    printed = capsys.readouterr().out.splitlines()
    assert json.loads(printed[0]) == record
    assert printed[1].startswith("housing 150: ")
    for phase in ("build", "presolve", "solve"):
        assert record[f"{phase}_seconds"] >= 0
        assert record[f"{phase}_peak_mb"] > 0
    problem = build("housing", 150, 0).problem
    assert record["pairs"] == problem.n_edges
    assert record["status"] in ("optimal", "feasible")
    assert record["bound"] <= record["objective"]
    assert record["peak_mb"] == max(record[f"{p}_peak_mb"] for p in ("build", "presolve", "solve"))
    assert np.isclose(record["density"], problem.n_edges / (problem.n_items * problem.n_options), atol=1e-4)


def test_scale_refuses_unknown_families() -> None:
    with pytest.raises(SystemExit):
        main(["scale", "--family", "orlib"])
