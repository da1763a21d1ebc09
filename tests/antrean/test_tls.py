"""The hub's own key and HTTPS/WSS: made once, kept, served, announced, and pinned.

A real hub process on 127.0.0.1 with ``--tls on``; the key checks are done by the same
:class:`antrean.tls.HubTLSContext` the devices use.
"""

from __future__ import annotations

import json
import ssl
import stat
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from antrean.tls import (
    CERT_FILENAME,
    KEY_FILENAME,
    HubKeyError,
    HubTLSContext,
    PinMismatch,
    ensure_identity,
    find_pin_mismatch,
    load_identity,
    tls_enabled,
    valid_fingerprint,
)


def test_the_key_is_made_once_readable_by_the_hub_only_and_kept(tmp_path):
    first = ensure_identity(tmp_path)
    key = tmp_path / KEY_FILENAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / CERT_FILENAME).stat().st_mode) == 0o644
    assert ensure_identity(tmp_path) == first  # a restart keeps the key and the certificate
    assert load_identity(tmp_path) == first
    assert len(first.fingerprint) == 64 and first.hint == first.fingerprint[:16]
    assert len(first.cert_sha256.split(":")) == 32  # as a browser shows it


def test_a_lost_certificate_is_remade_from_the_same_key(tmp_path):
    first = ensure_identity(tmp_path)
    (tmp_path / CERT_FILENAME).unlink()
    again = ensure_identity(tmp_path)
    assert again.fingerprint == first.fingerprint  # what devices pinned still holds


def test_a_damaged_key_stops_the_hub_rather_than_making_a_new_one(tmp_path):
    ensure_identity(tmp_path)
    (tmp_path / KEY_FILENAME).write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n")
    with pytest.raises(HubKeyError, match="pair again"):
        ensure_identity(tmp_path)


def test_a_key_left_readable_by_others_is_closed(tmp_path, caplog):
    ensure_identity(tmp_path)
    key = tmp_path / KEY_FILENAME
    key.chmod(0o644)
    ensure_identity(tmp_path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "readable by others" in caplog.text


@pytest.mark.parametrize(("mode", "host", "on"), [
    ("auto", "127.0.0.1", False), ("auto", "localhost", False), ("auto", "::1", False),
    ("auto", "0.0.0.0", True), ("auto", "10.200.0.1", True), ("on", "127.0.0.1", True),
    ("off", "0.0.0.0", False)])
def test_tls_auto_is_plain_only_on_loopback(mode, host, on):
    assert tls_enabled(mode, host) is on


def test_fingerprints_are_read_as_typed():
    fp = "AB12" * 16
    assert valid_fingerprint(" ".join(fp[i:i + 4] for i in range(0, 64, 4))) == fp.lower()
    assert valid_fingerprint(":".join(fp[i:i + 2] for i in range(0, 64, 2))) == fp.lower()
    for bad in ("", "ab12", "zz" * 32, "ab" * 33):
        with pytest.raises(ValueError):
            valid_fingerprint(bad)


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    from hubproc import HubProcess

    hub = HubProcess(tmp_path_factory.mktemp("tlshub"), tls="on")
    hub.make_tokens()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def test_the_hub_speaks_https_with_its_own_key(tls_hub):
    assert tls_hub.url.startswith("https://127.0.0.1:")
    with tls_hub.http() as http:
        assert http.get(f"{tls_hub.url}/api/v1/health").json()["status"] == "ok"
        r = http.post(f"{tls_hub.url}/api/v1/tickets", headers=tls_hub.headers("kiosk"),
                      json={"service": "adminduk", "request_id": str(uuid.uuid4())})
        assert r.status_code == 201
    plain = tls_hub.url.replace("https://", "http://")
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{plain}/api/v1/health", timeout=3)  # no plain HTTP beside it


def test_a_context_pinned_to_another_key_refuses_in_the_handshake(tls_hub):
    other = "0123" * 16
    with pytest.raises(httpx.ConnectError) as err:
        httpx.get(f"{tls_hub.url}/api/v1/health", verify=HubTLSContext(other), timeout=3)
    mismatch = find_pin_mismatch(err.value)
    assert isinstance(mismatch, PinMismatch)
    assert (mismatch.expected, mismatch.got) == (other, tls_hub.fingerprint)
    # A CA-checking client (a browser without the one-time step) does not trust it either.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{tls_hub.url}/api/v1/health", timeout=3)


def test_the_event_stream_is_wss_with_the_pinned_key(tls_hub):
    url = tls_hub.url.replace("https://", "wss://") + "/api/v1/events?since=0"
    headers = tls_hub.headers("display")
    with connect(url, additional_headers=headers, ssl=HubTLSContext(tls_hub.fingerprint),
                 open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    with pytest.raises(ssl.SSLError) as err:
        connect(url, additional_headers=headers, ssl=HubTLSContext("ab" * 32), open_timeout=5)
    assert isinstance(find_pin_mismatch(err.value), PinMismatch)


def test_the_hub_announces_tls_and_its_key_hint(tmp_path):
    from hubproc import HubProcess, write_post_config

    from antrean.discovery import Browser

    post = f"pos-tls-{uuid.uuid4().hex[:8]}"  # ours alone, whatever else runs on this host
    cfg = write_post_config(tmp_path / "post.toml", post_id=post)
    hub = HubProcess(tmp_path / "hub", config=cfg, mdns=True, tls="on")
    hub.start()
    try:
        with Browser(post=post, roles=["hub"], interfaces=["127.0.0.1"]) as browser:
            peer = browser.wait_for("hub", timeout=10)
        assert peer is not None
        assert peer.tls and peer.url == hub.url
        assert peer.fp_hint == hub.fingerprint[:16]
    finally:
        hub.stop()


def test_a_loopback_hub_stays_plain_http_by_default(hub_process):
    assert hub_process.url.startswith("http://")
    assert httpx.get(f"{hub_process.url}/api/v1/health").status_code == 200
    assert load_identity(hub_process.data_dir) is not None  # the key exists all the same
