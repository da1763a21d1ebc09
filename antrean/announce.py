"""The sentences a hall display shows and speaks when a ticket is called.

Pure text: no I/O, no speech engine. Two forms of each sentence exist:

* the *display* sentence (:func:`call_sentence`, :func:`recall_sentence`) — what a resident
  reads: ``"Nomor antrean A dua belas, silakan menuju loket tiga."``
* the *speech* text (:func:`speech_text`) — what is handed to espeak-ng. It differs only
  where espeak-ng would mispronounce the display sentence:

  - Indonesian: a lone capital letter is already read as its Indonesian letter name
    (A "a", B "be", C "ce", Q "ki", Z "zet"), so only a multi-letter prefix is spaced
    out ("AB" would otherwise be read as the syllable "abe").
  - English: a lone "A" is read as the article (a schwa), so it is written "eh", which the
    English voice says as the letter name; other letters are fine as capitals.

Numbers are spoken as words via ``num2words`` with leading zeros dropped (``A012`` →
"A dua belas"), so no digit ever reaches the engine.
"""

from __future__ import annotations

import re

from num2words import num2words

__all__ = [
    "LANGUAGES",
    "call_sentence",
    "number_words",
    "recall_sentence",
    "speech_text",
    "split_number",
]

LANGUAGES = ("id", "en")
"""Languages with sentences: Indonesian first, English available."""

_NUMBER = re.compile(r"([A-Z]+)([0-9]+)")

_TEMPLATES = {
    "id": ("Nomor antrean {ticket}, silakan menuju loket {counter}.", "Panggilan ulang, "),
    "en": ("Queue number {ticket}, please proceed to counter {counter}.", "Repeat call, "),
}

# Letters whose capital form espeak-ng's English voice misreads (as a word, not a letter).
_EN_LETTER_SPELLING = {"A": "eh"}


def split_number(number: str) -> tuple[str, int]:
    """Split a ticket number into its service letters and its integer.

    ``split_number("A012") == ("A", 12)``. A number is one or more uppercase ASCII letters
    followed by one or more digits; anything else raises :class:`ValueError`.
    """
    match = _NUMBER.fullmatch(number) if isinstance(number, str) else None
    if match is None:
        raise ValueError(
            f"bad ticket number {number!r}: expected uppercase letters then digits, e.g. 'A012'"
        )
    return match.group(1), int(match.group(2))


def number_words(n: int, lang: str = "id") -> str:
    """``n`` in words: ``number_words(305) == "tiga ratus lima"``; English with ``lang="en"``."""
    _check_lang(lang)
    if n < 0:
        raise ValueError(f"cannot speak a negative number: {n}")
    return str(num2words(n, lang=lang))


def call_sentence(number: str, counter: int, lang: str = "id") -> str:
    """The display sentence for a call.

    ``call_sentence("A012", 3) == "Nomor antrean A dua belas, silakan menuju loket tiga."``;
    ``lang="en"`` gives ``"Queue number A twelve, please proceed to counter three."``
    """
    letters, n = split_number(number)
    return _sentence(letters, n, counter, lang, recall=False)


def recall_sentence(number: str, counter: int, lang: str = "id") -> str:
    """The display sentence for a repeated call of the same ticket.

    The call sentence with a lead-in: ``"Panggilan ulang, nomor antrean A dua belas,
    silakan menuju loket tiga."`` / ``"Repeat call, queue number A twelve, please proceed
    to counter three."``
    """
    letters, n = split_number(number)
    return _sentence(letters, n, counter, lang, recall=True)


def speech_text(number: str, counter: int, lang: str = "id", recall: bool = False) -> str:
    """The text handed to the speech engine for a call (or a recall).

    Same words as :func:`call_sentence` / :func:`recall_sentence`, with the service
    letters written the way espeak-ng says them correctly (see the module docstring).
    """
    letters, n = split_number(number)
    if lang == "en":
        spoken = " ".join(_EN_LETTER_SPELLING.get(c, c) for c in letters)
    else:
        spoken = " ".join(letters)
    return _sentence(spoken, n, counter, lang, recall=recall)


def _sentence(letters: str, n: int, counter: int, lang: str, recall: bool) -> str:
    _check_lang(lang)
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise ValueError(f"bad counter {counter!r}: expected a whole number from 1")
    template, prefix = _TEMPLATES[lang]
    text = template.format(
        ticket=f"{letters} {number_words(n, lang)}", counter=number_words(counter, lang)
    )
    if recall:
        text = prefix + text[0].lower() + text[1:]
    return text


def _check_lang(lang: str) -> None:
    if lang not in _TEMPLATES:
        raise ValueError(f"unsupported language {lang!r}: expected one of {LANGUAGES}")
