"""API keys: ``wn_<prefix>_<secret>``, looked up by prefix and checked against a SHA-256 of the secret.

The secret is 256 random bits, so a fast hash is enough (no password stretching needed); the key is
shown once, at creation. Clients send it as ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from api.errors import Forbidden
from api.models import Role

_PREFIX = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's id and name (the officer), role and organisation (None for a
    platform admin, who manages organisations and owns no records)."""

    key_id: int
    name: str
    role: Role
    organisation: str | None

    @property
    def organisation_id(self) -> str:
        """The caller's organisation; a platform key has none, so it reaches no organisation's data."""
        if self.organisation is None:
            raise Forbidden("a platform key acts on no organisation's records")
        return self.organisation


@dataclass(frozen=True)
class NewKey:
    prefix: str
    secret_hash: str
    plaintext: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> NewKey:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(prefix, hash_secret(secret), f"wn_{prefix}_{secret}")


def split_key(token: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "wn" or not _PREFIX.fullmatch(parts[1]) or not parts[2]:
        return None
    return parts[1], parts[2]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
