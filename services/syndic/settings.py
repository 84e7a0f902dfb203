"""One settings object, built once at start-up from flags, env vars and an optional config file.

Precedence: command-line flag > environment variable (SYNDIC_<NAME>) > config file (TOML) >
default. A bad value stops start-up with a message that names the setting and where it came from.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

ENV_PREFIX = "SYNDIC_"
# An article's `sequence` is its record's offset times this plus its place in the record.
MAX_PACK_ARTICLES = 1000


class SettingsError(ValueError):
    """A setting is missing or invalid; the message is meant for the person starting syndic."""


@dataclass(frozen=True, slots=True)
class Settings:
    broker: str = "kafka://127.0.0.1:9092"
    app_id: str = "syndic"
    # Topic names (the internal ones are prefixed with `internal_prefix`).
    topic_raw: str = "articles.raw"
    topic_clean: str = "articles.clean"
    topic_unique: str = "articles.unique"
    topic_duplicates: str = "articles.duplicates"
    topic_dlq: str = "articles.dlq"
    internal_prefix: str = "syndic."
    raw_partitions: int = 8
    output_partitions: int = 8
    replication_factor: int = 1
    # The duplicate window (event time).
    window_hours: float = 72.0
    allowed_lateness_hours: float = 1.0
    # The decision's thresholds (core/dedup/decision.py, DedupSettings; docs/quality.md).
    near_resemblance: float = 0.5
    near_containment: float = 0.75
    near_containment_min_resemblance: float = 0.1
    near_lede_containment: float = 0.5
    min_near_shingles: int = 8
    story_threshold: float = 0.25
    story_half_life_hours: float = 36.0
    # faust / consumer group behaviour.
    session_timeout_s: float = 10.0
    heartbeat_interval_s: float = 1.0
    batch_size: int = 200
    batch_timeout_s: float = 0.01
    # Articles per record on the internal topics (stream/packing.py); 1 sends them one by one.
    pack_articles: int = 25
    # The decision's CPU per article over the parallel stages': the worker that decides takes
    # fewer raw/by-source partitions in proportion (stream/assignor.py). 0 shares evenly.
    decide_cost_ratio: float = 0.2
    # How long the broker may hold a fetch of the worker's consumer when no data is there.
    # faust hard-codes 1,500 ms; Tansu holds fetches for part of it even when records arrive.
    fetch_wait_ms: int = 20
    # How long the worker's producer waits to fill a batch: a few ms turn a batch's sends into
    # a few produce requests instead of one per record.
    linger_ms: int = 5
    data_dir: str = ""
    # Metrics and health server.
    web_bind: str = "127.0.0.1"
    web_port: int = 6066
    # Limits.
    max_record_bytes: int = 2_000_000
    max_text_chars: int = 500_000
    log_level: str = "info"
    # Kafka security. Secrets are read from files (mounted secrets) or SYNDIC_SASL_PASSWORD,
    # and never appear in repr() or logs.
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "PLAIN"
    sasl_username: str = ""
    sasl_password_file: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    ssl_check_hostname: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    @property
    def allowed_lateness(self) -> timedelta:
        return timedelta(hours=self.allowed_lateness_hours)

    def internal(self, name: str) -> str:
        return f"{self.internal_prefix}{name}"

    @property
    def message_bytes(self) -> int:
        """Largest record syndic writes: a raw record of `max_record_bytes` travels escaped
        inside an envelope (up to twice its size) and later beside its normalized text."""
        return 4 * self.max_record_bytes + 65_536

    @property
    def bootstrap_servers(self) -> str:
        """The broker list without faust's `kafka://` scheme, as aiokafka wants it."""
        return ",".join(part.split("://", 1)[-1] for part in self.broker.split(","))

    def replace(self, **changes: Any) -> Settings:
        return load_settings(overrides={**_as_dict(self), **changes}, env={})

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "extra"]


def namespaced(prefix: str) -> dict[str, str]:
    """Overrides that give one run (a test, a benchmark or chaos run) its own app id, and so
    consumer group and changelogs, and its own topics on a broker other runs share."""
    return {
        "app_id": f"syndic-{prefix}",
        "topic_raw": f"{prefix}.articles.raw",
        "topic_clean": f"{prefix}.articles.clean",
        "topic_unique": f"{prefix}.articles.unique",
        "topic_duplicates": f"{prefix}.articles.duplicates",
        "topic_dlq": f"{prefix}.articles.dlq",
        "internal_prefix": f"{prefix}.syndic.",
    }


def _as_dict(settings: Settings) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in fields(settings) if f.name != "extra"}


def _coerce(name: str, raw: Any, target: type, origin: str) -> Any:
    try:
        if target is bool:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if target in (int, float, str):
            return target(raw)
    except (TypeError, ValueError):
        raise SettingsError(
            f"setting {name!r} from {origin}: {raw!r} is not a valid {target.__name__}"
        ) from None
    return raw


