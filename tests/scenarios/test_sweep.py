"""Sweeps: designs from SALib, runs saved and resumed by spec hash and seed, failures recorded, and
the same outcomes on a real local Ray cluster as on the local process pool."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from scenarios.runner import Task
from scenarios.spec import Spec, SpecError
from scenarios.sweep import (
    Done,
    LocalExecutor,
    Parameter,
    RayExecutor,
    design,
    run_sweep,
    sobol_indices,
    spec_hash,
    tornado,
    with_values,
)
from tests.scenarios.conftest import small

PARAMS = [Parameter("stock.units", 400, 900), Parameter("population.leave_list_per_month", 0.01, 0.04)]
#: Indicators that depend on wall time, not on the draws.
TIMING = {"match_seconds_mean"}


def tiny(baseline: Spec) -> Spec:
    spec = small(baseline, scale=0.04, months=2)
    return spec.model_copy(update={"run": spec.run.model_copy(update={"time_limit": 60.0})})


def test_parameters_parse_and_name_their_error() -> None:
    assert Parameter.parse("stock.units=500:900") == Parameter("stock.units", 500.0, 900.0)
    for bad in ("stock.units", "stock.units=9:1", "stock.units=a:b"):
        with pytest.raises(ValueError, match="--param"):
            Parameter.parse(bad)


def test_values_are_set_by_path_and_integers_stay_integers(baseline: Spec) -> None:
    spec = with_values(baseline, PARAMS, [612.7, 0.025], "x")
    assert spec.stock.units == 613 and spec.population.leave_list_per_month == 0.025
    assert spec_hash(spec) != spec_hash(baseline)
    assert spec_hash(spec) == spec_hash(spec.model_copy(update={"name": "y"}))
    with pytest.raises(SpecError, match=r"stock\.unit"):
        with_values(baseline, [Parameter("stock.unit", 1, 2)], [1.5], "x")


def test_designs_have_their_size_and_stay_in_range() -> None:
    lhs = design(PARAMS, "lhs", 10, seed=1)
    assert lhs.shape == (10, 2)
    sob = design(PARAMS, "sobol", 8, seed=1)
    assert sob.shape == (8 * (2 * 2 + 2), 2)
    for pts in (lhs, sob):
        for k, p in enumerate(PARAMS):
            assert (pts[:, k] >= p.low).all() and (pts[:, k] <= p.high).all()


class FailFirst:
    """The local pool, but the first task fails."""

    def run(self, tasks: Sequence[Task]) -> Iterator[Done]:
        for d in LocalExecutor(1).run(tasks):
            yield Done(d.index, None, "boom") if d.index == 0 else d


def test_runs_are_saved_resumed_and_a_failure_is_not_fatal(baseline: Spec, tmp_path: Path) -> None:
    base = tiny(baseline)
    points = design(PARAMS, "lhs", 3, seed=2)
    first = run_sweep(base, PARAMS, points, [0, 1], tmp_path, FailFirst())
    assert len(first.failures) == 1 and len(first.outcomes) == 5
    assert len(list(tmp_path.glob("*.failed.json"))) == 1
    again = run_sweep(base, PARAMS, points, [0, 1], tmp_path, LocalExecutor(1))
    assert again.reused == 5 and not again.failures and len(again.outcomes) == 6
    assert again.outcomes[(1, 0)].kpis == pytest.approx(first.outcomes[(1, 0)].kpis, nan_ok=True)
    t = tornado(again, "housed")
    assert set(t.low) == {p.path for p in PARAMS}
    assert sobol_indices(again, "housed") is None  # a Latin hypercube has no Sobol indices


def test_sobol_indices_of_a_sobol_design(baseline: Spec, tmp_path: Path) -> None:
    """The list's size moves the number of households on it; the number of units does not."""
    params = [Parameter("population.waiting_households", 200, 1200), Parameter("stock.units", 400, 900)]
    points = design(params, "sobol", 4, seed=4)
    result = run_sweep(tiny(baseline), params, points, [0], tmp_path, LocalExecutor(2), kind="sobol")
    si = sobol_indices(result, "households")
    assert si is not None
    assert si["population.waiting_households"][1] > 0.5 > abs(si["stock.units"][1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A real one-node Ray cluster on loopback, started with ``ray start --head`` and stopped after."""
    import ray

    port = _free_port()
    temp = tempfile.mkdtemp(prefix="wray", dir="/tmp")
    ray_cli = Path(sys.executable).with_name("ray")
    head = subprocess.Popen(
        [
            str(ray_cli),
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--node-ip-address=127.0.0.1",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--temp-dir={temp}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                ray.init(address=address, log_to_driver=False)
                ray.shutdown()
                break
            except Exception:
                if time.monotonic() > deadline or head.poll() is not None:
                    raise
                time.sleep(2)
        yield address
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait(30)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_a_sweep_on_a_local_ray_cluster_gives_the_local_outcomes(
    baseline: Spec, ray_cluster: str, tmp_path: Path
) -> None:
    base = tiny(baseline)
    points = design(PARAMS, "lhs", 3, seed=3)
    local = run_sweep(base, PARAMS, points, [0, 1], tmp_path / "local", LocalExecutor(2))
    remote = run_sweep(base, PARAMS, points, [0, 1], tmp_path / "ray", RayExecutor(ray_cluster))
    assert not local.failures and not remote.failures
    assert set(local.outcomes) == set(remote.outcomes) and len(local.outcomes) == 6
    for key, o in local.outcomes.items():
        r = remote.outcomes[key]
        same = {k: v for k, v in o.kpis.items() if k not in TIMING}
        assert {k: v for k, v in r.kpis.items() if k not in TIMING} == pytest.approx(same, nan_ok=True)
        for group, values in o.groups.items():
            assert r.groups[group] == pytest.approx(values, nan_ok=True), group
        assert np.allclose(r.km_waiting, o.km_waiting)
