"""A real OpenID Connect provider on loopback for the tests (the ``oidc-provider-mock`` package: a
Flask app issuing signed ID tokens, with PKCE), with officers whose claims name their organisation
and role. Offline: nothing leaves 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import oidc_provider_mock  # type: ignore[import-untyped]
from werkzeug.serving import make_server

#: sub -> claims; the app reads ``organisation`` and ``role`` (its default claim names).
PEOPLE = {
    "fay": {"preferred_username": "Fay Officer", "organisation": "alpha", "role": "officer"},
    "gus": {"preferred_username": "Gus Nowhere", "organisation": "no-such-org", "role": "officer"},
    "hal": {"preferred_username": "Hal Noclaims"},
    "ines": {"preferred_username": "Ines Officer", "organisation": "logis", "role": "officer"},
    "kim": {"preferred_username": "Kim Agent", "organisation": "e2e-fr", "role": "officer"},
    "lea": {"preferred_username": "Lea Beamtin", "organisation": "e2e-de", "role": "officer"},
    "jo": {"preferred_username": "Jo Beamtin", "organisation": "logis", "role": "officer", "locale": "de"},
}


@contextmanager
def provider() -> Iterator[str]:
    """Run the provider on a free loopback port; yields its issuer URL."""
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
    app = oidc_provider_mock.app(require_nonce=True, user_claims=users)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
