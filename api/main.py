"""The application factory: ``create_app(settings)`` builds one self-contained service instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.db import Database, migrate
from api.deps import AppContext
from api.docs import install_docs
from api.errors import PROBLEM_JSON, allowed_methods, install_handlers, problem_body
from api.headers import SecurityHeaders
from api.logs import AccessLog, configure_logging
from api.metrics import CONTENT_TYPE, Metrics
from api.routes import (
    admin,
    audit,
    exchanges,  # movable households and their exchanges
    health,
    letters,  # printable proposal letters
    oidc,  # people's sign-in for the pages
    pairs,
    policies,
    proposals,
    records,
    reviews,
    runs,
    scenarios,
    stats,
    tabular,  # spreadsheets in and out (officers' page)
)
from api.worker import JobRunner, RunDispatcher

API_PREFIX = "/v1"


class BodyLimit:
    """413 for bodies above ``max_bytes``: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        body = problem_body(413, "payload_too_large", f"the body is larger than {self.max_bytes} bytes")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. Migrations happen at start-up; the run dispatcher starts with it."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    db = Database(settings.database_url)
    metrics = Metrics(db)
    ctx = AppContext(
        settings=settings,
        db=db,
        jobs=RunDispatcher(settings, db, on_finish=lambda _claim, seconds: metrics.run_done(seconds)),
        planner_jobs=JobRunner(settings.job_threads, db, settings),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            migrate(settings.database_url)
        ctx.jobs.start()  # runs of other instances are left alone: see api.queue
        yield
        ctx.jobs.stop()
        ctx.planner_jobs.shutdown()
        ctx.db.dispose()

    app = FastAPI(
        title="wunneng",
        version="1",
        summary="Housing matching for people granted international protection in Luxembourg: "
        "proposals by an optimiser, decisions by named officers.",
        lifespan=lifespan,
        separate_input_output_schemas=False,
        docs_url=None,  # served offline by api.docs
        redoc_url=None,
    )
    app.state.ctx = ctx
    install_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog, on_done=metrics.request_done)  # outermost: sees every answer
    install_docs(app)

    @app.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        """Prometheus text format (aggregates only; no ids, no personal data)."""
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    app.include_router(health.router)
    v1 = APIRouter(prefix=API_PREFIX)
    v1.include_router(health.router)
    for router in (
        admin.router,
        *records.routers,
        policies.router,
        runs.router,
        exchanges.router,
        proposals.router,
        reviews.router,
        pairs.router,
        audit.router,
        stats.router,
        scenarios.router,
        tabular.router,
        letters.router,
    ):
        v1.include_router(router)
    app.include_router(v1)
    app.include_router(oidc.router)
    if settings.web_dir.is_dir():
        app.mount("/", _pages(app, StaticFiles(directory=settings.web_dir, html=True)), name="web")
    return app


def _pages(app: FastAPI, files: StaticFiles) -> ASGIApp:
    """The pages at ``/``, which match every path: on a path of the API (a method it does not
    take there) a 405 listing the API's methods, never a page lookup answering ``GET, HEAD``."""

    async def pages(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and allowed_methods(app, scope["path"]):
            raise HTTPException(405)
        await files(scope, receive, send)

    return pages
