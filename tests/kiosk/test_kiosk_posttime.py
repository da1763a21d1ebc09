"""The kiosk shows the post's time (the hub's), never the Pi's own guess: nothing until the
hub has answered, then the post's time and zone the Indonesian way ("05.07 WITA")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hubproc import free_port
from kiosk_helpers import kiosk_config

from kiosk.config import KioskConfig


def post_minutes(tz: str) -> set[str]:
    """The post's "HH.MM" now and a few seconds on (a minute may turn during the test)."""
    now = datetime.now(UTC).astimezone(ZoneInfo(tz))
    return {f"{t.hour:02d}.{t.minute:02d}" for t in (now, datetime.fromtimestamp(
        now.timestamp() + 20, ZoneInfo(tz)))}


def test_no_time_on_screen_until_the_hub_has_told_it(make_kiosk) -> None:
    cfg = KioskConfig.model_validate({"hub": {"url": f"http://127.0.0.1:{free_port()}",
                                              "token": "t", "timeout_s": 0.5},
                                      "mdns": {"advertise": False}})
    k = make_kiosk(cfg, wait_for="hub-down")
    assert k.item("clockText").property("text") == "—"
    assert k.vm.clockDate == ""


def test_the_posts_time_and_zone_once_the_hub_answers(wita_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(wita_hub))
    shown = k.item("clockText").property("text")
    hhmm, _, zone = shown.partition(" ")
    assert zone == "WITA"  # the post's zone, not this machine's
    assert hhmm in post_minutes("Asia/Makassar")
