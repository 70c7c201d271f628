"""Load test of the HTTP service on loopback: 16 clients reading while one organisation solves a
6,000-household run and four others start small runs.

Starts its own server (``uvicorn --factory api.main:create_app``) on a fresh SQLite file (or
``--db``), seeds the organisations with ``scenarios.generator`` data through the records service,
then reports the latency of the other requests (p50 / p99 / max, and throughput) before and during
the big run, and how long the other organisations' runs waited in the queue. Bounded: it stops
after the big run finishes (or ``--max-seconds``) and prints one JSON object.

    python -m benchmarks.service_load                   # defaults: 16 clients, 6,000 households
    python -m benchmarks.service_load --households 1500 --clients 8
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

SMALL_ORGS = ("north", "east", "south", "west")
READS = (
    "/v1/me",
    "/v1/households?limit=20",
    "/v1/units?limit=20",
    "/v1/proposals?status=open&limit=20",
    "/v1/match-runs?limit=5",
    "/v1/stats/overview",
)


def seed(database_url: str, households: int) -> dict[str, str]:
    """Organisations with generated records and an officer key each; returns org -> key."""
    from api.db import Database, migrate
    from api.models import Role
    from api.security import Principal
    from api.services import admin, records
    from scenarios.generator import GeneratorParams, generate

    migrate(database_url)
    db = Database(database_url)
    keys: dict[str, str] = {}
    sizes = {"big": households, **dict.fromkeys(SMALL_ORGS, 60)}
    with db.sessions() as session:
        for k, (org, n) in enumerate(sizes.items()):
            admin.create_organisation(session, None, org, org.title())
            key = admin.create_key(session, None, org, f"officer-{org}", Role.OFFICER)
            keys[org] = key.key
            who = Principal(key.id, f"officer-{org}", Role.OFFICER, org)
            problem = generate(GeneratorParams(households=n, units=int(n * 1.1), match_date=date.today()), k)
            for kind, docs in (
                (records.HOUSEHOLDS, problem.households),
                (records.UNITS, problem.units),
                (records.SUPPORT_ZONES, problem.support_zones),
            ):
                records.import_records(session, who, kind, [d.model_dump(mode="json") for d in docs])
    db.dispose()
    return keys


@dataclass
class Sample:
    at: float
    seconds: float
    status: int


@dataclass
class Shared:
    base: str
    stop: threading.Event = field(default_factory=threading.Event)
    samples: list[Sample] = field(default_factory=list)
    small_runs: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def reader(shared: Shared, key: str, k: int) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=shared.base, headers=headers, timeout=120) as client:
        i = k
        while not shared.stop.is_set():
            path = READS[i % len(READS)]
            i += 1
            t = time.perf_counter()
            try:
                status = client.get(path).status_code
            except httpx.HTTPError:
                status = 0
            with shared.lock:
                shared.samples.append(Sample(time.monotonic(), time.perf_counter() - t, status))


def small_runner(shared: Shared, key: str, pause: float) -> None:
    """Start a small run, follow it to the end, record how long it waited to start; repeat."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=shared.base, headers=headers, timeout=120) as client:
        while not shared.stop.is_set():
            made = time.monotonic()
            r = client.post("/v1/match-runs", json={"time_limit": 5})
            if r.status_code != 202:
                time.sleep(pause)
                continue
            run = r.json()
            while run["status"] in ("queued", "running") and not shared.stop.is_set():
                time.sleep(0.2)
                run = client.get(f"/v1/match-runs/{run['id']}").json()
            if run["started_at"] is not None:
                wait = (_ts(run["started_at"]) - _ts(run["created_at"])).total_seconds()
                with shared.lock:
                    shared.small_runs.append(
                        {
                            "made": made,
                            "status": run["status"],
                            "queued_s": wait,
                            "total_s": time.monotonic() - made,
                        }
                    )
            shared.stop.wait(pause)


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def stats(samples: list[Sample]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    s = np.array([x.seconds for x in samples])
    span = max(x.at for x in samples) - min(x.at for x in samples) or 1.0
    return {
        "n": len(samples),
        "p50_ms": round(1000 * float(np.percentile(s, 50)), 1),
        "p99_ms": round(1000 * float(np.percentile(s, 99)), 1),
        "max_ms": round(1000 * float(s.max()), 1),
        "per_s": round(len(samples) / span, 1),
        "errors": sum(x.status != 200 for x in samples),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    p.add_argument("--households", type=int, default=6000)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--time-limit", type=float, default=30.0, help="the big run's solver time limit")
    p.add_argument("--warmup", type=float, default=5.0, help="seconds of reads before the big run")
    p.add_argument("--max-seconds", type=float, default=180.0, help="hard stop")
    args = p.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="wunneng-load-"))
    url = args.db or f"sqlite:///{folder / 'load.db'}"
    t = time.monotonic()
    keys = seed(url, args.households)
    seeded = time.monotonic() - t
    port = free_port()
    env = {**os.environ, "WUNNENG_DATABASE_URL": url}
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.main:create_app",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    shared = Shared(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{shared.base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        small = [keys[o] for o in SMALL_ORGS]
        threads = [
            threading.Thread(target=reader, args=(shared, small[k % len(small)], k), daemon=True)
            for k in range(args.clients)
        ] + [threading.Thread(target=small_runner, args=(shared, key, 2.0), daemon=True) for key in small]
        start = time.monotonic()
        for th in threads:
            th.start()
        time.sleep(args.warmup)
        big = {"Authorization": f"Bearer {keys['big']}"}
        with httpx.Client(base_url=shared.base, headers=big, timeout=120) as client:
            big_from = time.monotonic()
            run = client.post("/v1/match-runs", json={"time_limit": args.time_limit}).json()
            while run["status"] in ("queued", "running") and time.monotonic() - start < args.max_seconds:
                time.sleep(0.25)
                run = client.get(f"/v1/match-runs/{run['id']}").json()
            big_to = time.monotonic()
        time.sleep(2.0)
        shared.stop.set()
        for th in threads:
            th.join(30)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    before = [x for x in shared.samples if x.at < big_from]
    during = [x for x in shared.samples if big_from <= x.at <= big_to]
    waits = [r for r in shared.small_runs if big_from - 1 <= r["made"] <= big_to]
    report = {
        "households": args.households,
        "clients": args.clients,
        "seed_seconds": round(seeded, 1),
        "big_run": {
            "status": run["status"],
            "seconds_end_to_end": round(big_to - big_from, 1),
            "solver_seconds": run.get("seconds"),
            "method": run.get("method"),
        },
        "reads_before": stats(before),
        "reads_during_big_run": stats(during),
        "other_orgs_runs_during_big_run": {
            "n": len(waits),
            "queued_s_max": round(max((r["queued_s"] for r in waits), default=0.0), 1),
            "queued_s_mean": round(float(np.mean([r["queued_s"] for r in waits])) if waits else 0.0, 1),
            "end_to_end_s_max": round(max((r["total_s"] for r in waits), default=0.0), 1),
            "statuses": sorted({r["status"] for r in waits}),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
