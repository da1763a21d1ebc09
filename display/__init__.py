"""Antrean hall display: the now-calling board and spoken calls in Bahasa Indonesia.

``antrean display`` runs :func:`display.app.main`. The Qt-free parts are re-exported here;
the Qt view-models live in :mod:`display.viewmodels` and the QML module
``Antrean.Display`` in ``display/qml``.
"""

from .config import ConfigError, DisplayConfig, load_display_config, parse_display_config
from .feed import HubFeed
from .state import BoardState, Call
from .voice import Voice, make_announcer

__all__ = ["BoardState", "Call", "ConfigError", "DisplayConfig", "HubFeed", "Voice",
           "load_display_config", "make_announcer", "parse_display_config"]
