"""Browser tests: the real app under uvicorn on a free loopback port, over a temporary SQLite
database seeded exactly as ``wunneng serve --demo`` seeds it, driven by Playwright in Debian's
Chromium (``apt-get install chromium``; Playwright's own browser download is not used).

Screenshots go to ``out/screenshots/`` (git-ignored). Set ``WUNNENG_DOCS_SCREENSHOT=1`` to also
refresh ``docs/officer.png``, the README's picture of the officer page.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, sync_playwright

from api.config import Settings
from api.db import Database, migrate
from api.demo import seed_demo
from api.main import create_app
from api.oidc import OidcSettings
from tests.web.browser import Server
from tests.web.oidc_provider import provider

CHROMIUM = os.environ.get("WUNNENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A laptop screen: the pages must be usable at this size.
VIEWPORT = {"width": 1440, "height": 900}


@pytest.fixture(scope="session")
def issuer() -> Iterator[str]:
    """A real OpenID Connect provider on loopback (tests/web/oidc_provider.py)."""
    with provider() as url:
        yield url


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, issuer: str) -> Iterator[Server]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('web-db') / 'web.db'}"
    migrate(database_url)
    db = Database(database_url)
    keys = {k.name: k.key for k in seed_demo(db)}
    db.dispose()
    oidc = OidcSettings(issuer=issuer, client_id="wunneng", client_secret="web-tests")
    app = create_app(Settings(database_url=database_url, run_time_limit=10, solver_workers=1, oidc=oidc))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", keys, issuer)
    uv.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
        )
        yield context
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A fresh tab (its own sessionStorage, so its own sign-in). Fails the test on any uncaught
    script error or console error other than an HTTP status the test provoked on purpose."""
    tab = browser.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_error(error: Error) -> None:
        problems.append(str(error))

    tab.on("console", on_console)
    tab.on("pageerror", on_error)
    yield tab
    tab.close()
    assert problems == []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against the app (tests/web)")
