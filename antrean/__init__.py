"""Antrean: queue software for Indonesian public-service posts.

The package ``antrean`` is the queue domain and the hub. It imports no Qt and no
hardware library: apps (kiosk/, counter/, display/) and hardware/ depend on it,
never the other way round.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
