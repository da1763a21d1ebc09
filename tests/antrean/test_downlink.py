"""The hub's side of the city's downlink (antrean/downlink.py): pages kept with their
cursor in one transaction, a cut link resumed from the cursor, a bad page refused whole.
The city's answers are given as the city's own ``downlink()`` shapes them; the whole path
through a real city on PostgreSQL is tests/city/test_beneficiary_city.py."""

from __future__ import annotations

from typing import Any

import pytest
from hubproc import bansos_config

from antrean.beneficiary_store import find_given
from antrean.config import PostConfig, load_post_config
from antrean.downlink import BadDownlink, Downlink, cursor_key
from antrean.storage import Storage

KEY = "ab" * 32


def _page(start: int, n: int, *, more: bool) -> dict[str, Any]:
    hashes = [[f"{i:064x}", "2026-11-23", "pos-b", 2] for i in range(start, start + n)]
    return {"programme": "bansos-2026", "key": KEY, "cursor": start + n - 1 if n else start,
            "more": more, "posts": {"pos-b": "Pos Kelurahan Sukajadi"}, "hashes": hashes}


class CutAfter:
    """Answers the pages in turn, and fails (the link is cut) after ``ok`` of them."""

    def __init__(self, pages: list[dict[str, Any]], ok: int) -> None:
        self.pages, self.ok, self.asked = pages, ok, []

    def __call__(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        assert path == "/beneficiaries"
        self.asked.append(params["after"])
        if len(self.asked) > self.ok:
            raise ConnectionError("cut")
        page = next(p for p in self.pages if p["cursor"] > params["after"] or not p["hashes"])
        return page if page["hashes"] else {**page, "cursor": params["after"]}  # as the city


def _config(tmp_path: Any) -> PostConfig:
    """The example post, bansos-2026 running around today (never purged meanwhile)."""
    return load_post_config(bansos_config(tmp_path / "post.toml"))


@pytest.fixture
def storage(tmp_path):
    st = Storage(tmp_path)
    yield st
    st.close()


def test_a_cut_link_resumes_from_the_last_kept_page(storage, tmp_path):
    cfg = _config(tmp_path)
    pages = [_page(1, 3, more=True), _page(4, 3, more=True), _page(7, 0, more=False)]
    first = CutAfter(pages, ok=1)
    with pytest.raises(ConnectionError):
        Downlink(storage, cfg).run(first)
    assert storage.meta_value(cursor_key("bansos-2026")) == "3"
    second = CutAfter(pages, ok=5)
    down = Downlink(storage, cfg)
    down.run(second)
    assert second.asked == [3, 6]  # from the kept cursor, not from 0
    assert storage.meta_value(cursor_key("bansos-2026")) == "6"
    assert down.last["bansos-2026"]["added"] == 3
    with storage.engine.connect() as c:
        found = find_given(c, "bansos-2026", f"{5:064x}")
        count = c.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one()
    assert found is not None and found["post_name"] == "Pos Kelurahan Sukajadi"
    assert found["source"] == "city" and found["counter"] == 2
    assert count == 6
    key_file = storage.data_dir / "beneficiary-keys" / "bansos-2026.key"
    assert key_file.read_text().strip() == KEY
    # the same page again (an answer lost on the way) adds nothing twice
    with storage.engine.begin() as c:
        c.exec_driver_sql("UPDATE meta SET value = '0' WHERE key = ?",
                          (cursor_key("bansos-2026"),))
    Downlink(storage, cfg).run(CutAfter(pages, ok=5))
    with storage.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one() == 6


@pytest.mark.parametrize("spoil", [
    lambda p: p.update(key="not hex"),
    lambda p: p["hashes"].append(["A" * 64, "2026-11-23", "pos-b", 1]),
    lambda p: p["hashes"].append([("f" * 64), "2026-13-40", "pos-b", 1]),
    lambda p: p["hashes"].append([("f" * 64), "2026-11-23", "Pos B!", 1]),
    lambda p: p.update(cursor=-1),
])
def test_a_bad_page_is_refused_whole(storage, spoil, tmp_path):
    page = _page(1, 2, more=False)
    spoil(page)
    with pytest.raises(BadDownlink):
        Downlink(storage, _config(tmp_path)).run(lambda _path, _params: page)
    with storage.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one() == 0
    assert storage.meta_value(cursor_key("bansos-2026")) is None


def test_a_programme_past_its_purge_is_not_fetched_again(storage, tmp_path):
    from datetime import date, timedelta

    ended = load_post_config(bansos_config(tmp_path / "old.toml", start=date(2020, 1, 1),
                                           end=date.today() - timedelta(days=10), retention=3))
    asked: list[Any] = []
    Downlink(storage, ended).run(lambda path, params: asked.append(params) or _page(1, 1, more=False))
    assert asked == []
