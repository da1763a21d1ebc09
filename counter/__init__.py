"""The counter terminal (``antrean counter``): one screen for one counter ("loket").

``main`` runs it; the config schema is public for packaging and the other tools. The Qt
parts (view-model, QML module) load only when the app starts.
"""

from .config import ConfigError, CounterConfig, load_counter_config

__all__ = ["ConfigError", "CounterConfig", "load_counter_config", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the counter terminal (see :func:`counter.app.main`)."""
    from .app import main as run

    return run(argv)
