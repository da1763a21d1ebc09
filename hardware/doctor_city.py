"""The city link check of ``antrean doctor`` (hub and hall roles): read from the hub's
``/health`` ``city`` block, which the hub's uplink keeps (antrean/uplink.py).

A post never depends on the city, so a link that is down is a warning, never a failure:
the log stays on the hub and goes by itself once the city answers (or by USB stick).
"""

from __future__ import annotations

from .doctor_checks import OK, WARN, Findings, Result, result

__all__ = ["check_city"]

TITLE = ("Tautan ke server kota", "Link to the city server")


def check_city(f: Findings) -> Result:
    if f.health is None:
        return result("hub.city", WARN, TITLE, ("hub tidak menjawab; lihat di atas",
                                                "the hub did not answer; see above"))
    link = f.health.get("city")
    if not link:
        return result("hub.city", OK, TITLE, ("tidak diatur ([city] url kosong): pos berjalan "
                                              "sendiri", "not set ([city] url empty): the post "
                                              "runs on its own"))
    acked, backlog = link.get("acked_seq", 0), link.get("backlog", 0)
    where = link.get("url", "")
    if link.get("state") == "retrying":
        err = link.get("last_error") or {}
        return result(
            "hub.city", WARN, TITLE,
            (f"{where}: {backlog} peristiwa belum terkirim (terakhir diterima kota: seq "
             f"{acked}); galat terakhir {err.get('at', '')}: {err.get('message', '')}",
             f"{where}: {backlog} events not sent yet (last acknowledged: seq {acked}); "
             f"last error {err.get('at', '')}: {err.get('message_en', '')}"),
            ("periksa internet dan [city] url/token di hub.toml; data aman di hub dan terkirim "
             "sendiri saat kota terjangkau, atau bawa lewat USB: antrean export --bundle",
             "check the internet link and [city] url/token in hub.toml; the data is safe on the "
             "hub and goes by itself once the city answers, or by USB: antrean export --bundle"))
    return result("hub.city", OK, TITLE,
                  (f"{where}: terkirim sampai seq {acked}, {backlog} menunggu",
                   f"{where}: sent up to seq {acked}, {backlog} waiting"))
