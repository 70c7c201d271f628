"""Small scenario fixtures: every simulation in these tests runs in well under a second."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scenarios.spec import SPEC_DIR, Spec, load_spec, validate_spec

BASELINE = SPEC_DIR / "baseline-2026.toml"


def small(spec: Spec, scale: float = 0.05, months: int = 4, **run: Any) -> Spec:
    """The same scenario, shrunk: fewer households, units and workers, a shorter horizon."""
    return spec.model_copy(
        update={"run": spec.run.model_copy(update={"scale": scale, "months": months, **run})}
    )


@pytest.fixture(scope="session")
def baseline() -> Spec:
    """The shipped baseline spec, at 5 % of its size and over 4 months."""
    return small(load_spec(BASELINE))


@pytest.fixture()
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a spec file into a temporary folder and return its path."""

    def _write(text: str, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path

    return _write


def spec_from(table: dict[str, Any]) -> Spec:
    """A spec from a table, on top of the defaults (no file)."""
    return validate_spec({"name": "t", **table})
