"""OpenID Connect sign-in for people: authorization code with PKCE (S256), state and nonce.

The provider says who the officer is; two configurable claims say which organisation and role. Each
person becomes a named identity (a row in ``api_keys`` with no usable secret, so it appears by name
in the audit log and on decisions, and an admin revokes it like a key). The pages then hold a
short-lived signed session token (``wns_...``) instead of an API key; API keys stay for machines.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import jwt

SESSION_PREFIX = "wns_"


class ProviderDown(Exception):
    """The provider could not be reached or answered nonsense."""


class SignInRefused(Exception):
    """The provider answered, but this sign-in must not go through (bad state, token or claims)."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str  #: the provider's issuer URL; its discovery document is at /.well-known/openid-configuration
    client_id: str
    client_secret: str = ""
    scopes: str = "openid profile email"
    organisation_claim: str = "organisation"
    role_claim: str = "role"
    name_claim: str = "preferred_username"
    session_seconds: int = 8 * 3600
    #: signs session tokens and the sign-in cookie; random per process unless set (then a restart signs out)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    timeout_seconds: float = 5.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(secret: bytes, token: str) -> dict[str, Any] | None:
    """The payload of a token this app signed and that has not expired, else None."""
    body, _, mac = token.partition(".")
    good = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac, good):
        return None
    try:
        payload: dict[str, Any] = json.loads(_unb64(body))
    except ValueError:
        return None
    return payload if float(payload.get("exp", 0)) > time.time() else None


def session_token(settings: OidcSettings, identity_id: int) -> str:
    exp = time.time() + settings.session_seconds
    return SESSION_PREFIX + sign(settings.secret, {"id": identity_id, "exp": exp})


def session_identity(settings: OidcSettings, token: str) -> int | None:
    """The identity a session token names, if this app signed it and it is still valid."""
    if not token.startswith(SESSION_PREFIX):
        return None
    payload = unsign(settings.secret, token[len(SESSION_PREFIX) :])
    return int(payload["id"]) if payload is not None else None


def _get_json(url: str, timeout: float, data: dict[str, str] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(data).encode() if data is not None else None,
        headers={"accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply: dict[str, Any] = json.loads(response.read())
            return reply
    except urllib.error.HTTPError as exc:
        if data is not None and 400 <= exc.code < 500:
            raise SignInRefused(f"the provider refused the code ({exc.code})") from None
        raise ProviderDown(f"{url} answered {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise ProviderDown(f"{url}: {exc}") from None


def discover(settings: OidcSettings) -> dict[str, Any]:
    url = settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
    doc = _get_json(url, settings.timeout_seconds)
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(key), str):
            raise ProviderDown(f"the discovery document has no {key}")
    return doc


@dataclass(frozen=True)
class Start:
    url: str  #: where to send the browser
    cookie: str  #: signed state, nonce and PKCE verifier, kept in an HttpOnly cookie until the callback


def start(settings: OidcSettings, redirect_uri: str) -> Start:
    doc = discover(settings)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.client_id,
            "redirect_uri": redirect_uri,
            "scope": settings.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    cookie = sign(
        settings.secret, {"state": state, "nonce": nonce, "verifier": verifier, "exp": time.time() + 600}
    )
    return Start(f"{doc['authorization_endpoint']}?{query}", cookie)


@dataclass(frozen=True)
class Person:
    subject: str
    name: str
    organisation: str
    role: str


def finish(settings: OidcSettings, redirect_uri: str, cookie: str | None, code: str, state: str) -> Person:
    """Check the state, trade the code (with the PKCE verifier) for tokens, verify the ID token."""
    saved = unsign(settings.secret, cookie or "")
    if saved is None or not hmac.compare_digest(str(saved.get("state")), state):
        raise SignInRefused("the sign-in expired or did not start here: start again")
    doc = discover(settings)
    tokens = _get_json(
        doc["token_endpoint"],
        settings.timeout_seconds,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "code_verifier": str(saved["verifier"]),
        },
    )
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("the provider sent no ID token")
    claims = _verified(id_token, doc, settings)
    if not hmac.compare_digest(str(claims.get("nonce")), str(saved["nonce"])):
        raise SignInRefused("the ID token was not issued for this sign-in")
    if (
        (settings.organisation_claim not in claims or settings.role_claim not in claims)
        and isinstance(tokens.get("access_token"), str)
        and doc.get("userinfo_endpoint")
    ):
        claims = {**_userinfo(doc["userinfo_endpoint"], tokens["access_token"], settings), **claims}
    organisation, role = claims.get(settings.organisation_claim), claims.get(settings.role_claim)
    if not isinstance(organisation, str) or not isinstance(role, str):
        raise SignInRefused(
            f"your account has no {settings.organisation_claim!r} or {settings.role_claim!r}:"
            " ask your administrator"
        )
    name = claims.get(settings.name_claim) or claims.get("email") or claims["sub"]
    return Person(str(claims["sub"]), str(name), organisation, role)


def _verified(id_token: str, doc: dict[str, Any], settings: OidcSettings) -> dict[str, Any]:
    """The ID token's claims once its signature (a key of the provider's JWKS: the one its ``kid``
    names, or each when it names none), audience, issuer and expiry check out."""
    try:
        jwks = jwt.PyJWKClient(doc["jwks_uri"], timeout=max(1, int(settings.timeout_seconds))).get_jwk_set()
        kid = jwt.get_unverified_header(id_token).get("kid")
    except jwt.PyJWKClientConnectionError as exc:
        raise ProviderDown(str(exc)) from None
    except jwt.PyJWTError as exc:
        raise SignInRefused(f"the ID token is not valid: {exc}") from None
    candidates = [k for k in jwks.keys if kid is None or k.key_id == kid]
    problem: Exception = SignInRefused("the ID token is signed with a key the provider does not publish")
    for key in candidates:
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=["RS256", "RS384", "RS512", "ES256", "PS256", "EdDSA"],
                audience=settings.client_id,
                issuer=doc.get("issuer", settings.issuer),
            )
            return claims
        except jwt.InvalidSignatureError as exc:
            problem = exc
        except jwt.PyJWTError as exc:
            raise SignInRefused(f"the ID token is not valid: {exc}") from None
    raise SignInRefused(f"the ID token is not valid: {problem}")


def _userinfo(url: str, access_token: str, settings: OidcSettings) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {access_token}"})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
            info: dict[str, Any] = json.loads(response.read())
            return info
    except (OSError, ValueError) as exc:
        raise ProviderDown(f"{url}: {exc}") from None
