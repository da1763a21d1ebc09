"""Keyboard shortcuts for the USB numeric keypads clerks use as callers.

Layout of a keypad (NumLock on)::

    NumLk  /  *  -          /  Alihkan      *  Selesai      -  Tidak Hadir
      7    8  9  +          9  Istirahat    +  Panggil Berikutnya
      4    5  6
      1    2  3  Enter      Enter  Panggil Berikutnya
        0     .             0 or .  Panggil Ulang

The two tall keys (+, Enter) call the next ticket; the wide 0 and its neighbour recall —
harmless if pressed by mistake. The outcome keys sit apart on the top row. With NumLock
off the keypad sends navigation keys instead (0 = Insert, . = Delete, 9 = PageUp, 1 = End,
…): they are mapped the same way, so a keypad whose NumLock got toggled still works.
In the transfer picker and the counter-number picker the digit keys choose.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

__all__ = ["KEY_LABELS", "action_for_key", "digit_for_key"]

K = Qt.Key

_ACTIONS: dict[int, str] = {
    K.Key_Enter: "next", K.Key_Return: "next", K.Key_Plus: "next",
    K.Key_0: "recall", K.Key_Insert: "recall", K.Key_Period: "recall", K.Key_Delete: "recall",
    K.Key_Comma: "recall",  # the keypad's decimal key in locales that write 1,5
    K.Key_Minus: "no_show",
    K.Key_Asterisk: "finish",
    K.Key_Slash: "transfer",
    K.Key_9: "pause", K.Key_PageUp: "pause",
}

_DIGITS: dict[int, int] = {getattr(K, f"Key_{d}"): d for d in range(10)}
_DIGITS.update({K.Key_Insert: 0, K.Key_End: 1, K.Key_Down: 2, K.Key_PageDown: 3, K.Key_Left: 4,
                K.Key_Clear: 5, K.Key_Right: 6, K.Key_Home: 7, K.Key_Up: 8, K.Key_PageUp: 9})

#: The key caps shown on each button.
KEY_LABELS: dict[str, str] = {
    "next": "Enter / +",
    "recall": "0 / .",
    "no_show": "−",
    "finish": "*",
    "transfer": "/",
    "pause": "9",
}


def action_for_key(key: int) -> str | None:
    """The action a key press asks for on the main screen, if any."""
    return _ACTIONS.get(int(key))


def digit_for_key(key: int) -> int | None:
    """The digit of a keypad key (NumLock on or off), if it is one."""
    return _DIGITS.get(int(key))


def is_cancel_key(key: int) -> bool:
    """Keys that close a picker without choosing."""
    return int(key) in (K.Key_Escape, K.Key_Backspace, K.Key_Slash)


def is_confirm_key(key: int) -> bool:
    return int(key) in (K.Key_Enter, K.Key_Return, K.Key_Plus)
