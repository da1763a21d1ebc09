"""City tokens: one per post (its hub's uplink) and one per city officer (the read API).

The token itself is shown once; only its SHA-256 is stored (antrean.auth's scheme).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import psycopg

from antrean.auth import hash_token, new_token

from .config import POST_ID_PATTERN

__all__ = ["Principal", "create_token", "TokenCache", "validate_name"]

#: How long a looked-up token is trusted before the database is asked again (revocation
#: takes effect within this).
CACHE_S = 60.0


@dataclass(frozen=True)
class Principal:
    id: int
    role: str  # "post" or "officer"
    post_id: str | None
    name: str


def validate_name(name: str) -> str:
    if not name or len(name) > 60 or not name.isprintable():
        raise ValueError("name must be 1-60 printable characters")
    return name


def create_token(conn: psycopg.Connection[Any], role: str, name: str,
                 post: str | None = None) -> str:
    """Register a token (a post's is bound to that post, which is registered too)."""
    validate_name(name)
    if role == "post":
        if post is None or not re.match(POST_ID_PATTERN, post):
            raise ValueError("post id: lowercase letters, digits and '-', as in the post's "
                             "hub.toml [post] id")
        conn.execute("INSERT INTO posts (id) VALUES (%s) ON CONFLICT (id) DO NOTHING", (post,))
    elif role == "officer":
        post = None
    else:
        raise ValueError(f"unknown role {role!r}")
    token = new_token()
    conn.execute("INSERT INTO tokens (role, post_id, name, token_hash) VALUES (%s, %s, %s, %s)",
                 (role, post, name, hash_token(token)))
    return token


class TokenCache:
    """Token → principal, asking the database at most once a minute per token."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def lookup(self, token: str) -> Principal | None:
        h = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(h)
        if hit is not None and now - hit[0] < CACHE_S:
            return hit[1]
        with self._pool.connection() as conn:
            row = conn.execute("SELECT id, role, post_id, name FROM tokens WHERE token_hash = %s "
                               "AND revoked_at IS NULL", (h,)).fetchone()
        found = Principal(*row) if row else None
        with self._lock:
            if len(self._cache) > 10_000:  # unknown tokens must not grow it without bound
                self._cache.clear()
            self._cache[h] = (now, found)
        return found
