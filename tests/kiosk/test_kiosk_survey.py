"""The full SKM survey at the kiosk: touches on the real QML, answers at a real hub."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from kiosk_helpers import hub_events, kiosk_config, serve, typed

from antrean.skm import ELEMENT_IDS


def rate_then_open_survey(k: Any, number: str, face: int = 3) -> None:
    """From the start screen: rate ``number`` with a face, then "Isi survei lengkap"."""
    k.click("rateButton")
    k.wait_screen("rate-entry")
    k.press_keys(typed(number))
    k.click("rateOk")
    k.wait_screen("rate-faces")
    k.click(f"face-{face}")
    k.wait_screen("rate-thanks")
    assert k.item("surveyOffer").property("text") == "Isi survei lengkap (9 pertanyaan)"
    k.click("surveyOffer")
    k.wait_screen("survey-question")


def surveys_of(hub: Any, number: str) -> list[dict[str, Any]]:
    return [e["data"] for e in hub_events(hub, "survey.submitted")
            if e["data"]["number"] == number]


def test_the_survey_is_clicked_through_and_sent_once(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub), size=(800, 480))
    ticket = serve(shared_hub, "kesehatan")
    rate_then_open_survey(k, ticket["number"])

    # Question 1: the regulation's four answers, best first, as faces with words.
    assert k.item("surveyProgress").property("text") == "Pertanyaan 1 dari 9"
    assert k.item("surveyTitle").property("text") == "Persyaratan"
    assert [c["label"] for c in k.vm.survey.choices] == [
        "Sangat sesuai", "Sesuai", "Kurang sesuai", "Tidak sesuai"]
    assert not k.item("surveyBack").property("enabled")
    k.click("survey-choice-4")  # persyaratan 4, and on by itself
    assert k.item("surveyTitle").property("text") == "Prosedur"
    k.click("survey-choice-2")  # prosedur 2 … then back, and change it to 3
    assert k.vm.survey.title == "Waktu pelayanan"
    k.click("surveyBack")
    assert k.vm.survey.title == "Prosedur"
    assert [c["chosen"] for c in k.vm.survey.choices] == [False, False, True, False]
    k.click("survey-choice-3")
    assert [c["label"] for c in k.vm.survey.choices][3] == "Tidak cepat"
    k.click("surveySkip")  # waktu skipped: asked again at the end
    assert [c["label"] for c in k.vm.survey.choices] == [
        "Gratis", "Murah", "Cukup mahal", "Sangat mahal"]
    for score in ("4", "3", "3", "4", "2", "3"):  # biaya … sarana
        k.click(f"survey-choice-{score}")
    k.wait_screen("survey-missing")
    assert k.item("surveyMissing").property("text").startswith(
        "1 pertanyaan belum dijawab: Waktu pelayanan.")
    assert surveys_of(shared_hub, ticket["number"]) == []  # nothing sent yet
    k.click("surveyAnswerMissing")
    assert k.vm.survey.title == "Waktu pelayanan"
    k.click("survey-choice-2")

    # The profile: optional, one question a screen.
    k.wait_screen("survey-profile")
    assert k.item("surveyTitle").property("text") == "Berapa usia Anda?"
    k.click("survey-choice-40-49")
    assert k.vm.survey.title == "Jenis kelamin Anda?"
    k.click("surveySkip")
    k.click("survey-choice-sma")
    k.click("surveySendNow")  # pekerjaan left out
    k.wait_screen("survey-done")
    assert k.item("surveyDoneTitle").property("text") == "Terima kasih!"
    assert ticket["number"] in k.item("surveyDoneText").property("text")

    (sent,) = surveys_of(shared_hub, ticket["number"])
    assert sent["answers"] == {"persyaratan": 4, "prosedur": 3, "waktu": 2, "biaya": 4,
                               "produk": 3, "kompetensi": 3, "perilaku": 4, "pengaduan": 2,
                               "sarana": 3}
    assert sent["profile"] == {"usia": "40-49", "pendidikan": "sma"}
    assert sent["device"] == "test-kiosk"
    k.wait_screen("start", timeout=10)  # by itself

    # "Batal" halfway: nothing is sent.
    ticket2 = serve(shared_hub, "kesehatan")
    rate_then_open_survey(k, ticket2["number"], face=4)
    k.click("survey-choice-4")
    k.click("surveyCancel")
    k.wait_screen("start")
    assert surveys_of(shared_hub, ticket2["number"]) == []

    # A ticket that answered the survey already (a volunteer's phone) is not offered it.
    ticket3 = serve(shared_hub, "kesehatan")
    r = httpx.post(f"{shared_hub.url}/api/v1/survey", headers=shared_hub.headers("lead"),
                   json={"ticket": ticket3["number"], "answers": dict.fromkeys(ELEMENT_IDS, 4),
                         "request_id": str(uuid.uuid4())})
    assert r.status_code == 201
    k.click("rateButton")
    k.wait_screen("rate-entry")
    k.press_keys(typed(ticket3["number"]))
    k.click("rateOk")
    k.wait_screen("rate-faces")
    k.click("face-4")
    k.wait_screen("rate-thanks")
    assert not k.vm.rating.surveyOffered


def test_english_and_a_rating_box_answer_the_questions(shared_hub, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(shared_hub), size=(1080, 1920))
    ticket = serve(shared_hub, "adminduk")
    rate_then_open_survey(k, ticket["number"])
    k.click("langButton")
    assert k.item("surveyProgress").property("text") == "Question 1 of 9"
    assert k.item("surveyTitle").property("text") == "Requirements"
    assert k.vm.survey.choices[0]["label"] == "Very suitable"
    for score in (4, 4, 3, 3, 4, 3, 4, 1, 3):  # a rating box's face buttons (4 best … 1)
        k.vm.survey.box_press(score)
    k.wait_screen("survey-profile")
    assert k.item("surveyTitle").property("text") == "How old are you?"
    for _ in range(4):
        k.click("surveySkip")
    k.wait_screen("survey-done")
    (sent,) = surveys_of(shared_hub, ticket["number"])
    assert list(sent["answers"].values()) == [4, 4, 3, 3, 4, 3, 4, 1, 3]
    assert list(sent["answers"]) == list(ELEMENT_IDS) and sent["profile"] == {}
    assert k.item("surveyDoneText").property("text") == \
        f"We have received your survey for number {ticket['number']}."
    k.wait_screen("start", timeout=10)
    assert k.vm.lang == "id"  # the next resident starts in Indonesian


def test_left_alone_the_survey_closes_and_sends_nothing(shared_hub, make_kiosk,
                                                        monkeypatch) -> None:
    monkeypatch.setattr("kiosk.survey.SURVEY_IDLE_S", 0.5)
    k = make_kiosk(kiosk_config(shared_hub))
    ticket = serve(shared_hub, "bansos")
    rate_then_open_survey(k, ticket["number"])
    for score in ("4", "4", "3"):
        k.click(f"survey-choice-{score}")
    k.wait_screen("start", timeout=5)
    assert surveys_of(shared_hub, ticket["number"]) == []
    assert k.vm.survey.step == ""


def test_hub_down_while_sending_then_back_sends_it_once(hub_process, make_kiosk) -> None:
    k = make_kiosk(kiosk_config(hub_process), offline_poll_s=0.2)
    ticket = serve(hub_process, "kesehatan")
    rate_then_open_survey(k, ticket["number"])
    for _ in ELEMENT_IDS:
        k.click("survey-choice-3")
    k.wait_screen("survey-profile")
    hub_process.kill()
    k.click("surveySendNow")
    k.wait_screen("hub-down")
    assert k.vm.pendingText.startswith("Survei Anda tersimpan")
    hub_process.start()
    k.wait_screen("survey-done", timeout=10)
    assert len(surveys_of(hub_process, ticket["number"])) == 1
