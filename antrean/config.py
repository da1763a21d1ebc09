"""The post's configuration: one typed schema, read once, passed in.

A TOML file is validated into frozen pydantic models; an unknown or wrong key stops the
program with a message naming ``section.key`` (pydantic's ``extra="forbid"``).
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "BeneficiarySettings",
    "CityLink",
    "ConfigError",
    "HubSettings",
    "PolicyConfig",
    "PostConfig",
    "PostInfo",
    "PriorityCategory",
    "ServiceConfig",
    "ServiceStandard",
    "load_post_config",
    "format_errors",
    "validate_model",
    "parse_toml_model",
    "load_toml_model",
    "example_config_path",
    "PRIORITY_CATEGORIES",
]


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the key."""


M = TypeVar("M", bound=BaseModel)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorityCategory(_Model):
    id: str
    name: str
    name_en: str


#: Known priority categories (UU 25/2009 "perlakuan khusus"); config picks which are on.
PRIORITY_CATEGORIES: dict[str, PriorityCategory] = {
    "elderly": PriorityCategory(id="elderly", name="Lansia", name_en="Elderly"),
    "disabled": PriorityCategory(id="disabled", name="Disabilitas", name_en="Disabled"),
    "pregnant": PriorityCategory(id="pregnant", name="Ibu hamil", name_en="Pregnant"),
}


class PostInfo(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    name_en: str = ""
    timezone: str = "Asia/Jakarta"
    #: The post's day closes at local midnight, or earlier at this "HH:MM": tickets still
    #: waiting or called are then cancelled by the hub (reason ``day_closed``).
    day_ends: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None

    @field_validator("day_ends")
    @classmethod
    def _not_midnight(cls, v: str | None) -> str | None:
        if v == "00:00":
            raise ValueError("00:00 would close the day as it opens; leave day_ends out for "
                             "midnight")
        return v

    @property
    def day_end_time(self) -> time | None:
        """``day_ends`` as a time of day (None: the day ends at midnight)."""
        return time.fromisoformat(self.day_ends) if self.day_ends else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r} (e.g. Asia/Jakarta, Asia/Makassar)") from exc
        return v


class HubSettings(_Model):
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 8470
    interfaces: list[str] = []
    surge_wait_min: Annotated[int, Field(ge=1, le=600)] = 45
    # HTTPS/WSS with the hub's own key; "auto": on unless bound to loopback only.
    tls: Literal["on", "off", "auto"] = "auto"
    #: Numbers reserved to each kiosk per open service, for issuing while the hub is away
    #: (antrean/reserves.py); 0 turns offline issuing off.
    reserve_size: Annotated[int, Field(ge=0, le=50)] = 5


class CityLink(_Model):
    """``[city]``: the city server this hub sends its log to (store and forward); off while
    ``url`` is empty. The token comes from ``token`` or the first line of ``token_file``."""

    url: Annotated[str, Field(max_length=300, pattern=r"^(https?://\S+)?$")] = ""
    token: Annotated[str, Field(max_length=200)] = ""
    token_file: str = ""
    ca: str = ""  # a CA bundle (PEM) for a city behind its own CA; default: the system's
    batch: Annotated[int, Field(ge=1, le=5000)] = 500
    retry_max_s: Annotated[float, Field(ge=0.1, le=3600)] = 30.0
    #: How often the other posts' keyed NIK hashes are fetched (antrean/downlink.py).
    downlink_s: Annotated[float, Field(ge=0.5, le=86400)] = 30.0


class PolicyConfig(_Model):
    priority_burst: Annotated[int, Field(ge=1, le=50)] = 3
    max_wait_min: Annotated[int, Field(ge=1, le=1440)] = 60
    priority_categories: list[str] = ["elderly", "disabled"]

    @field_validator("priority_categories")
    @classmethod
    def _known_categories(cls, v: list[str]) -> list[str]:
        for c in v:
            if c not in PRIORITY_CATEGORIES:
                raise ValueError(f"unknown priority category {c!r}; known: {sorted(PRIORITY_CATEGORIES)}")
        return v


class ServiceStandard(_Model):
    """Service standard shown to citizens (PermenPANRB 15/2014)."""

    requirements: str = ""
    requirements_en: str = ""
    procedure: str = ""
    procedure_en: str = ""
    time: str = ""
    time_en: str = ""
    cost: str = "Gratis"
    cost_en: str = "Free"
    product: str = ""
    product_en: str = ""
    complaints: str = "SP4N-LAPOR!: lapor.go.id, SMS 1708"


