"""Helpers for the operations tests: real uvicorn instances on loopback, seeded organisations.

Imported as a plain module (pytest puts this folder on the path), like ``api_helpers``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from api.db import Database
from api.models import Role
from api.security import Principal
from api.services import admin, records
from scenarios.generator import GeneratorParams, generate

#: leases short enough that a take-over happens within seconds in a test
FAST_LEASES = {
    "WUNNENG_RUN_LEASE_SECONDS": "4",
    "WUNNENG_RUN_HEARTBEAT_SECONDS": "0.5",
    "WUNNENG_RUN_POLL_SECONDS": "0.2",
    "WUNNENG_RUN_MAX_ATTEMPTS": "3",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    """One ``uvicorn`` process serving ``create_app()`` from the environment."""

    name: str
    database_url: str
    log_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self, timeout: float = 60.0) -> Instance:
        env = {
            **os.environ,
            **FAST_LEASES,
            "WUNNENG_DATABASE_URL": self.database_url,
            "WUNNENG_INSTANCE_ID": self.name,
            "WUNNENG_SOLVER_WORKERS": "1",
            **self.env,
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"instance {self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/livez", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"instance {self.name} did not start")

    def children(self) -> list[int]:
        """Process ids of this instance's worker processes (Linux /proc)."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        out: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            text = (task / "children").read_text() if (task / "children").exists() else ""
            out += [int(p) for p in text.split()]
        return out or ([int(p) for p in path.read_text().split()] if path.exists() else [])

    def stop(self) -> None:
        """A graceful stop (SIGTERM), as a rolling restart does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def kill(self) -> None:
        """kill -9."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))


def seed_organisation(
    db: Database, org: str, households: int, units: int, seed: int, roles: tuple[Role, ...] = (Role.OFFICER,)
) -> dict[Role, dict[str, str]]:
    """An organisation with generated records (through the records service) and one key per role."""
    problem = generate(GeneratorParams(households=households, units=units, match_date=date.today()), seed)
    out: dict[Role, dict[str, str]] = {}
    with db.sessions() as session:
        admin.create_organisation(session, None, org, org.title())
        for role in roles:
            made = admin.create_key(session, None, org, f"{role.value}-{org}", role)
            out[role] = {"Authorization": f"Bearer {made.key}"}
        creator = admin.create_key(session, None, org, f"seeder-{org}", Role.ADMIN)
        who = Principal(creator.id, f"seeder-{org}", Role.ADMIN, org)
        for kind, docs in (
            (records.HOUSEHOLDS, problem.households),
            (records.UNITS, problem.units),
            (records.SUPPORT_ZONES, problem.support_zones),
        ):
            if docs:
                records.import_records(session, who, kind, [d.model_dump(mode="json") for d in docs])
    return out
