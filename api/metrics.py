"""Prometheus metrics at ``/metrics``: request latency, run durations, queue length, decisions.

Each app owns its registry (no global one), so tests and several apps in one process do not mix.
Request latency and run durations are this instance's; queue length, runs in progress and decision
counts are read from the database at scrape time, so every instance reports the same shared truth.
Labels hold route templates and status words only, never ids or values.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from api.db import Database
from api.models import MatchRun, ProposalRow, ProposalStatus, RunStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class DatabaseCollector(Collector):
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        with self.db.reader() as session:
            runs = dict(
                session.execute(
                    select(MatchRun.status, func.count())
                    .where(MatchRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))
                    .group_by(MatchRun.status)
                ).all()
            )
            decided = dict(
                session.execute(
                    select(ProposalRow.status, func.count())
                    .where(ProposalRow.status.in_((ProposalStatus.ACCEPTED, ProposalStatus.DECLINED)))
                    .group_by(ProposalRow.status)
                ).all()
            )
        yield GaugeMetricFamily("wunneng_runs_queued", "Runs waiting for a worker", runs.get("queued", 0))
        yield GaugeMetricFamily("wunneng_runs_running", "Runs being solved", runs.get("running", 0))
        decisions = CounterMetricFamily(
            "wunneng_decisions", "Officers' decisions on proposals", labels=["decision"]
        )
        for status in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
            decisions.add_metric([status.value], decided.get(status.value, 0))
        yield decisions


class Metrics:
    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=False)  # describing would query the db
        self.requests = Histogram(
            "wunneng_http_request_duration_seconds",
            "Time to answer a request",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.runs = Histogram(
            "wunneng_run_duration_seconds",
            "Time a run spent claimed by this instance (build, solve, store)",
            buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
            registry=self.registry,
        )
        self.registry.register(DatabaseCollector(db))

    def request_done(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)

    def run_done(self, seconds: float) -> None:
        self.runs.observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
