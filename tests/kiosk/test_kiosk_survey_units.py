"""The kiosk's survey flow without QML: its steps, going back and skipping, the hub's refusals."""

from __future__ import annotations

import uuid

from test_kiosk_feedback_units import TODAY_ID, answer, vm  # noqa: F401 - vm is a fixture

from antrean.client import HubError
from antrean.skm import ELEMENT_IDS


def rated(model, qtbot, surveyed: bool = False) -> None:
    """Rate B007 (the desk answers at once), to the thanks that offer the survey."""
    model.openRating()
    for key in "B7":
        model.rating.press(key)
    model.rating.next()
    desk = model._flows.desk
    answer(qtbot, model, "done", desk.jobs[-1], {"id": TODAY_ID, "number": "B007",
                                                 "service": "kesehatan", "surveyed": surveyed})
    model.rating.rate(4)
    answer(qtbot, model, "done", desk.jobs[-1], {"number": "B007", "rating": 4})
    assert model.screen == "rate-thanks"


def test_skipped_questions_come_back_and_nothing_is_sent_before_the_end(vm, qtbot) -> None:  # noqa: F811
    model, desk = vm
    rated(model, qtbot)
    assert model.rating.surveyOffered
    model.rating.openSurvey()
    s = model.survey
    assert model.screen == "survey-question" and s.ticketText == "Nomor B007  ·  Kesehatan"
    assert not s.canBack and s.fraction == 0.0
    s.skip()  # persyaratan
    for _ in range(7):
        s.choose("3")
    s.skip()  # sarana
    assert model.screen == "survey-missing"
    assert s.missingText.startswith("2 pertanyaan belum dijawab: Persyaratan, Sarana dan prasarana.")
    s.answerMissing()
    assert s.title == "Persyaratan"
    s.skip()  # still not: back to the list
    assert model.screen == "survey-missing"
    s.answerMissing()
    s.choose("4")
    assert s.title == "Sarana dan prasarana"  # straight to the next one missing
    s.choose("2")
    assert model.screen == "survey-profile" and s.progress == "Tentang Anda · 1 dari 4"
    s.choose("not-an-age")  # ignored
    assert s.progress == "Tentang Anda · 1 dari 4"
    s.back()
    assert model.screen == "survey-question" and s.title == "Sarana dan prasarana"
    s.choose("1")  # a changed mind
    s.choose("<20")
    s.choose("P")
    s.back()
    assert [c["chosen"] for c in s.choices] == [False, True]  # P kept
    assert [j.kind for j in desk.jobs] == ["lookup", "rate"]  # nothing sent so far
    s.skip()  # "Lewati" on a profile question: rather not say (P is dropped)
    s.skip()
    s.choose("lainnya")  # the last one: sends
    (job,) = [j for j in desk.jobs if j.kind == "survey"]
    assert job.data["ticket"] == TODAY_ID
    assert job.data["answers"] == {**dict.fromkeys(ELEMENT_IDS, 3), "persyaratan": 4,
                                   "sarana": 1}
    assert job.data["profile"] == {"usia": "<20", "pekerjaan": "lainnya"}
    uuid.UUID(job.data["request_id"])
    assert model.screen == "busy"
    s.choose("pns")  # touches while it is out do nothing
    s.cancel()
    assert len([j for j in desk.jobs if j.kind == "survey"]) == 1 and model.screen == "busy"
    answer(qtbot, model, "done", job, {"ticket": {"number": "B007"}})
    assert model.screen == "survey-done" and s.doneTitle == "Terima kasih!"


def test_a_refused_survey_says_why(vm, qtbot) -> None:  # noqa: F811
    model, desk = vm
    rated(model, qtbot)
    model.rating.openSurvey()
    for _ in ELEMENT_IDS:
        model.survey.choose("4")
    model.survey.sendNow()
    answer(qtbot, model, "refused", desk.jobs[-1],
           HubError(409, "already_surveyed", "sudah", "already"))
    assert model.screen == "survey-done"
    assert model.survey.doneTitle == "Maaf"
    assert model.survey.doneText == "Nomor B007 sudah mengisi survei. Terima kasih."
    model.survey.cancel()
    assert model.screen == "start"


def test_no_offer_for_a_ticket_already_surveyed(vm, qtbot) -> None:  # noqa: F811
    model, desk = vm
    rated(model, qtbot, surveyed=True)
    assert not model.rating.surveyOffered
    model.rating.openSurvey()
    assert model.screen == "rate-thanks" and model.survey.step == ""
