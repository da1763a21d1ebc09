"""Residents rate the service and complain at the kiosk: touches on the real QML, a real hub."""

from __future__ import annotations

from typing import Any

from kiosk_helpers import (
    complaints,
    hub_events,
    issue,
    kiosk_config,
    satisfaction,
    serve,
    typed,
)
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def enter_number(k: Any, number: str) -> None:
    """From the start screen: "Nilai layanan kami", the number on the pad, "Lanjut"."""
    k.click("rateButton")
    k.wait_screen("rate-entry")
    k.press_keys(typed(number))
    assert k.item("rateEntry").property("text") == typed(number)
    k.click("rateOk")


def ratings_of(hub: Any, number: str) -> list[int]:
    return [e["data"]["rating"] for e in hub_events(hub, "ticket.rated")
            if e["data"]["number"] == number]


def test_a_served_ticket_is_rated_by_its_number_once(shared_hub, make_kiosk, monkeypatch) -> None:
    monkeypatch.setattr("kiosk.rating.THANKS_S", 0.3)
    monkeypatch.setattr("kiosk.rating.THANKS_OFFER_S", 0.3)  # (they offer the full survey)
    k = make_kiosk(kiosk_config(shared_hub))
    ticket = serve(shared_hub, "kesehatan")
    before = satisfaction(shared_hub)

    enter_number(k, ticket["number"])
    k.wait_screen("rate-faces")
    assert k.item("rateTicket").property("text") == f"Nomor {ticket['number']}  ·  Kesehatan"
    assert [f["label"] for f in k.vm.rating.faces] == [
        "Sangat puas", "Puas", "Kurang puas", "Tidak puas"]
    k.click("face-3")
    k.wait_screen("rate-thanks")
    assert k.item("thanksTitle").property("text") == "Terima kasih!"
    assert ticket["number"] in k.item("thanksText").property("text")
    after = satisfaction(shared_hub)
    assert after["3"] == before["3"] + 1 and sum(after.values()) == sum(before.values()) + 1
    k.wait_screen("start")  # by itself

    # The same ticket again: the hub keeps one rating per ticket, and the ticket says it is
    # rated, so the kiosk refuses before showing the faces.
    enter_number(k, ticket["number"])
    k.wait(lambda: k.vm.rating.message != "")
    assert k.vm.screen == "rate-entry"
    assert k.item("rateMessage").property("text") == \
        f"Nomor {ticket['number']} sudah memberi penilaian. Terima kasih."
    assert satisfaction(shared_hub) == after
    k.click("rateCancel")
    k.wait_screen("start")


