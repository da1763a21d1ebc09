"""Antrean kiosk: residents take a queue number by touch or a button box; it prints.

The public face is small: :func:`main` (what ``antrean kiosk`` runs) and the config. The Qt
parts (``kiosk.runtime.Kiosk``, the view-models, the QML module ``AntreanKiosk``) load on
demand, so ``antrean kiosk --hash-pin`` and config checks do not start Qt.
"""

from .app import main
from .config import ConfigError, KioskConfig, load_kiosk_config

__all__ = ["ConfigError", "KioskConfig", "load_kiosk_config", "main"]
