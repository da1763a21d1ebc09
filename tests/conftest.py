"""Fixtures shared by the whole suite.

Environment first: Qt renders offscreen with no disk cache, and python-escpos keeps its
capabilities pickle in one fixed folder (it leaks a temp dir per import otherwise).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QML_DISABLE_DISK_CACHE", "1")
os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "antrean-escpos-cache")
)
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)


import pytest  # noqa: E402


def _run_hub(path):
    from hubproc import HubProcess

    hub = HubProcess(path)
    hub.make_tokens()
    hub.start()
    return hub


@pytest.fixture(scope="module")
def shared_hub(tmp_path_factory):
    """One hub for a whole module of tests that do not care what others left in it."""
    hub = _run_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture
def hub_process(tmp_path):
    """A real hub process on a free loopback port, with one token per role.

    Why a process and not an in-process app: the tests that matter (concurrent kiosks,
    ``kill -9`` mid-burst, restart) are about the real server, its real database file and
    its real startup path.
    """
    hub = _run_hub(tmp_path / "hub")
    try:
        yield hub
    finally:
        hub.stop()
