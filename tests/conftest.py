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


def _run_hub(path, config=None):
    from hubproc import HubProcess

    hub = HubProcess(path, config=config)
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


@pytest.fixture(scope="module")
def wita_hub(tmp_path_factory):
    """A hub of a post in Asia/Makassar (WITA, UTC+8).

    Why: the test machine's own zone is not the post's, so a screen that shows the device's
    own clock or zone instead of the post's is caught.
    """
    from hubproc import write_post_config

    data = tmp_path_factory.mktemp("wita-hub")
    hub = _run_hub(data, write_post_config(data / "post.toml", timezone="Asia/Makassar",
                                           post_id="pos-uji-wita"))
    try:
        yield hub
    finally:
        hub.kill()  # nothing of the hub is under test at teardown (see tests/counter/conftest)
        hub.stop()  # closes its log


@pytest.fixture
def markup_hub(tmp_path):
    """A real hub whose post and first service (``adminduk``, letter A) are named with
    markup (``qmlcheck.MARKUP``): what the apps show of them must read literally.

    Why a hub and not a sample: the names reach the screens the way real ones do, through
    /health, /services and the event stream.
    """
    from hubproc import HubProcess
    from qmlcheck import MARKUP

    from antrean.config import example_config_path

    text = example_config_path().read_text(encoding="utf-8")
    text = text.replace('name = "Pos Pelayanan Jemput Bola Kelurahan Sukamaju"',
                        f"name = '{MARKUP}'", 1)
    text = text.replace('name = "Administrasi Kependudukan"', f"name = '{MARKUP}'", 1)
    config = tmp_path / "post.toml"
    config.write_text(text, encoding="utf-8")
    hub = HubProcess(tmp_path / "hub", config=config)
    hub.make_tokens()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
