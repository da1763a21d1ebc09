"""Two transactions at the same moment: the second must wait for the first's rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

T = TypeVar("T")


def second_waits_for_first(first: psycopg.Connection[Any], second: Callable[[], T]) -> T:
    """Run ``second`` on a thread while ``first`` holds an uncommitted batch: it must still
    be waiting after a second; then commit ``first`` and return what ``second`` returned
    (or raise what it raised)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = second()
        except BaseException as exc:  # noqa: BLE001 - raised again below, in the test
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(1.0)
    assert t.is_alive(), "the second batch should wait for the first's rows"
    first.commit()
    t.join(30)
    assert not t.is_alive(), "the second batch still waits after the first committed"
    if "error" in out:
        raise out["error"]
    return out["result"]  # type: ignore[no-any-return]