class ServiceConfig(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    letter: Annotated[str, Field(pattern=r"^[A-Z]$")]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    quota: Annotated[int | None, Field(ge=1)] = None
    service_min: Annotated[float, Field(gt=0, le=240)] = 10
    open: bool = True
    standard: ServiceStandard = ServiceStandard()
    #: Social assistance given once per recipient (DESIGN "Duplicate recipients"): the
    #: counter asks for the NIK and the hub checks its keyed hash (antrean/beneficiary.py).
    beneficiary_check: bool = False
    programme: Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9-]{0,39})?$")] = ""
    programme_start: date | None = None
    programme_end: date | None = None

    @model_validator(mode="after")
    def _programme_named(self) -> ServiceConfig:
        if not self.beneficiary_check:
            return self
        if not self.programme or self.programme_start is None or self.programme_end is None:
            raise ValueError("beneficiary_check needs programme, programme_start and "
                             "programme_end (e.g. \"bansos-2026\", 2026-01-01, 2026-12-31)")
        if self.programme_end < self.programme_start:
            raise ValueError("programme_end is before programme_start")
        return self


class BeneficiarySettings(_Model):
    """``[beneficiary]``: how long a programme's keyed NIK hashes are kept after its period
    ends (``antrean purge`` removes them then)."""

    retention_days: Annotated[int, Field(ge=0, le=3650)] = 90


class PostConfig(_Model):
    post: PostInfo
    hub: HubSettings = HubSettings()
    policy: PolicyConfig = PolicyConfig()
    services: Annotated[list[ServiceConfig], Field(min_length=1, max_length=26)]
    city: CityLink = CityLink()
    beneficiary: BeneficiarySettings = BeneficiarySettings()

    @model_validator(mode="after")
    def _unique_services(self) -> PostConfig:
        for attr in ("id", "letter"):
            seen: set[str] = set()
            for s in self.services:
                v = getattr(s, attr)
                if v in seen:
                    raise ValueError(f"services: two services have {attr} {v!r}")
                seen.add(v)
        periods: dict[str, tuple[date | None, date | None]] = {}
        for s in self.services:
            if s.beneficiary_check:
                period = (s.programme_start, s.programme_end)
                if periods.setdefault(s.programme, period) != period:
                    raise ValueError(f"services: programme {s.programme!r} has two periods")
        return self

    def programmes(self) -> dict[str, ServiceConfig]:
        """Programme id → the first service checking it (its period)."""
        out: dict[str, ServiceConfig] = {}
        for s in self.services:
            if s.beneficiary_check:
                out.setdefault(s.programme, s)
        return out

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.post.timezone)

    def service(self, service_id: str) -> ServiceConfig | None:
        for s in self.services:
            if s.id == service_id:
                return s
        return None

    def categories(self) -> list[PriorityCategory]:
        return [PRIORITY_CATEGORIES[c] for c in self.policy.priority_categories]


def example_config_path() -> Path:
    """The packaged example post (used when the hub starts with no --config)."""
    return Path(str(resources.files("antrean") / "data" / "example_post.toml"))


def format_errors(exc: ValidationError) -> str:
    """pydantic's errors as ``section.key: problem`` (``unknown key`` for extra keys)."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        if err["type"] == "extra_forbidden":
            lines.append(f"{loc}: unknown key")
        else:
            lines.append(f"{loc}: {err['msg']}")
    return "; ".join(lines)


def validate_model(model: type[M], data: dict[str, Any], source: str,
                   error: type[Exception] = ConfigError) -> M:
    """``model`` from parsed data; a bad key raises ``error`` naming ``section.key``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{source}: {format_errors(exc)}") from exc


def parse_toml_model(model: type[M], text: str, source: str = "<config>",
                     error: type[Exception] = ConfigError) -> M:
    """Every device's config: TOML text validated into a frozen model."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: not valid TOML: {exc}") from exc
    return validate_model(model, data, source, error)


def load_toml_model(model: type[M], path: str | Path,
                    error: type[Exception] = ConfigError) -> M:
    """Read ``path`` and validate it into ``model`` (errors name the file and the key)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{p}: cannot read config: {exc.strerror}") from exc
    return parse_toml_model(model, text, str(p), error)


def parse_post_config(text: str, source: str = "<config>") -> PostConfig:
    return parse_toml_model(PostConfig, text, source)


def load_post_config(path: str | Path | None = None) -> PostConfig:
    """Read and validate a post config; ``None`` loads the packaged example post."""
    return load_toml_model(PostConfig, path if path is not None else example_config_path())