def test_a_waiting_or_unknown_number_is_refused_with_the_reason(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    waiting = issue(shared_hub, "bansos")

    enter_number(k, waiting["number"])
    k.wait(lambda: k.vm.rating.message != "")
    assert k.vm.screen == "rate-entry"
    assert k.item("rateMessage").property("text") == \
        "Penilaian bisa diberikan setelah layanan selesai."

    for _ in range(3):
        k.click("key-back")
    k.press_keys("D9876")
    k.click("rateOk")
    k.wait(lambda: "D9876" in k.vm.rating.message)
    assert k.vm.rating.message == \
        "Nomor D9876 tidak ditemukan hari ini. Periksa nomor pada tiket Anda."

    k.click("langButton")  # the same refusal in English
    k.click("rateOk")
    k.wait(lambda: k.vm.rating.message.startswith("Number"))
    assert k.vm.rating.message == \
        "Number D9876 was not issued today. Check the number on your ticket."
    k.click("rateCancel")
    k.wait_screen("start")
    assert k.vm.lang == "id"  # the next resident starts in Indonesian


def test_a_scanned_ticket_goes_straight_to_the_faces(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    ticket = serve(shared_hub, "adminduk")

    k.scan(ticket["id"])  # on the start screen: the QR of the ticket, typed by the scanner
    k.wait_screen("rate-faces")
    assert k.vm.rating.number == ticket["number"]
    k.click("face-4")
    k.wait_screen("rate-thanks")
    assert ratings_of(shared_hub, ticket["number"]) == [4]


def test_a_double_tap_on_a_face_sends_one_rating(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    posts: list[str] = []
    request = k.kiosk.client.request

    def spy(method: str, path: str, **kw: Any) -> Any:
        if method == "POST" and path == "/ratings":
            posts.append(kw["json_body"]["number"])
        return request(method, path, **kw)

    k.kiosk.client.request = spy  # type: ignore[method-assign]
    ticket = serve(shared_hub, "literasi")
    enter_number(k, ticket["number"])
    k.wait_screen("rate-faces")
    face = k.item("face-2")
    centre = face.mapToScene(face.boundingRect().center()).toPoint()

    QTest.mouseDClick(k.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseClick(k.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    k.wait_screen("rate-thanks")
    QTest.mouseClick(k.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    k.qtbot.wait(200)

    assert posts == [ticket["number"]]
    assert ratings_of(shared_hub, ticket["number"]) == [2]


def test_a_complaint_with_category_text_and_number(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    ticket = issue(shared_hub, "adminduk")
    seen = len(complaints(shared_hub))

    k.click("complaintButton")
    k.wait_screen("complaint-category")
    assert "lapor.go.id" in k.item("laporText").property("text")  # before sending, too
    k.click("category-waktu")
    k.wait_screen("complaint-text")
    k.press_keys("LAMA SEKALI. LOKET 2 KOSONG", prefix="kb-")
    k.click("kb-back")
    k.press_keys("G", prefix="kb-")
    assert k.vm.complaint.text == "Lama sekali. Loket 2 kosong"
    k.click("complaintNumberBox")
    k.wait_screen("complaint-number")
    k.press_keys(typed(ticket["number"]))
    k.click("complaintNumberOk")
    k.wait_screen("complaint-text")
    assert k.item("complaintNumber").property("text") == ticket["number"]
    k.click("complaintSend")
    k.wait_screen("complaint-sent")

    filed = complaints(shared_hub)[seen:]
    assert [(c["category"], c["text"], c["number"]) for c in filed] == [
        ("waktu", "Lama sekali. Loket 2 kosong", ticket["number"])]
    lapor = k.item("laporText").property("text")
    assert "SP4N-LAPOR!" in lapor and "lapor.go.id" in lapor and "1708" in lapor
    k.click("complaintDone")
    k.wait_screen("start")


def test_a_complaint_without_text_or_number_names_a_scanned_ticket(shared_hub,
                                                                   make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub))
    ticket = issue(shared_hub, "kesehatan")  # still waiting: a complaint need not wait
    seen = len(complaints(shared_hub))
    k.click("complaintButton")
    k.wait_screen("complaint-category")
    k.click("category-sarana")
    k.wait_screen("complaint-text")
    k.scan(ticket["id"])
    k.wait(lambda: k.vm.complaint.number == ticket["number"])
    k.click("complaintSend")
    k.wait_screen("complaint-sent")
    assert [(c["category"], c["text"], c["number"]) for c in complaints(shared_hub)[seen:]] \
        == [("sarana", "", ticket["number"])]


def test_hub_down_while_rating_then_back(hub_process, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(hub_process), offline_poll_s=0.2)
    ticket = serve(hub_process, "bansos")
    enter_number(k, ticket["number"])
    k.wait_screen("rate-faces")

    hub_process.kill()
    k.click("face-2")
    k.wait_screen("hub-down")
    assert k.item("hubDownText").property("text") == \
        "Layanan sedang tidak tersedia, mohon tunggu"
    assert k.vm.pendingText.startswith(f"Penilaian Anda untuk {ticket['number']} tersimpan")
    k.click("face-2")  # touches on the hub-down screen do nothing
    k.qtbot.wait(300)

    hub_process.start()
    k.wait_screen("rate-thanks", timeout=10)  # kept, and sent once the hub answers
    assert satisfaction(hub_process)["2"] == 1
    assert ratings_of(hub_process, ticket["number"]) == [2]
