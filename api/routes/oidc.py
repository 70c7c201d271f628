"""Browser sign-in through OpenID Connect: ``/auth/oidc/login`` sends the officer to the provider,
``/auth/oidc/callback`` brings them back with a session for the pages. A provider that is down, or a
sign-in that must not go through, is a plain page that says so (never a 500)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from api import oidc
from api.deps import ContextDep, SessionDep
from api.identities import upsert_identity

#: the sign-in pages answer 404 (a page saying so) when the service has no provider set up
NO_PROVIDER: dict[int | str, dict[str, Any]] = {
    404: {"content": {"text/html": {}}, "description": "no OpenID Connect provider is set up"}
}
router = APIRouter(prefix="/auth/oidc", tags=["sign-in"])
COOKIE = "wunneng_oidc"


class OidcConfig(BaseModel):
    enabled: bool


def _page(status: int, title: str, text: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f'{escape(title)} · wunneng</title><link rel="stylesheet" href="/css/app.css"></head>'
        f'<body class="signin"><main><h1>{escape(title)}</h1><p class="lede" role="alert">{escape(text)}</p>'
        '<p><a href="/">Back to the sign-in page</a> (an API key works too).</p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status)


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/config")
def config(ctx: ContextDep) -> OidcConfig:
    """Whether the sign-in page offers "Sign in with your organisation"."""
    return OidcConfig(enabled=ctx.settings.oidc is not None)


@router.get("/login", response_class=HTMLResponse, name="oidc_login", responses=NO_PROVIDER)
async def login(request: Request, ctx: ContextDep) -> Response:
    settings = ctx.settings.oidc
    if settings is None:
        return _page(404, "No organisation sign-in", "This service has no OpenID Connect provider set up.")
    try:
        begun = await run_in_threadpool(oidc.start, settings, _redirect_uri(request))
    except oidc.ProviderDown:
        return _provider_down(settings)
    response = RedirectResponse(begun.url, status_code=303)
    response.set_cookie(COOKIE, begun.cookie, max_age=600, httponly=True, samesite="lax", path="/auth/oidc")
    return response


def _provider_down(settings: oidc.OidcSettings) -> HTMLResponse:
    return _page(
        503,
        "The sign-in service is not reachable",
        f"Your organisation's sign-in service ({settings.issuer}) does not answer right now. "
        "Try again in a few minutes; if it goes on, tell your administrator.",
    )


@router.get("/callback", response_class=HTMLResponse, name="oidc_callback", responses=NO_PROVIDER)
async def callback(
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    cookie: Annotated[str | None, Cookie(alias=COOKIE)] = None,
) -> Response:
    settings = ctx.settings.oidc
    if settings is None:
        return _page(404, "No organisation sign-in", "This service has no OpenID Connect provider set up.")
    if error or not code or not state:
        return _page(403, "Not signed in", f"The sign-in service did not sign you in ({error or 'no code'}).")
    try:
        person = await run_in_threadpool(oidc.finish, settings, _redirect_uri(request), cookie, code, state)
        identity = upsert_identity(session, settings, person)
    except oidc.ProviderDown:
        return _provider_down(settings)
    except oidc.SignInRefused as exc:
        return _page(403, "Not signed in", str(exc))
    # The fragment never reaches a server or its logs; the sign-in page keeps it for this tab only.
    response = RedirectResponse(f"/#session={oidc.session_token(settings, identity.id)}", status_code=303)
    response.delete_cookie(COOKIE, path="/auth/oidc")
    return response
