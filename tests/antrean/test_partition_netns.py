"""The kiosk cut from its hub, Jepsen style (bench/partition.py runs the same for longer).

The real kiosk app in a network namespace of the test's own, the real hub (HTTPS, the kiosk
pinned to its key) in another, joined by a veth pair on 10.200.<n>.0/24; both namespaces are
deleted in ``finally``. A button box on a pseudo-terminal presses steadily while a nemesis
drops the link, black-holes it (connections hang) and kills the hub with ``kill -9``, in
turn; a counter calls meanwhile. The checker then holds the printed tickets against the hub's
database and the kiosk's outbox. Root and iproute2 needed: CI runs as root, so it runs there.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("partition", REPO / "bench" / "partition.py")
assert _spec is not None and _spec.loader is not None
partition = importlib.util.module_from_spec(_spec)
sys.modules["partition"] = partition
_spec.loader.exec_module(partition)

pytestmark = pytest.mark.skipif(partition.available() is not None,
                                reason=str(partition.available()))


def test_every_printed_ticket_reaches_the_hub_once_through_cuts_and_kills(tmp_path: Path
                                                                          ) -> None:
    report = partition.run(60, tmp_path, seed=7)
    print("\n".join(report.lines()))
    assert report.anomalies == []
    kinds = {f.kind for f in report.faults}
    assert kinds == {"drop", "blackhole", "kill"}  # each fault happened at least once
    assert report.offline > 0 and report.printed > report.offline  # both kinds of tickets
    assert report.calls > 0  # the fairness of calls was actually judged
    assert all(f.heal >= f.start for f in report.faults)
