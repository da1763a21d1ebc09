"""``antrean doctor`` and the hub key: the pinned key against the key the hub really shows
(a real hub process with ``--tls on``), and the hub's own fingerprints for the lead."""

from __future__ import annotations

import pytest

from antrean.tls import format_fingerprint
from hardware.doctor import main


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    from hubproc import HubProcess

    hub = HubProcess(tmp_path_factory.mktemp("doctorhub"), tls="on")
    hub.make_tokens()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def _run(capsys, *args: str) -> tuple[int, dict[str, str]]:
    code = main(list(args))
    lines = capsys.readouterr().out.splitlines()
    by_title = {}
    for ln in lines:
        for title in ("Kunci hub (TLS)", "Hub", "Pemasangan (token)"):
            if f" {title}:" in ln:
                by_title[title] = ln
    return code, by_title


def test_a_device_with_the_pinned_key_passes(capsys, tls_hub, tmp_path):
    code, out = _run(capsys, "--role", "counter", "--hub", tls_hub.url, "--token",
                     tls_hub.tokens["counter"], "--fingerprint", tls_hub.fingerprint,
                     "--data", str(tmp_path))
    assert code == 0, out
    assert "kunci hub cocok" in out["Kunci hub (TLS)"]
    assert "token diterima hub" in out["Pemasangan (token)"]  # over WSS, pinned


def test_a_hub_with_another_key_is_shown_as_refused_with_both_keys(capsys, tls_hub, tmp_path):
    pinned = "0f" * 32
    code, out = _run(capsys, "--role", "kiosk", "--hub", tls_hub.url, "--token",
                     tls_hub.tokens["kiosk"], "--fingerprint", pinned, "--data", str(tmp_path))
    assert code == 1
    assert "ditolak" in out["Hub"]
    key = out["Kunci hub (TLS)"]
    assert "GAGAL" in key and "hub palsu atau perantara" in key
    assert format_fingerprint(tls_hub.fingerprint) in key and format_fingerprint(pinned) in key
    assert "antrean join" in key  # what to do if the hub Pi was really re-imaged


def test_a_device_without_a_pinned_key_is_warned_and_told_how_to_pair(capsys, tls_hub,
                                                                       tmp_path):
    code, out = _run(capsys, "--role", "display", "--hub", tls_hub.url, "--token",
                     tls_hub.tokens["display"], "--data", str(tmp_path))
    key = out["Kunci hub (TLS)"]
    assert "PERINGATAN" in key and "belum disematkan" in key
    assert format_fingerprint(tls_hub.fingerprint) in key and "antrean join" in key
    assert code == 0


def test_the_hub_shows_its_key_and_certificate_for_the_lead(capsys, tls_hub):
    from antrean.tls import load_identity

    identity = load_identity(tls_hub.data_dir)
    code, out = _run(capsys, "--role", "hub", "--hub", tls_hub.url, "--data",
                     str(tls_hub.data_dir))
    key = out["Kunci hub (TLS)"]
    assert format_fingerprint(identity.fingerprint) in key
    assert identity.cert_sha256 in key  # what a browser shows, for the one-time step
    assert code == 0
