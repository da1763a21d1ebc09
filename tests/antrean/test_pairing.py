"""Pairing by SPAKE2: both ends prove they know the one-time code, the device pins the hub's
key, guesses are limited per address (never for everyone), and a man in the middle gets
nothing.

The exchange itself is tested in-process against a real SQLite file; end to end against a
real hub process on 127.0.0.1 with ``--tls on``; the man in the middle is a real TLS relay
with another key (tests/tlsrelay.py).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest

from antrean.auth import PairingError, create_pairing_code, hash_token
from antrean.client import HubClient, HubError
from antrean.pairing import Backoff, DeviceExchange, HubPairing, normalise_code
from antrean.storage import Storage
from antrean.tls import HubTLSContext

FP = "ab" * 32
POST = {"id": "pos-uji", "name": "Pos Uji"}


class Ticker:
    """A monotonic clock the test moves by hand (the backoff's waits, without waiting)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def storage(tmp_path):
    st = Storage(tmp_path / "hub")
    yield st
    st.close()


def _now() -> datetime:
    return datetime.now(UTC)


def _desk(storage, clock=None) -> HubPairing:
    clock = clock or Ticker()
    return HubPairing(storage, FP, POST, now=_now, clock=clock, backoff=Backoff(clock=clock))


def _exchange(desk, code, *, role="counter", name="Loket 3", address="10.200.0.5",
              seen=(FP,)):
    dev = DeviceExchange(code, role, name)
    answer = desk.start(address, **dev.start_body())
    return dev, answer, dev.open(answer, list(seen) if seen is not None else None)


# ---------------------------------------------------------------- the exchange


def test_the_right_code_gives_a_token_recorded_only_after_confirmation(storage):
    desk = _desk(storage)
    code = create_pairing_code(storage, _now())
    _dev, _answer, res = _exchange(desk, code)
    assert res.fingerprint == FP and res.post == POST
    assert storage.list_devices() == []  # nothing stored before the device confirms
    paired = desk.finish("10.200.0.5", res.session, res.confirm, over_tls=True)
    assert (paired.role, paired.name) == ("counter", "Loket 3")
    [row] = storage.list_devices()
    assert row["token_hash"] == hash_token(res.token)
    with pytest.raises(PairingError) as err:  # one-time
        _exchange(desk, code, address="10.200.0.6")
    assert err.value.code == "no_pairing_code"


def test_a_wrong_code_fails_on_both_ends_and_issues_no_token(storage):
    desk = _desk(storage)
    code = create_pairing_code(storage, _now())
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    dev = DeviceExchange(wrong, "kiosk", "Kios 1")
    answer = desk.start("10.200.0.5", **dev.start_body())
    with pytest.raises(PairingError) as err:
        dev.open(answer, [FP])
    assert err.value.code == "wrong_code"
    # The device says it could not open any offer; a forged confirmation fares no better.
    with pytest.raises(PairingError) as err:
        desk.finish("10.200.0.5", answer["session"], None, over_tls=True)
    assert err.value.code == "wrong_code"
    answer = desk.start("10.200.0.5", **DeviceExchange(wrong, "kiosk", "Kios 1").start_body())
    forged = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(PairingError):
        desk.finish("10.200.0.5", answer["session"], forged, over_tls=True)
    assert storage.list_devices() == []
    # The code itself survives the wrong guesses: the technician's right one still works.
    _dev, _answer, res = _exchange(desk, code, address="10.200.0.9")
    desk.finish("10.200.0.9", res.session, res.confirm, over_tls=True)
    assert len(storage.list_devices()) == 1


def test_each_of_several_active_codes_pairs_its_own_device(storage):
    desk = _desk(storage)
    codes = [create_pairing_code(storage, _now()) for _ in range(3)]
    for i, code in enumerate(codes):
        _dev, answer, res = _exchange(desk, code, name=f"Loket {i}", address=f"10.200.0.{i + 1}")
        assert len(answer["offers"]) == 3 - i  # one offer per code still active
        desk.finish(f"10.200.0.{i + 1}", res.session, res.confirm, over_tls=True)
    assert sorted(d["name"] for d in storage.list_devices()) == ["Loket 0", "Loket 1", "Loket 2"]


def test_a_relay_that_changes_the_role_breaks_the_exchange(storage):
    desk = _desk(storage)
    code = create_pairing_code(storage, _now(), ("counter", "lead"))
    dev = DeviceExchange(code, "counter", "Loket 3")
    body = {**dev.start_body(), "role": "lead"}  # a man in the middle asks for more
    answer = desk.start("10.200.0.5", **body)
    with pytest.raises(PairingError) as err:
        dev.open(answer, [FP])
    assert err.value.code == "wrong_code"
    assert storage.list_devices() == []


def test_a_tls_key_other_than_the_one_the_hub_vouches_for_aborts(storage):
    desk = _desk(storage)
    code = create_pairing_code(storage, _now())
    dev = DeviceExchange(code, "display", "Layar Aula")
    answer = desk.start("10.200.0.5", **dev.start_body())
    with pytest.raises(PairingError) as err:
        dev.open(answer, ["cd" * 32])  # the connection's key: a relay's, not the hub's
    assert err.value.code == "hub_key_mismatch"
    # Even a device that confirmed anyway would be refused: the hub checks the key it saw.
    res = DeviceExchange(code, "display", "Layar Aula")
    answer = desk.start("10.200.0.5", **res.start_body())
    opened = res.open(answer, None)  # confirms over "plain HTTP" while the hub was on TLS
    with pytest.raises(PairingError):
        desk.finish("10.200.0.5", opened.session, opened.confirm, over_tls=True)
    assert storage.list_devices() == []


def test_a_session_is_finished_only_from_the_address_that_started_it(storage):
    desk = _desk(storage)
    code = create_pairing_code(storage, _now())
    _dev, _answer, res = _exchange(desk, code)
    with pytest.raises(PairingError) as err:
        desk.finish("10.200.0.99", res.session, res.confirm, over_tls=True)
    assert err.value.code == "pairing_expired"


def test_garbage_messages_get_a_4xx_never_a_crash(storage):
    desk = _desk(storage)
    create_pairing_code(storage, _now())
    rng = __import__("random").Random(11)
    for i in range(60):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        msg = base64.urlsafe_b64encode(raw).decode() if i % 3 else "%%%" + raw.hex()
        with pytest.raises(PairingError) as err:
            desk.start(f"10.200.1.{i}", "kiosk", "k", msg)
        assert 400 <= err.value.status < 500


def test_codes_are_read_as_typed():
    assert normalise_code(" 123-456 ") == "123456"
    for bad in ("12345", "1234567", "abcdef", ""):
        with pytest.raises(ValueError):
            normalise_code(bad)


# ---------------------------------------------------------------- the backoff


def test_backoff_is_per_address_and_grows():
    clock = Ticker()
    b = Backoff(free=3, max_s=300, clock=clock)
    for _ in range(3):
        assert b.retry_after("10.200.0.5") == 0
        b.attempt("10.200.0.5")
    waits = []
    for _ in range(12):
        waits.append(b.retry_after("10.200.0.5"))
        clock.t += waits[-1]
        b.attempt("10.200.0.5")
    assert waits[:4] == [1, 2, 4, 8] and waits[-1] == 300  # doubling, then capped
    assert b.retry_after("10.200.0.6") == 0  # another address is never slowed down
    b.succeeded("10.200.0.5")
    assert b.retry_after("10.200.0.5") == 0


def test_backoff_counts_an_ipv6_host_by_its_64_and_forgets_idle_addresses():
    clock = Ticker()
    b = Backoff(free=1, forget_s=900, clock=clock)
    b.attempt("fd00:1:2:3::1")
    assert b.retry_after("fd00:1:2:3::ffff") == 1  # same /64: same host
    assert b.retry_after("fd00:1:2:4::1") == 0
    for _ in range(5):
        clock.t += 100
        b.attempt("10.200.0.7")
    clock.t += 1000
    b.attempt("10.200.0.7")  # long idle: counted from scratch (1 failure, not 6)
    assert b.retry_after("10.200.0.7") == 1


# ---------------------------------------------------------------- end to end, over TLS


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    from hubproc import HubProcess

    hub = HubProcess(tmp_path_factory.mktemp("pairhub"), tls="on")
    hub.make_tokens()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def _code(hub) -> str:
    out = subprocess.run([sys.executable, "-m", "antrean", "pair", "--data", str(hub.data_dir)],
                         capture_output=True, text=True, check=True, timeout=60)
    assert hub.fingerprint[:4] in out.stderr  # the lead sees the key to compare
    return out.stdout.strip().splitlines()[-1]


def _device_names(hub) -> list[str]:
    st = Storage(hub.data_dir, migrate=False)
    try:
        return [d["name"] for d in st.list_devices()]
    finally:
        st.close()


def test_pairing_over_tls_pins_the_hub_key_and_the_token_works(tls_hub):
    code = _code(tls_hub)
    with HubClient(tls_hub.url) as dev:
        token = dev.pair(code, "counter", "Loket 7")
        assert dev.fingerprint == tls_hub.fingerprint
        assert dev.call_next(7) is None  # over HTTPS, pinned, at once
    seen: list[dict] = []
    with HubClient(tls_hub.url, token, fingerprint=tls_hub.fingerprint) as again:
        stream = again.events(seen.append)
        try:
            assert again.pause(7)["number"] == 7
            for _ in range(100):
                if any(e.get("type") == "counter.changed" for e in seen):
                    break
                stream._stop.wait(0.05)
        finally:
            stream.close()
    assert any(e.get("type") == "counter.changed" for e in seen)  # WSS, pinned too


def test_a_wrong_code_over_tls_fails_on_both_ends(tls_hub):
    code = _code(tls_hub)
    before = _device_names(tls_hub)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    with HubClient(tls_hub.url) as dev, pytest.raises(HubError) as err:
        dev.pair(wrong, "kiosk", "Kios Salah")
    assert err.value.code == "wrong_code" and dev.token is None and dev.fingerprint is None
    assert _device_names(tls_hub) == before  # the hub issued nothing
    with HubClient(tls_hub.url) as dev:
        dev.pair(code, "kiosk", "Kios Benar")  # and the code is not burnt
    assert _device_names(tls_hub) == [*before, "Kios Benar"]


def _raw_start(hub, address: str, code: str) -> httpx.Response:
    dev = DeviceExchange(code, "kiosk", "Kios Tebak")
    transport = httpx.HTTPTransport(local_address=address, verify=HubTLSContext())
    with httpx.Client(transport=transport, timeout=10) as http:
        return http.post(f"{hub.url}/api/v1/pair/start", json=dev.start_body())


def test_guesses_back_off_per_address_without_blocking_another(tls_hub):
    code = _code(tls_hub)
    wrong = f"{(int(code) + 3) % 1_000_000:06d}"
    statuses = [_raw_start(tls_hub, "127.0.0.3", wrong).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]  # three guesses free (each is one guess)
    blocked = _raw_start(tls_hub, "127.0.0.3", wrong)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert blocked.json()["error"] == "pairing_backoff" and "detik" in blocked.json()["message"]
    # Meanwhile the technician at another address pairs with the same code at once.
    assert _raw_start(tls_hub, "127.0.0.4", wrong).status_code == 200
    with HubClient(tls_hub.url) as dev:
        dev.pair(code, "display", "Layar Aula")
    assert "Layar Aula" in _device_names(tls_hub)


def test_a_man_in_the_middle_gets_no_token_and_no_request(tls_hub, tmp_path):
    from tlsrelay import TLSRelay

    relay = TLSRelay("127.0.0.1", tls_hub.port, tmp_path / "mitm").start()
    try:
        before = _device_names(tls_hub)
        code = _code(tls_hub)
        with HubClient(relay.url) as dev, pytest.raises(HubError) as err:
            dev.pair(code, "counter", "Loket Disadap")
        assert err.value.code == "hub_key_mismatch"
        assert _device_names(tls_hub) == before  # the relayed exchange recorded nothing
        # A paired device sent through the relay refuses it in the handshake: the relay
        # reads not one byte of HTTP (so no token).
        relay.received = 0
        with HubClient(relay.url, tls_hub.tokens["kiosk"],
                       fingerprint=tls_hub.fingerprint) as dev:
            with pytest.raises(HubError) as err:
                dev.health()
            assert err.value.code == "hub_key_refused"
            assert relay.fingerprint[:4] in err.value.message_en
        assert relay.connections >= 1 and relay.received == 0
    finally:
        relay.stop()


# ---------------------------------------------------------------- the phone's browser


def test_a_browser_pairs_only_as_a_survey_device_and_only_over_https(storage):
    from antrean.pairing import plain_pair

    desk = _desk(storage)
    code = create_pairing_code(storage, _now(), ("survey", "kiosk"))
    for role, secure, error in (("kiosk", True, "pake_required"),
                                ("survey", False, "tls_required")):
        with pytest.raises(PairingError) as err:
            plain_pair(desk, "10.200.0.5", code, role, "HP", secure=secure)
        assert err.value.code == error
    token, dev = plain_pair(desk, "10.200.0.5", code, "survey", "HP relawan", secure=True)
    assert dev.role == "survey" and storage.list_devices()[0]["token_hash"] == hash_token(token)


def test_the_survey_page_pairs_a_phone_over_https(tls_hub):
    code = _code(tls_hub)
    with tls_hub.http(timeout=10) as phone:  # the phone's browser after the certificate step
        wrong = phone.post(f"{tls_hub.url}/api/v1/pair", json={
            "code": f"{(int(code) + 1) % 1_000_000:06d}", "role": "survey", "name": "HP 1"})
        assert wrong.status_code == 403 and wrong.json()["error"] == "wrong_code"
        kiosk = phone.post(f"{tls_hub.url}/api/v1/pair",
                           json={"code": code, "role": "kiosk", "name": "Kios Palsu"})
        assert kiosk.status_code == 403 and kiosk.json()["error"] == "pake_required"
        r = phone.post(f"{tls_hub.url}/api/v1/pair",
                       json={"code": code, "role": "survey", "name": "HP relawan"})
        assert r.status_code == 201 and r.json()["role"] == "survey"
    assert "HP relawan" in _device_names(tls_hub) and "Kios Palsu" not in _device_names(tls_hub)
