"""A rogue hub on the LAN announces the real post — and gets nothing from a paired device.

Found in issue 11: a fake ``_antrean._tcp`` advert with the real post id, re-announced every
second, was chosen in 5 of 10 discoveries, received the kiosk's token each time, and the
kiosk printed its fake ticket "Z999". Here, on 127.0.0.1 with real zeroconf: the real hub
(a real process, ``--tls on``), a rogue TLS hub with a key of its own that even announces
the real key's ``fp=`` hint, and a rogue plain-HTTP hub, both re-announced every second.
100 discoveries by paired devices: every one reaches the real hub; the rogues get no request
and no token.
"""

from __future__ import annotations

import logging
import threading
import uuid

import pytest

from antrean.client import HubClient
from antrean.discovery import Advertiser, Browser

DISCOVERIES = 100


class Reannouncer:
    """Announce a hub for ``post`` and re-announce it every second (a changing TXT key), so
    it is always the most recently announced — what won discoveries before."""

    def __init__(self, post: str, port: int, txt: dict[str, str], name: str) -> None:
        self.adv = Advertiser("hub", post, name, port, address="127.0.0.1", extra=txt)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reannounce", daemon=True)
        self.count = 0

    def start(self) -> Reannouncer:
        self.adv.start()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.count += 1
            self.adv.update(n=self.count)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.adv.close()


@pytest.fixture
def post_with_rogues(tmp_path):
    from hubproc import HubProcess, write_post_config
    from tlsrelay import RogueHub

    post = f"pos-rogue-{uuid.uuid4().hex[:8]}"  # ours alone: other tests' hubs don't mix in
    hub = HubProcess(tmp_path / "hub", config=write_post_config(tmp_path / "post.toml",
                                                                post_id=post),
                     mdns=True, tls="on")
    hub.make_tokens()
    hub.start()
    rogue_tls = RogueHub(post, tmp_path / "rogue").start()
    rogue_plain = RogueHub(post, tmp_path / "rogue-plain", tls=False).start()
    hint = hub.fingerprint[:16]  # copied from the real hub's advert: the worst case
    adverts = [Reannouncer(post, rogue_tls.port, {"tls": "1", "fp": hint}, "Pos Palsu").start(),
               Reannouncer(post, rogue_plain.port, {"fp": hint}, "Pos Palsu Polos").start()]
    try:
        yield post, hub, rogue_tls, rogue_plain
    finally:
        for adv in adverts:
            adv.stop()
        rogue_tls.stop()
        rogue_plain.stop()
        hub.stop()


def test_paired_devices_never_reach_a_rogue_hub(post_with_rogues, caplog):
    post, hub, rogue_tls, rogue_plain = post_with_rogues
    caplog.set_level(logging.WARNING, logger="antrean.client")
    # Discovery does see the rogues: they announce the post, one of them as "TLS, this key".
    with Browser(post=post, roles=["hub"], interfaces=["127.0.0.1"]) as browser:
        wanted = {hub.port, rogue_tls.port, rogue_plain.port}
        for port in wanted:
            assert browser.wait_for("hub", timeout=10, accept=lambda p, n=port: p.port == n)

    numbers = []
    for _ in range(DISCOVERIES):
        with HubClient(None, hub.tokens["kiosk"], post=post, interfaces=["127.0.0.1"],
                       fingerprint=hub.fingerprint, timeout=5) as kiosk:
            ticket = kiosk.issue("adminduk")
            assert kiosk.url == hub.url
        numbers.append(ticket["number"])

    assert rogue_tls.requests == 0 and rogue_tls.tokens == []
    assert rogue_plain.requests == 0 and rogue_plain.connections == 0
    assert len(set(numbers)) == DISCOVERIES and all(n.startswith("A") for n in numbers)
    assert "Z999" not in numbers
    # The rogue TLS hub was tried (it copies the real key's hint) and refused in the
    # handshake, logged with its key.
    assert rogue_tls.connections >= 1
    print(f"\n{DISCOVERIES} discoveries: real hub {DISCOVERIES}, rogue TLS hub 0 requests "
          f"({rogue_tls.connections} handshakes refused by the pin), plain rogue 0")
    assert "refused the hub at " + rogue_tls.url in caplog.text


def test_a_device_with_a_token_but_no_pinned_key_does_not_use_a_lan_hub(post_with_rogues):
    """Before pairing pinned a key, a token goes only to a hub address the device was given
    (or loopback): never to a LAN hub found by mDNS."""
    _post, hub, _rogue_tls, _rogue_plain = post_with_rogues
    client = HubClient(None, hub.tokens["kiosk"])
    assert client.refusal("https://10.200.0.9:8470", fixed=False) is not None
    assert client.refusal("https://10.200.0.9:8470", fixed=True) is None
    assert client.refusal("http://127.0.0.1:8470", fixed=False) is None
    pinned = HubClient(None, hub.tokens["kiosk"], fingerprint=hub.fingerprint)
    assert pinned.refusal("http://10.200.0.9:8470", fixed=True) is not None  # no plain HTTP
    assert pinned.refusal("http://127.0.0.1:8470", fixed=False) is not None  # not by mDNS
    assert pinned.refusal("http://127.0.0.1:8470", fixed=True) is None  # the one-machine demo
    client.close()
    pinned.close()
