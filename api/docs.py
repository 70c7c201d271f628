"""``/docs`` served by the app itself: Swagger UI's files come from the ``swagger-ui-bundle``
package (Apache-2.0), the page and its start-up script from here, so the docs work offline and
under a policy that allows only the origin's own scripts (see ``api.headers``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS = "/docs-assets"
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/docs-init.js"></script></body></html>
"""
DOCS_INIT = (
    'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, '
    "presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'});\n"
)


def install_docs(app: FastAPI) -> None:
    """Mount the Swagger UI files and add ``/docs`` (call before anything is mounted at ``/``)."""
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    page = DOCS_PAGE.format(title=app.title, assets=DOCS_ASSETS)
    app.mount(DOCS_ASSETS, StaticFiles(directory=Path(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/docs-init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(DOCS_INIT, media_type="text/javascript")
