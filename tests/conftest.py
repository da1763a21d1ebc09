"""Fixtures shared by the whole suite.

Environment first: Qt renders offscreen with no disk cache, and python-escpos keeps its
capabilities pickle in one fixed folder (it leaks a temp dir per import otherwise).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QML_DISABLE_DISK_CACHE", "1")
os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "antrean-escpos-cache")
)
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)
