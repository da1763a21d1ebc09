"""The city's configuration: one TOML file, validated into frozen models (as the post's).

    [city]
    name = "Kota Tanjungpinang"
    timezone = "Asia/Jakarta"
    cost_per_post_day = 1500000        # Rupiah; optional ("biaya per warga terlayani")
    silent_after_min = 30              # a post not heard from this long is marked silent

    [server]
    port = 8471

    [[posts]]
    id = "pos-sukajadi"
    name = "Pos Kelurahan Sukajadi"
    kelurahan = "Sukajadi"
    kecamatan = "Batam Kota"
    lat = 1.1301                       # optional: the dashboard draws posts with coordinates
    lon = 104.0529
    cost_per_day = 1200000             # optional: this post's own cost per day

A post that is not listed still reports (its hub's own name is shown, with no place).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from antrean.config import ConfigError, load_toml_model

__all__ = ["CityConfig", "CityInfo", "CityServer", "PostPlace", "load_city_config",
           "ConfigError", "POST_ID_PATTERN"]

#: The post id pattern of the post's own config (antrean.config.PostInfo).
POST_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CityInfo(_Model):
    name: Annotated[str, Field(min_length=1, max_length=80)] = "Kota"
    name_en: str = ""
    timezone: str = "Asia/Jakarta"
    cost_per_post_day: Annotated[int | None, Field(ge=0)] = None
    currency: Annotated[str, Field(max_length=8)] = "Rp"
    silent_after_min: Annotated[int, Field(ge=1, le=10080)] = 30

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r} (e.g. Asia/Jakarta, Asia/Makassar)") from exc
        return v


class CityServer(_Model):
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 8471


class PostPlace(_Model):
    id: Annotated[str, Field(pattern=POST_ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    kelurahan: Annotated[str, Field(max_length=80)] = ""
    kecamatan: Annotated[str, Field(max_length=80)] = ""
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    cost_per_day: Annotated[int | None, Field(ge=0)] = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> PostPlace:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both or neither")
        return self


class CityConfig(_Model):
    city: CityInfo = CityInfo()
    server: CityServer = CityServer()
    posts: list[PostPlace] = []

    @model_validator(mode="after")
    def _unique_posts(self) -> CityConfig:
        seen: set[str] = set()
        for p in self.posts:
            if p.id in seen:
                raise ValueError(f"posts: post {p.id!r} is listed twice")
            seen.add(p.id)
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.city.timezone)

    def place(self, post_id: str) -> PostPlace | None:
        for p in self.posts:
            if p.id == post_id:
                return p
        return None

    def cost_per_day(self, post_id: str) -> int | None:
        p = self.place(post_id)
        if p is not None and p.cost_per_day is not None:
            return p.cost_per_day
        return self.city.cost_per_post_day


def load_city_config(path: str | Path | None) -> CityConfig:
    """Read and validate the city's TOML; ``None`` gives an unnamed city with no places."""
    if path is None:
        return CityConfig()
    return load_toml_model(CityConfig, path)
