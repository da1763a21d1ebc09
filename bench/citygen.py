"""Synthetic posts' logs for bench/city.py: a post-day of wire events as one uplink body,
built from string templates (the bench must spend its CPU on the city, not on making
JSON). Tickets look like a hub's: issued, called, finished (served or no-show), sometimes
recalled, often rated; a complaint now and then; with ``surveys``, that share of the residents
served answers the SKM survey (nine scores 1-4). Times are whole seconds, WIB."""

from __future__ import annotations

import random
from datetime import date

__all__ = ["SERVICES", "post_day_body", "post_id", "instance_of"]

SERVICES = (("adminduk", "A", "Administrasi Kependudukan"), ("kesehatan", "B", "Kesehatan"),
            ("bansos", "C", "Bantuan Sosial"), ("literasi", "D", "Literasi Keuangan"))
_META = ('{"name":"Pos %s","name_en":"","timezone":"Asia/Jakarta","services":['
         + ",".join('{"id":"%s","letter":"%s","name":"%s","name_en":""}' % s  # noqa: UP031
                    for s in SERVICES)
         + "]}")
_SNAP = ('{"id":"%s","number":"%s","service":"%s","priority":%s,"state":"%s",'
         '"issued_at":"%s","called_at":%s,"finished_at":%s,"counter":%s,"position":null,'
         '"estimated_wait_s":null,"recalls":%d,"transfers":0,"rating":%s}')
_EVENT = '{"seq":%d,"type":"%s","at":"%s","ticket":%s,"counter":%s,"data":%s}'
_HMS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(48 * 3600)]


def post_id(p: int) -> str:
    return f"pos-{p:03d}"


def instance_of(p: int) -> str:
    return f"{p:08x}-0000-4000-8000-000000000000"


_SKM = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
        "pengaduan", "sarana")  # antrean.skm.ELEMENT_IDS (this module stays import-free)
_SURVEY = ('{"number":"%s","service":"%s","answers":{' + ",".join(f'"{e}":%d' for e in _SKM)
           + '},"profile":{},"request_id":"%s","device":"Kios 1"}')


def post_day_body(p: int, day: date, tickets: int, seq0: int, rng: random.Random,
                  surveys: float = 0.0) -> tuple[bytes, int]:
    """One post-day as a ``POST /city/v1/events`` body; returns (body, last seq). Without
    ``surveys`` the random stream is the one it always was (the same day as before)."""
    d = day.isoformat()

    def ts(s: int) -> str:
        return f"{d}T{_HMS[min(s, 86399)]}+07:00"

    def q(s: int | None) -> str:
        return "null" if s is None else f'"{ts(s)}"'

    dayno = (day - date(2000, 1, 1)).days
    rows: list[tuple[int, int, str, tuple]] = []  # (time, order, type, facts)
    survey_data: dict[str, str] = {}  # ticket id -> its survey event's data
    issued = 8 * 3600
    gap = 28000 / tickets
    for i in range(tickets):
        issued += int(rng.expovariate(1 / gap)) + 1
        sid, letter, _name = SERVICES[rng.randrange(4)]
        tid = (f"{p:08x}-{dayno & 0xffff:04x}-4{i >> 12 & 0xfff:03x}-8{i & 0xfff:03x}-"
               f"{rng.getrandbits(48):012x}")
        prio = '"elderly"' if rng.random() < 0.15 else "null"
        called = issued + int(rng.expovariate(1 / (900 if prio == "null" else 300)))
        done = called + rng.randrange(120, 900)
        served = rng.random() > 0.06
        counter = 1 + i % 6
        number = f"{letter}{i + 1:03d}"
        base = (tid, number, sid, prio, issued, counter)
        rows.append((issued, 0, "ticket.issued", (*base, None, None, "waiting", 0, None)))
        rows.append((called, 1, "ticket.called", (*base, called, None, "called", 0, None)))
        recalls = 0
        if rng.random() < 0.2:
            recalls = 1
            rows.append((called + 30, 2, "ticket.recalled", (*base, called, None, "called", 1, None)))
        outcome = "served" if served else "no_show"
        rows.append((done, 3, "ticket.finished", (*base, called, done, outcome, recalls, None)))
        if served and rng.random() < 0.7:
            rows.append((done + 40, 4, "ticket.rated",
                         (*base, called, done, outcome, recalls, rng.choice((4, 4, 4, 3, 3, 2, 1)))))
        if served and surveys and rng.random() < surveys:
            scores = rng.choices((4, 3, 2, 1), (40, 45, 11, 4), k=len(_SKM))
            survey_data[tid] = _SURVEY % (number, sid, *scores, f"{tid[:-12]}{i:012x}")
            rows.append((done + 90, 5, "survey.submitted",
                         (*base, called, done, outcome, recalls, None)))
    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    seq = seq0
    for at, _o, etype, (tid, number, sid, prio, iss, counter, called, done, state, recalls,
                        rating) in rows:
        seq += 1
        snap = _SNAP % (tid, number, sid, prio, state, ts(iss), q(called), q(done),
                        "null" if called is None else counter, recalls,
                        "null" if rating is None else rating)
        data = ('{"kiosk":"Kios 1"}' if etype == "ticket.issued"
                else f'{{"outcome":"{state}"}}' if etype == "ticket.finished"
                else f'{{"rating":{rating}}}' if etype == "ticket.rated"
                else survey_data[tid] if etype == "survey.submitted" else "{}")
        out.append(_EVENT % (seq, etype, ts(at), snap,
                             "null" if etype == "ticket.issued" else counter, data))
    if rng.random() < 0.3:
        seq += 1
        out.append(_EVENT % (seq, "complaint.filed", ts(13 * 3600), "null", "null",
                             '{"category":"waktu","text":"","number":null}'))
    body = ('{"post":"%s","instance":"%s","after":%d,"meta":%s,"events":[%s]}'  # noqa: UP031
            % (post_id(p), instance_of(p), seq0, _META % post_id(p), ",".join(out)))
    return body.encode(), seq
