"""Helpers for the counter tests: the test post, act as a kiosk, ask the hub what it knows."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

TEST_POST = "pos-uji-loket"
"""The test hub's post id. Why not the example post's: a desktop demo run beside the tests
announces its hub and counters 1 and 2 on lo as ``pos-contoh``; counters only count peers
of their own post, so these tests see only each other."""


def post_config(path: Path) -> Path:
    """Write the example post, with :data:`TEST_POST` as its id, to ``path``."""
    from antrean.config import example_config_path

    text = example_config_path().read_text(encoding="utf-8")
    path.write_text(text.replace('id = "pos-contoh"', f'id = "{TEST_POST}"', 1),
                    encoding="utf-8")
    return path


def issue(hub: Any, service: str = "adminduk", priority: str | None = None) -> dict[str, Any]:
    """Issue a ticket as a kiosk would."""
    r = httpx.post(f"{hub.url}/api/v1/tickets", headers=hub.headers("kiosk"),
                   json={"service": service, "priority": priority,
                         "request_id": str(uuid.uuid4())})
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def hub_queue(hub: Any) -> dict[str, Any]:
    return httpx.get(f"{hub.url}/api/v1/queue").json()  # type: ignore[no-any-return]


def counter_at(hub: Any, n: int) -> dict[str, Any] | None:
    return next((c for c in hub_queue(hub)["counters"] if c["number"] == n), None)


def ticket_state(hub: Any, ticket_id: str) -> dict[str, Any]:
    return httpx.get(f"{hub.url}/api/v1/tickets/{ticket_id}").json()  # type: ignore[no-any-return]
