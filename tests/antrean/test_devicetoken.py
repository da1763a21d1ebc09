"""A running device's token: looked at again when its config or token file changes; the
hub's word on it (whoami); the words for staff on the out-of-service screens."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from antrean.client import HubClient, HubUnreachable
from antrean.devicetoken import TokenSource, check_token, out_of_service_detail, probe
from antrean.joinconfig import write_hub_keys

API = "/api/v1"
FP = "ab" * 32


def test_the_config_is_read_again_when_antrean_join_rewrites_it(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    source = TokenSource(config=path)  # no config yet: join makes it
    assert source() == "" and source.watching
    write_hub_keys(path, {"token": "paired", "fingerprint": FP})  # what antrean join writes
    assert source() == "paired" and source.fingerprint() == FP
    path.write_text("[hub\nbroken", encoding="utf-8")  # half-edited: the last good one holds
    assert source() == "paired"
    fixed = TokenSource("from-the-command-line", config=path)
    assert fixed() == "from-the-command-line" and not fixed.watching


def test_a_token_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    f = tmp_path / "kiosk.token"
    source = TokenSource(token_file=str(f))
    assert source() == "" and "kiosk.token" in source.problem  # not there yet: no token
    f.write_text("first\n", encoding="utf-8")
    assert source() == "first" and source.problem == ""
    f.write_text("\n  second \n", encoding="utf-8")
    os.utime(f, ns=(1, 1))  # even within one mtime tick, the size and inode tell a change
    assert source() == "second"
    f.write_text("\n", encoding="utf-8")
    assert source() == "" and "kosong" in source.problem
    assert TokenSource(token="in-config", token_file=str(f))() == "in-config"  # config first


def test_apply_gives_a_client_the_new_token_and_hub_key(tmp_path: Path) -> None:
    path = tmp_path / "counter.toml"
    source = TokenSource(token="old", config=path)
    with HubClient("http://127.0.0.1:9", "old") as client:
        source.apply(client)
        assert client.token == "old" and client.fingerprint is None
        write_hub_keys(path, {"token": "new", "fingerprint": FP})
        source.apply(client)
        assert client.token == "new" and client.fingerprint == FP


def test_whoami_says_who_a_token_is_and_refuses_the_rest(shared_hub) -> None:
    url = f"{shared_hub.url}{API}/whoami"
    assert httpx.get(url, headers=shared_hub.headers("kiosk")).json() == \
        {"role": "kiosk", "name": "test-kiosk"}
    unknown = httpx.get(url, headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 401 and unknown.json()["message"] == "Token tidak dikenal."
    missing = httpx.get(url)
    assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"


def test_check_token_tells_ok_refused_missing_and_another_role(shared_hub) -> None:
    with HubClient(shared_hub.url, shared_hub.tokens["display"]) as c:
        v = check_token(c, "display")
        assert (v.ok, v.reason, v.name) == (True, "ok", "test-display")
        v = check_token(c, "kiosk")
        assert (v.ok, v.reason) == (False, "wrong_role")
        assert v.message == 'Token ini milik perangkat layar aula "test-display", bukan kios.'
        c.token = "nope"
        assert check_token(c, "display").reason == "refused"
        c.token = None
        assert check_token(c, "display").reason == "missing"
    with HubClient("http://127.0.0.1:9", "t", timeout=0.5) as c, \
            pytest.raises(HubUnreachable):
        probe(c, "display")  # no hub: no verdict on the device


def test_a_hub_with_another_key_than_the_one_paired(tmp_path: Path) -> None:
    from hubproc import HubProcess

    hub = HubProcess(tmp_path / "hub", tls="on")
    hub.make_tokens()
    hub.start()
    try:
        with HubClient(hub.url, hub.tokens["kiosk"], fingerprint=FP, timeout=2) as c:
            health, verdict = probe(c, "kiosk")
        assert health is None and verdict["reason"] == "hub_key" and not verdict["ok"]
        assert verdict["hub_url"] == hub.url and "Hub ditolak" in verdict["message"]
        with HubClient(hub.url, hub.tokens["kiosk"], fingerprint=hub.fingerprint) as c:
            health, verdict = probe(c, "kiosk")
        assert health is not None and verdict["ok"]
    finally:
        hub.stop()


def test_the_staff_lines_name_the_hub_the_refusal_and_the_fix(tmp_path: Path) -> None:
    verdict = {"ok": False, "reason": "refused", "message": "Token tidak dikenal.",
               "message_en": "Unknown token.", "hub_url": "https://10.0.0.2:8470"}
    path = tmp_path / "kiosk.toml"
    lines = out_of_service_detail(verdict, role="kiosk", post_name="Pos Sukamaju",
                                  source=TokenSource(config=path))
    assert lines["hub"] == "Hub: Pos Sukamaju — https://10.0.0.2:8470"
    assert lines["refused"] == "Ditolak: Token tidak dikenal."
    assert lines["fix"].startswith("1. Di hub: antrean pair --data /var/lib/antrean")
    assert lines["fix2"] == \
        f"2. Di sini: antrean join --code KODE --role kiosk --name NAMA --config {path}"
    assert "dengan sendirinya" in lines["after"]  # it reads the config again by itself
    en = out_of_service_detail(verdict, role="kiosk", post_name="",
                               source=TokenSource("given-on-the-command-line"), lang="en")
    assert en["refused"] == "Refused: Unknown token."
    assert en["fix2"].endswith("--config /etc/antrean/kiosk.toml")
    assert en["after"] == "Then restart it without --token / ANTREAN_TOKEN."
    bare = out_of_service_detail(verdict, role="display", post_name="", source=TokenSource())
    assert bare["after"] == "Lalu mulai ulang dengan --config /etc/antrean/display.toml."
