"""The hub service in-process: memory never runs ahead of disk."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from antrean.clock import FixedClock
from antrean.config import load_post_config
from antrean.hub import Hub, HubUnavailable
from antrean.storage import _Tx


@pytest.fixture
def hub(tmp_path):
    h = Hub(load_post_config(), tmp_path, FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC)))
    yield h
    h.close()


def test_issue_after_reload_and_numbers_continue(hub):
    a, created = hub.issue("adminduk", None, str(uuid.uuid4()))
    assert created and a["number"] == "A001"
    hub.reload()
    b, _ = hub.issue("adminduk", None, str(uuid.uuid4()))
    assert b["number"] == "A002"
    assert a["issued_at"] == "2026-11-23T08:00:00+07:00"  # the post's zone on the wire


def test_a_failed_write_changes_nothing_in_memory(hub, monkeypatch):
    hub.issue("adminduk", None, str(uuid.uuid4()))

    def broken(self, *a, **k):
        raise OSError("disk I/O error")

    monkeypatch.setattr(_Tx, "append", broken)
    rid = str(uuid.uuid4())
    with pytest.raises(HubUnavailable):
        hub.issue("adminduk", None, rid)
    with pytest.raises(HubUnavailable):
        hub.call_next(1, None, "loket")
    assert rid not in hub.state.by_request
    assert hub.state.waiting_count("adminduk") == 1
    assert hub.state.counter(1).ticket_id is None
    monkeypatch.undo()
    t, _ = hub.issue("adminduk", None, rid)
    assert t["number"] == "A002"  # no gap, no repeat
    called, _ = hub.call_next(1, None, "loket")
    assert called is not None and called["number"] == "A001"


def test_events_are_logged_with_seq_and_local_times(hub):
    hub.issue("kesehatan", "elderly", str(uuid.uuid4()))
    hub.call_next(2, ["kesehatan"], "loket 2")
    wire = hub.storage.wire_events_since(0, hub.tz)
    assert [w["type"] for w in wire] == ["ticket.issued", "counter.changed", "ticket.called"]
    assert [w["seq"] for w in wire] == [1, 2, 3]
    assert wire[2]["ticket"]["state"] == "called" and wire[2]["counter"] == 2
    assert all(w["at"].endswith("+07:00") for w in wire)
