"""OR-Library problems through matcher's generic layer reach their published optima, with proof."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.__main__ import main
from benchmarks.orlib import read_assign, read_gap

DATA = Path(__file__).parents[1] / "data" / "orlib"

#: from tests/data/orlib/README.md (OR-Library gapinfo / assigninfo, Chu & Beasley)
PUBLISHED = [
    ("gap1.txt", "max", [336, 327, 339, 341, 326]),
    ("gap1.txt", "min", [261, 269, 256, 274, 251]),
    ("gap2.txt", "max", [434, 436, 420, 419, 428]),
    ("gap2.txt", "min", [277, 269, 260, 269, 267]),
    ("gap12.txt", "max", [1451, 1449, 1433, 1447, 1446]),
    ("a05100", "min", [1698]),
    ("b05100", "min", [1843]),
    ("c05100", "min", [1931]),
]


def records(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    main(argv)
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def proves(record: dict[str, object], sense: str) -> bool:
    """Integer costs: a bound within less than one of the objective proves it optimal."""
    objective, bound = float(record["objective"]), float(record["bound"])  # type: ignore[arg-type]
    return objective - bound < 1 - 1e-6 if sense == "min" else bound - objective < 1 - 1e-6


@pytest.mark.slow
@pytest.mark.parametrize(("name", "sense", "optima"), PUBLISHED)
def test_gap_reaches_the_published_optimum(
    capsys: pytest.CaptureFixture[str], name: str, sense: str, optima: list[int]
) -> None:
    out = records(capsys, ["orlib", "gap", str(DATA / name), "--sense", sense, "--time-limit", "20"])
    assert [r["objective"] for r in out] == optima
    assert all(proves(r, sense) for r in out)
    assert {tuple(sorted(r)) for r in out} == {("bound", "objective", "problem", "seconds", "status")}


def test_assignment_reaches_the_published_optimum(capsys: pytest.CaptureFixture[str]) -> None:
    (out,) = records(capsys, ["orlib", "assign", str(DATA / "assign100.txt")])
    assert out["problem"] == "assign100"
    assert out["objective"] == 305
    assert out["status"] == "optimal"


def test_both_gap_formats_read_the_same_problem(tmp_path: Path) -> None:
    first = read_gap(DATA / "gap1.txt")[0]
    numbers = [first.agents, first.jobs, *first.cost.ravel(), *first.resource.ravel(), *first.capacity]
    single = tmp_path / "c0515-1"
    single.write_text("\n".join(" ".join(map(str, numbers[k : k + 12])) for k in range(0, len(numbers), 12)))
    (again,) = read_gap(single)
    assert again.name == "c0515-1"
    assert np.array_equal(again.cost, first.cost)
    assert np.array_equal(again.resource, first.resource)
    assert np.array_equal(again.capacity, first.capacity)


def test_multi_problem_file_gives_every_problem_in_order() -> None:
    problems = read_gap(DATA / "gap2.txt")
    assert [p.name for p in problems] == [f"gap2-{k}" for k in range(1, 6)]
    assert {(p.agents, p.jobs) for p in problems} == {(5, 20)}


@pytest.mark.parametrize("text", ["", "2\n5 15\n1 2 3", "3\n1 2\n"])
def test_truncated_files_are_rejected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(ValueError):
        read_gap(path)


def test_assignment_reader_rejects_a_non_square_matrix(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("3\n1 2 3\n4 5 6\n")
    with pytest.raises(ValueError):
        read_assign(path)
