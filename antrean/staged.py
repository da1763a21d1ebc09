"""A change the hub has applied in memory, whose answer waits for the commit that holds it.

The hub stages each mutation (checks it, applies its events to the queue in memory, hands
its rows to the writer) and gets a :class:`Staged`. The hub answers stageds strictly in
the order it staged them, each once its job is committed: then :meth:`Staged.resolve`
builds the answer, and whoever waits — a request's coroutine (:meth:`Staged.wait`) or an
in-process caller — gets it. A staged without a job (a change that wrote nothing, or the
same request again) is a barrier: answered once everything staged before it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .writer import Job

__all__ = ["Staged", "Wire"]

T = TypeVar("T")
Wire = list[dict[str, Any]]  # the committed events, as broadcast

_UNSET: Any = object()


class Staged(Generic[T]):
    __slots__ = ("job", "_answer", "key", "_value", "_error", "_future")

    def __init__(self, job: Job | None, answer: Callable[[Wire], T],
                 key: tuple[str, str] | None = None) -> None:
        self.job = job
        self._answer = answer
        self.key = key  # an idempotency key (("ticket", request_id)…) while in flight
        self._value: Any = _UNSET
        self._error: BaseException | None = None
        self._future: asyncio.Future[None] | None = None

    @classmethod
    def ready(cls, value: T) -> Staged[T]:
        """An answer that needs no commit (it only reads what is already durable)."""
        s: Staged[T] = cls(None, lambda _w: value)
        s._value = value
        return s

    @property
    def done(self) -> bool:
        return self._value is not _UNSET or self._error is not None

    def resolve(self, wire: Wire) -> None:
        try:
            self._value = self._answer(wire)
        except Exception as exc:  # an answer that cannot be built is a refusal, not a hang
            self._error = exc
        self._wake()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._wake()

    def result(self) -> T:
        if self._error is not None:
            raise self._error
        if self._value is _UNSET:
            raise RuntimeError("not committed yet")
        return self._value  # type: ignore[no-any-return]

    async def wait(self) -> T:
        if not self.done:
            if self._future is None:
                self._future = asyncio.get_running_loop().create_future()
            await self._future
        return self.result()

    def _wake(self) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
