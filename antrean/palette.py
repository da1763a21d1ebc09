"""The colours every screen shares: one per priority category, on the kiosk's buttons, the
counter's ticket and the hall display's call alike, so "purple" means Lansia wherever a
resident or a clerk looks.

Each is dark enough for white words on it and for itself as words on white (WCAG contrast
at least 4.5:1, tested). The apps hand these to their QML; nothing here imports Qt.
"""

from __future__ import annotations

__all__ = ["PRIORITY_COLOURS", "OTHER_PRIORITY", "priority_colour"]

#: The colour of each priority category (antrean.config.PRIORITY_CATEGORIES).
PRIORITY_COLOURS: dict[str, str] = {
    "elderly": "#6a2c91",   # purple: Lansia
    "disabled": "#0d5bb5",  # blue, as the wheelchair sign: Disabilitas
    "pregnant": "#a3245a",  # magenta: Ibu hamil
}

#: For a category a newer hub knows and this device does not.
OTHER_PRIORITY = "#5a4a3a"


def priority_colour(category: str | None) -> str:
    """The colour of ``category`` ("" for no priority)."""
    if not category:
        return ""
    return PRIORITY_COLOURS.get(category, OTHER_PRIORITY)
