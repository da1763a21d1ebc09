"""The city side of Antrean: every post's log in one PostgreSQL, and the city's figures.

``antrean city`` runs it (see :mod:`city.cli`). It imports the post's own model, stats and
export code (``antrean``) and never the other way round: a post never depends on the city.
"""

from .config import CityConfig, load_city_config
from .db import CityDbError, migrate, open_pool

__all__ = ["CityConfig", "CityDbError", "load_city_config", "migrate", "open_pool"]