def _normalize_broker(value: str) -> str:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    return ",".join(p if "://" in p else f"kafka://{p}" for p in parts)


def _validate(settings: Settings) -> None:
    positive = [
        "raw_partitions",
        "output_partitions",
        "replication_factor",
        "window_hours",
        "min_near_shingles",
        "story_half_life_hours",
        "session_timeout_s",
        "heartbeat_interval_s",
        "batch_size",
        "fetch_wait_ms",
        "max_record_bytes",
        "max_text_chars",
    ]
    for name in positive:
        if getattr(settings, name) <= 0:
            raise SettingsError(f"setting {name!r} must be positive, got {getattr(settings, name)}")
    if settings.linger_ms < 0:
        raise SettingsError("setting 'linger_ms' must not be negative")
    if not 1 <= settings.pack_articles <= MAX_PACK_ARTICLES:
        raise SettingsError(f"setting 'pack_articles' must be from 1 to {MAX_PACK_ARTICLES}")
    if settings.decide_cost_ratio < 0:
        raise SettingsError("setting 'decide_cost_ratio' must not be negative")
    for name in (
        "near_resemblance",
        "near_containment",
        "near_containment_min_resemblance",
        "near_lede_containment",
    ):
        if not 0 <= getattr(settings, name) <= 1:
            raise SettingsError(
                f"setting {name!r} must be from 0 to 1, got {getattr(settings, name)}"
            )
    if settings.story_threshold < 0:
        raise SettingsError("setting 'story_threshold' must not be negative")
    if settings.allowed_lateness_hours < 0:
        raise SettingsError("setting 'allowed_lateness_hours' must not be negative")
    if not 0 < settings.web_port < 65536:
        raise SettingsError(f"setting 'web_port' must be a TCP port, got {settings.web_port}")
    if settings.heartbeat_interval_s >= settings.session_timeout_s:
        raise SettingsError("setting 'heartbeat_interval_s' must be below 'session_timeout_s'")
    if not settings.broker:
        raise SettingsError("setting 'broker' is empty")
    _validate_security(settings)


PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}
MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}


def _validate_security(settings: Settings) -> None:
    if settings.security_protocol not in PROTOCOLS:
        raise SettingsError(
            f"setting 'security_protocol' must be one of {sorted(PROTOCOLS)}, "
            f"got {settings.security_protocol!r}"
        )
    for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "sasl_password_file"):
        path = getattr(settings, name)
        if path and not Path(path).is_file():
            raise SettingsError(f"setting {name!r}: file {path} does not exist")
    if bool(settings.ssl_certfile) != bool(settings.ssl_keyfile):
        raise SettingsError("settings 'ssl_certfile' and 'ssl_keyfile' go together (mTLS)")
    if settings.security_protocol.startswith("SASL"):
        if settings.sasl_mechanism not in MECHANISMS:
            raise SettingsError(
                f"setting 'sasl_mechanism' must be one of {sorted(MECHANISMS)}, "
                f"got {settings.sasl_mechanism!r}"
            )
        if not settings.sasl_username:
            raise SettingsError("setting 'sasl_username' is required with SASL")
        if not (settings.sasl_password or settings.sasl_password_file):
            raise SettingsError("SASL needs 'sasl_password_file' (or $SYNDIC_SASL_PASSWORD)")


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
) -> Settings:
    """Merge defaults, config file, env and flags (None flags are ignored) and validate."""
    env = os.environ if env is None else env
    types = {f.name: f.type for f in fields(Settings)}
    resolved_types = {
        name: {"str": str, "int": int, "float": float, "bool": bool}.get(str(t), str)
        for name, t in types.items()
    }
    values: dict[str, Any] = {}
    config_path = config_file or env.get(f"{ENV_PREFIX}CONFIG")
    if config_path:
        path = Path(config_path)
        if not path.is_file():
            raise SettingsError(f"config file {path} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
        section = data.get("syndic", data)
        for key, raw in section.items():
            if key not in resolved_types or key == "extra":
                raise SettingsError(f"config file {path}: unknown setting {key!r}")
            values[key] = _coerce(key, raw, resolved_types[key], f"config file {path}")
    for name in Settings.names():
        env_name = f"{ENV_PREFIX}{name.upper()}"
        if env_name in env:
            values[name] = _coerce(name, env[env_name], resolved_types[name], f"${env_name}")
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        if name not in resolved_types:
            raise SettingsError(f"unknown setting {name!r}")
        values[name] = _coerce(name, raw, resolved_types[name], "the command line")
    if "broker" in values:
        values["broker"] = _normalize_broker(str(values["broker"]))
    settings = dataclasses.replace(Settings(), **values)
    _validate(settings)
    return settings
