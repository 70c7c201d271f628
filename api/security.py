"""API keys: ``wn_<prefix>_<secret>``, looked up by prefix and checked against a SHA-256 of the secret.

The secret is 256 random bits, so a fast hash is enough (no password stretching needed); the key is
shown once, at creation. Clients send it as ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from api.models import Role


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's id and name (the officer), role and organisation."""

    key_id: int
    name: str
    role: Role
    organisation_id: str


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
    if len(parts) != 3 or parts[0] != "wn" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
