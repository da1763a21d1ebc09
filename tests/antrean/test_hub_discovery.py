"""A client finds its post's hub on 127.0.0.1 by mDNS and reads the post id."""

from __future__ import annotations

from antrean.client import HubClient


def test_client_discovers_the_hub_on_loopback(tmp_path):
    from hubproc import HubProcess

    hub = HubProcess(tmp_path / "hub", mdns=True)  # bound to 127.0.0.1: advertises on lo only
    hub.make_tokens()
    hub.start()
    try:
        client = HubClient.discover(hub.tokens["display"], post="pos-contoh", timeout=8,
                                    interfaces=["127.0.0.1"])
        try:
            assert client.url == hub.url
            assert client.health()["post"]["id"] == "pos-contoh"
        finally:
            client.close()
    finally:
        hub.stop()
