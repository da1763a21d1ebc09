"""Helpers for the counter tests: act as a kiosk and ask the hub what it knows."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


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
