"""The hall clock is the post's (the hub's): "14.05" and the post's zone; "—" until known."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from displaykit import display_config
from hubproc import free_port

from display.app import run_until


def post_minutes(tz: str) -> set[str]:
    now = datetime.now(UTC).astimezone(ZoneInfo(tz))
    return {f"{t.hour:02d}.{t.minute:02d}" for t in (now, datetime.fromtimestamp(
        now.timestamp() + 20, ZoneInfo(tz)))}


def test_no_clock_and_no_date_until_the_hub_answers(make_display) -> None:
    app = make_display(display_config(f"http://127.0.0.1:{free_port()}", "t"), voice=False)
    run_until(lambda: False, 0.5)
    assert (app.board.clockText, app.board.dateText, app.board.zoneText) == ("—", "", "")


def test_the_posts_time_and_zone(wita_hub, make_display) -> None:
    app = make_display(display_config(wita_hub.url, wita_hub.tokens["display"]), voice=False)
    assert app.settle()
    assert app.board.zoneText == "WITA"
    assert app.board.clockText in post_minutes("Asia/Makassar")
