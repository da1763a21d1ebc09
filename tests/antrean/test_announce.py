"""The call sentences: Indonesian words for numbers, no digits, display vs speech text."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from antrean.announce import (
    call_sentence,
    number_words,
    recall_sentence,
    speech_text,
    split_number,
)

WORDS = {"A001": "satu", "A012": "dua belas", "B120": "seratus dua puluh",
         "C305": "tiga ratus lima"}


@pytest.mark.parametrize("number", sorted(WORDS))
@pytest.mark.parametrize("counter", range(1, 13))
def test_call_sentence_speaks_every_number_in_words(number: str, counter: int) -> None:
    for text in (call_sentence(number, counter), recall_sentence(number, counter),
                 speech_text(number, counter), speech_text(number, counter, recall=True)):
        assert not re.search(r"\d", text), text
        assert f" {number[0]} {WORDS[number]}," in text
        assert text.endswith(f"silakan menuju loket {number_words(counter)}.")


def test_the_sentence_from_the_design() -> None:
    assert call_sentence("A012", 3) == "Nomor antrean A dua belas, silakan menuju loket tiga."
    assert split_number("A012") == ("A", 12)
    assert number_words(120) == "seratus dua puluh"
    assert number_words(305) == "tiga ratus lima"
    assert call_sentence("B120", 10) == (
        "Nomor antrean B seratus dua puluh, silakan menuju loket sepuluh.")


def test_recall_has_a_lead_in() -> None:
    assert recall_sentence("A012", 3) == (
        "Panggilan ulang, nomor antrean A dua belas, silakan menuju loket tiga.")
    assert recall_sentence("A012", 3, "en") == (
        "Repeat call, queue number A twelve, please proceed to counter three.")


def test_english() -> None:
    assert call_sentence("A012", 3, "en") == (
        "Queue number A twelve, please proceed to counter three.")
    text = call_sentence("C305", 11, "en")
    assert "three hundred and five" in text and text.endswith("counter eleven.")
    assert not re.search(r"\d", text)


def test_speech_text_spells_letters_the_engine_would_misread() -> None:
    # espeak-ng's English voice reads a lone "A" as the article; "eh" is the letter name.
    assert speech_text("A012", 3, "en") == (
        "Queue number eh twelve, please proceed to counter three.")
    assert speech_text("B012", 3, "en").startswith("Queue number B twelve")
    # Indonesian reads lone capitals as letter names (A "a", B "be", C "ce") already.
    assert speech_text("A012", 3) == call_sentence("A012", 3)
    assert speech_text("AB7", 1).startswith("Nomor antrean A B tujuh,")
    assert call_sentence("AB7", 1).startswith("Nomor antrean AB tujuh,")


@pytest.mark.parametrize("bad", ["", "A", "012", "a012", "A-12", "A12B", " A12", "A12 ", "Á12",
                                 "A１２", None, 12])
def test_bad_numbers_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="ticket number"):
        split_number(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        call_sentence(bad, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("counter", [0, -1, True, 1.5, "3"])
def test_bad_counters_raise_value_error(counter: object) -> None:
    with pytest.raises(ValueError, match="counter"):
        call_sentence("A1", counter)  # type: ignore[arg-type]


def test_unknown_language_raises_value_error() -> None:
    with pytest.raises(ValueError, match="language"):
        call_sentence("A1", 1, "fr")


def test_announce_imports_no_speech_engine_and_no_hardware() -> None:
    code = ("import sys, antrean.announce; "
            "print(sorted(m for m in ('pyttsx3', 'PySide6', 'escpos', 'serial') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
