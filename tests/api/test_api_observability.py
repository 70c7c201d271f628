"""What an operator sees: JSON logs with a request id and no personal data, Prometheus metrics,
security headers, offline docs, and the ``wunneng db upgrade`` / ``admin bootstrap`` commands."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient

from api.config import Settings
from api.logs import JsonFormatter
from api.main import create_app
from wunneng.cli import main as wunneng

CANARY_REF = "HCANARY7731"
CANARY_INCOME = 987_654


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


def test_log_lines_are_json_with_a_request_id_and_no_personal_data(
    client: TestClient, keys: Keys, log_lines: list[str]
) -> None:
    h = keys.officer
    household = {
        "id": CANARY_REF,
        "adults": 1,
        "monthly_income": CANARY_INCOME,
        "registered_on": "2025-05-01",
    }
    assert client.post("/v1/households", json=household, headers=h).status_code == 201
    bad = {**household, "id": "H-2", "adults": f"x{CANARY_INCOME}"}
    assert client.post("/v1/households", json=bad, headers=h).status_code == 422
    r = client.get("/v1/proposals", params={"household": CANARY_REF}, headers={**h, "X-Request-ID": "req-42"})
    assert r.headers["x-request-id"] == "req-42"
    assert client.get("/v1/me", headers=h).headers["x-request-id"]  # made up when not given
    try:
        raise ValueError(f"income {CANARY_INCOME}")
    except ValueError:
        logging.getLogger("wunneng.test").exception("something failed")
    parsed = [json.loads(line) for line in log_lines]  # the service's lines (httpx is this test's client)
    access = [p for p in parsed if p["logger"] == "wunneng.access"]
    assert {"route": "/v1/proposals", "status": 200, "request_id": "req-42"}.items() <= next(
        p for p in access if p.get("request_id") == "req-42"
    ).items()
    assert all(p["request_id"] for p in access)
    failed = next(p for p in parsed if p["msg"] == "something failed")
    assert failed["exc"] == "ValueError" and failed["stack"]
    text = "\n".join(line for line, p in zip(log_lines, parsed, strict=True) if p["logger"] != "httpx")
    assert CANARY_REF not in text and str(CANARY_INCOME) not in text


def test_metrics_in_prometheus_format(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(5, 6))
    run = finished_run(client, keys.officer)
    proposal = client.get(f"/v1/match-runs/{run['id']}/proposals", headers=keys.officer).json()["items"][0]
    assert client.post(f"/v1/proposals/{proposal['id']}/accept", headers=keys.officer).status_code == 200
    # the dispatcher records a run's duration when it frees the run's slot, just after the run's
    # status is stored: wait for that state (bounded), not for a time
    for _ in range(200):
        r = client.get("/metrics")
        if "wunneng_run_duration_seconds_count 1.0" in r.text:
            break
        time.sleep(0.05)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert (
        'wunneng_http_request_duration_seconds_count{method="POST",route="/v1/match-runs",status="202"}'
        in text
    )
    assert "wunneng_runs_queued 0.0" in text and "wunneng_runs_running 0.0" in text
    assert 'wunneng_decisions_total{decision="accepted"} 1.0' in text
    assert "wunneng_run_duration_seconds_count 1.0" in text
    assert proposal["household"] not in text


def test_security_headers_on_api_and_pages(settings: Settings, tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<h1>wunneng</h1>", "utf-8")
    with TestClient(create_app(settings.model_copy(update={"web_dir": web}))) as c:
        for path in ("/", "/v1/me", "/docs"):
            r = c.get(path)
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
            assert "script-src 'self';" in r.headers["content-security-policy"]


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css", "/docs-init.js"):
        assert client.get(asset).status_code == 200, asset
    assert "openapi.json" in client.get("/docs-init.js").text


def test_db_upgrade_and_admin_bootstrap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert wunneng(["db", "upgrade", "--db", url]) == 0
    assert "applied" in capsys.readouterr().out
    assert wunneng(["db", "upgrade", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == "already up to date"
    assert wunneng(["admin", "bootstrap", "--db", url]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("wn_")
    assert wunneng(["admin", "bootstrap", "--db", url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "exists already" in err
    settings = Settings(database_url=url, migrate_on_start=False, web_dir=tmp_path / "no-web")
    with TestClient(create_app(settings)) as c:
        me = c.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).json()
        assert me["role"] == "platform_admin" and me["organisation"] is None


@pytest.mark.parametrize("command", [["db", "upgrade"], ["admin", "bootstrap"]])
def test_an_unreachable_database_is_one_line_and_exit_2(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://nobody:nothing@127.0.0.1:1/none?connect_timeout=2"
    assert wunneng([*command, "--db", url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wunneng: error: cannot ") and "\n" not in err and "nothing" not in err


def test_a_bad_setting_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("WUNNENG_RUN_WORKERS", "many")
    assert wunneng(["db", "upgrade", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wunneng: error: WUNNENG_RUN_WORKERS: ") and "\n" not in err
