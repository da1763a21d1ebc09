"""Words a resident reads on the board: Indonesian dates, zones, alerts, the ticker."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from display.texts import (
    LABELS,
    alert_text,
    clock_text,
    date_text,
    surge_text,
    ticker_items,
    zone_name,
)

WIB, WITA, WIT = (timezone(timedelta(hours=h)) for h in (7, 8, 9))


@pytest.mark.parametrize(("when", "text"), [
    (datetime(2026, 11, 22, 9, 5, tzinfo=WIB), "Minggu, 22 November 2026"),
    (datetime(2026, 11, 23, 9, 5, tzinfo=WIB), "Senin, 23 November 2026"),
    (datetime(2026, 1, 2, tzinfo=WIB), "Jumat, 2 Januari 2026"),
    (datetime(2026, 8, 17, tzinfo=WIB), "Senin, 17 Agustus 2026"),
    (datetime(2026, 3, 4, tzinfo=WIB), "Rabu, 4 Maret 2026"),
    (datetime(2026, 5, 9, tzinfo=WIB), "Sabtu, 9 Mei 2026"),
])
def test_dates_use_indonesian_day_and_month_names(when, text):
    assert date_text(when) == text


def test_english_date_and_the_posts_24_hour_clock():
    when = datetime(2026, 11, 22, 14, 5, tzinfo=WIB)
    assert date_text(when, "en") == "Sunday, 22 November 2026"
    assert clock_text(when) == "14.05"  # written the Indonesian way, in both languages
    assert clock_text(None) == "—"  # the hub has not told the time yet"


def test_zones_are_named_as_indonesians_name_them():
    assert [zone_name(datetime(2026, 1, 1, tzinfo=z)) for z in (WIB, WITA, WIT)] == \
        ["WIB", "WITA", "WIT"]
    assert zone_name(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=30)))) \
        == "UTC+5:30"
    assert zone_name(datetime(2026, 1, 1)) == ""


def test_both_languages_have_every_label():
    assert LABELS["id"].keys() == LABELS["en"].keys()
    assert LABELS["id"]["counter"] == "Loket"


def test_alert_names_the_device_and_the_problem():
    status = {"device": "kios-1", "component": "printer", "ok": False, "status": "paper_out",
              "message": "Kertas habis"}
    assert alert_text(status) == "Printer (kios-1): Kertas habis"
    assert alert_text({"component": "buttons", "status": "offline"}) == "Tombol antrean: offline"
    assert alert_text({"device": "x", "component": "buttons", "status": "offline"}, "en") \
        == "Button box (x): offline"


def test_ticker_lists_alerts_then_each_open_service_standard():
    services = [
        {"letter": "A", "name": "Administrasi Kependudukan", "name_en": "Civil Registration",
         "open": True, "standard": {"requirements": "KTP-el", "requirements_en": "ID card",
                                    "time": "15 menit", "cost": "Gratis", "cost_en": "Free",
                                    "complaints": "SP4N-LAPOR!: lapor.go.id, SMS 1708"}},
        {"letter": "E", "name": "Pengaduan", "open": False, "standard": {"cost": "Gratis"}},
    ]
    items = ticker_items(services, ["Printer (kios-1): Kertas habis"])
    assert items == [
        "⚠ Printer (kios-1): Kertas habis",
        "A · Administrasi Kependudukan — Persyaratan: KTP-el; Waktu: 15 menit; Biaya: Gratis",
        "Pengaduan: SP4N-LAPOR!: lapor.go.id, SMS 1708",
    ]
    english = ticker_items(services, [], "en")
    # English where the post gave it, Indonesian where it did not.
    assert english[0] == ("A · Civil Registration — Requirements: ID card; Time: 15 menit; "
                          "Cost: Free")


def test_a_surge_is_a_calm_note_naming_the_services():
    assert surge_text(["Kesehatan"]) == "Layanan Kesehatan sedang ramai — mohon bersabar"
    assert surge_text(["Kesehatan", "Bantuan Sosial", "Pengaduan"]) == \
        "Layanan Kesehatan, Bantuan Sosial dan Pengaduan sedang ramai — mohon bersabar"
    assert surge_text(["Layanan KTP"]) == "Layanan KTP sedang ramai — mohon bersabar"
    assert surge_text(["Health"], "en") == "Long queue for Health — thank you for your patience"
    assert surge_text(["Health", "Civil Registration"], "en") == \
        "Long queues for Health and Civil Registration — thank you for your patience"
    assert surge_text([]) == surge_text([""], "en") == ""
