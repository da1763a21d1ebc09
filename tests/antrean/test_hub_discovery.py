"""A client finds its post's hub on 127.0.0.1 by mDNS and reads the post id."""

from __future__ import annotations

import uuid

from antrean.client import HubClient


def test_client_discovers_the_hub_on_loopback(tmp_path):
    from hubproc import HubProcess

    from antrean.config import example_config_path

    # A post of its own: a demo or another test's hub on lo announces the example post.
    post = f"pos-uji-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "post.toml"
    config.write_text(example_config_path().read_text(encoding="utf-8").replace(
        'id = "pos-contoh"', f'id = "{post}"', 1), encoding="utf-8")
    hub = HubProcess(tmp_path / "hub", config=config, mdns=True)  # bound to 127.0.0.1: lo only
    hub.make_tokens()
    hub.start()
    try:
        client = HubClient.discover(hub.tokens["display"], post=post, timeout=8,
                                    interfaces=["127.0.0.1"])
        try:
            assert client.url == hub.url
            assert client.health()["post"]["id"] == post
        finally:
            client.close()
    finally:
        hub.stop()
