"""Settings (`SELLERAUTH_` env, `.env`, secrets dir): the engine's setting groups and the base
of a site's (`SiteSettings`).

The engine's settings are neutral: how the engine runs, and who signs in as the default account
(name, e-mail, password, TOTP secret). A site's account fields that every account inherits are
read by its `SiteSettings` classes (`load_site_settings`). Account profiles and the accounts file
are `automation.accounts`, which builds on this module (never the other way round).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from automation.errors import InvalidInput

ENV_PREFIX = "SELLERAUTH_"
DEFAULT_SECRETS_DIR = Path("/run/secrets")
ACCOUNTS_FILE_NAME = "accounts.toml"

_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


# ---- default places --------------------------------------------------------------------


def default_state_dir() -> Path:
    """`$XDG_STATE_HOME/sellerauth`, else `~/.local/state/sellerauth`."""
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return base / "sellerauth"


def default_accounts_file() -> Path | None:
    """`accounts.toml` in the current directory when there is one."""
    path = Path(ACCOUNTS_FILE_NAME)
    return path if path.is_file() else None


def default_secrets_dir() -> Path | None:
    """`/run/secrets` (Docker and Kubernetes secrets) when it exists."""
    return DEFAULT_SECRETS_DIR if DEFAULT_SECRETS_DIR.is_dir() else None


# ---- global settings -------------------------------------------------------------------


class EnvSettings(BaseSettings):
    """Where every settings class reads from: `SELLERAUTH_*` variables, `.env`, the secrets dir
    (arguments first). The base of the engine's `Settings` and of each site's `SiteSettings`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )


# The engine's settings come in groups, one class per concern. Each group is a plain model and
# `Settings` inherits them all, so every field stays flat: its variable is SELLERAUTH_<FIELD>
# (as before the split) and call sites read `settings.<field>`. A function that needs one
# concern only may take that group as its type.


def _expand_user(value: Path | None) -> Path | None:
    return value.expanduser() if value is not None else None


class SignInSettings(BaseModel):
    """Who signs in: the default account (`SELLERAUTH_EMAIL`, `SELLERAUTH_PASSWORD`,
    `SELLERAUTH_TOTP_SECRET`) and named accounts' secrets (`SELLERAUTH_ACCOUNTS__<NAME>__<KEY>`,
    by `env_key(name).lower()` then key; which keys exist is the account model's `secret_keys`,
    and a misspelt one is refused when an account is resolved: `check_account_variables`)."""

    email: str | None = None
    password: SecretStr | None = None
    totp_secret: SecretStr | None = None
    accounts: dict[str, dict[str, SecretStr]] = Field(default_factory=dict)


class PlaceSettings(BaseModel):
    """Where things live: `state_dir` (the store, saved sessions, locks, recordings),
    `accounts_file` (default ./accounts.toml when there is one), `secrets_dir` (default
    /run/secrets when it exists). `~` is expanded."""

    state_dir: Path = Field(default_factory=default_state_dir)
    accounts_file: Path | None = Field(default_factory=default_accounts_file)
    secrets_dir: Path | None = None

    @field_validator("state_dir", "accounts_file", "secrets_dir")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return _expand_user(value)


class BrowserSettings(BaseModel):
    """The browser: `browser_path` (a Chromium of your own; else Playwright's, else the
    system's), `headed` (show it), `block_resources` (skip images, fonts and media)."""

    browser_path: Path | None = None
    headed: bool = False
    block_resources: bool = False

    @field_validator("browser_path")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return _expand_user(value)


class TimingSettings(BaseModel):
    """How long things may take, each in the unit its name says: `timeout_ms` (each wait for a
    page or control), `signin_max_steps` (pages the sign-in loop reads before giving up),
    `human_wait_seconds` (a watching person's turn), `silent_check_grace_ms` (a silent
    JavaScript (WAF) check clearing by itself, docs/pages.md §1), `otp_min_remaining_seconds` (a
    one-time password with less life left waits for the next one)."""

    timeout_ms: int = Field(default=30000, gt=0, le=600_000)
    signin_max_steps: int = Field(default=12, gt=0)
    human_wait_seconds: int = Field(default=600, ge=1)
    silent_check_grace_ms: int = Field(default=10000, ge=0)
    otp_min_remaining_seconds: int = Field(default=1, ge=0, le=25)


class RetrySettings(BaseModel):
    """Transient failures: `retry_attempts` (the whole flow, per account), `step_retries` (one
    page load or call again), `retry_backoff_ms` (the first pause, doubled each time up to
    `automation.retry.MAX_BACKOFF_SECONDS`)."""

    retry_attempts: int = Field(default=4, ge=1, le=10)
    step_retries: int = Field(default=3, ge=0, le=10)
    retry_backoff_ms: int = Field(default=300, ge=0)


class LogSettings(BaseModel):
    """Logging: `log_format` (`auto`: console on a terminal, else JSON lines), `log_level`
    (None: `warning` on a terminal, else `info`; `-q` / `-v` win over it)."""

    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str | None = None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str | None) -> str | None:
        if value is None:
            return None
        level = value.strip().lower()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level


class StoreSettings(BaseModel):
    """The store and alerts: `store_url` (unset: the SQLite file in the state directory;
    `postgresql://...`: a PostgreSQL database shared by many machines; a secret, as it may hold
    the password: also `<secrets dir>/sellerauth_store_url`), `store_key` (the encryption key;
    else a key file beside the store), `new_store` (start an empty store where a used state
    directory lost its own; the global option `--new-store`), `lock_wait_seconds` (how long a
    run waits for another process's run on the same account; 0: refuse at once, `busy`),
    `notify_urls` (where alerts go), `incident_share` and `incident_min_accounts` (one error
    code on at least this share of a batch's accounts, and at least this many, is one
    incident: one alert names it)."""

    store_url: SecretStr | None = None
    store_key: SecretStr | None = None
    new_store: bool = False
    lock_wait_seconds: float = Field(default=0, ge=0, le=3600)
    notify_urls: str = ""
    incident_share: float = Field(default=0.2, gt=0, le=1)
    incident_min_accounts: int = Field(default=5, ge=1)

    @field_validator("store_url")
    @classmethod
    def _postgresql_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        url = value.get_secret_value().strip()
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise ValueError(
                "must be a postgresql://user@host:port/database URL (unset: the SQLite store "
                "in the state directory)"
            )
        return SecretStr(url)


class ServeSettings(BaseModel):
    """The fleet page (`sellerauth serve`): `serve_token`, the bearer token every request must
    carry (`SELLERAUTH_SERVE_TOKEN` or `<secrets dir>/sellerauth_serve_token`); required on
    any host but a loopback one."""

    serve_token: SecretStr | None = None


class Settings(  # bases in reverse: pydantic puts the last base's fields first
    ServeSettings,
    StoreSettings,
    LogSettings,
    RetrySettings,
    TimingSettings,
    BrowserSettings,
    PlaceSettings,
    SignInSettings,
    EnvSettings,
):
    """The engine's settings, every group in one object read from `SELLERAUTH_<FIELD>`, `.env`
    and the secrets dir: `SignInSettings` (the default account, named accounts' secrets),
    `PlaceSettings` (state dir, accounts file, secrets dir), `BrowserSettings`,
    `TimingSettings`, `RetrySettings`, `LogSettings`, `StoreSettings` (store key, lock wait,
    notifications), `ServeSettings` (the fleet page's token). `load_settings` builds it."""


class SiteSettings(EnvSettings):
    """Base of a site's settings class: account fields every account shares, each read from
    `SELLERAUTH_<FIELD>` (field names are the profile's; None: not set, the profile's default
    applies). Values are raw: the site's profile model validates them, naming the variable.

    `default_account_only`: fields only the default account takes (named accounts set them in
    their own `[accounts.<name>]` table).
    """

    default_account_only: ClassVar[frozenset[str]] = frozenset()


SiteSettingsT = TypeVar("SiteSettingsT", bound=SiteSettings)


def load_site_settings(cls: type[SiteSettingsT], settings: Settings) -> SiteSettingsT:
    """A site's settings from the same sources as `settings` (its secrets dir included);
    InvalidInput naming the variable when one is invalid."""
    try:
        if settings.secrets_dir is not None and settings.secrets_dir.is_dir():
            return cls(_secrets_dir=settings.secrets_dir)  # type: ignore[call-arg]
        return cls()
    except ValidationError as exc:
        raise _settings_error(exc) from None


def load_settings(**overrides: Any) -> Settings:
    """Settings with `overrides` (command-line options; None means "not given") on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        first = Settings(**given)
        secrets_dir = first.secrets_dir or default_secrets_dir()
        if secrets_dir is None:
            return first
        if not secrets_dir.is_dir():
            raise InvalidInput(
                f"secrets directory {secrets_dir} does not exist: create it or unset "
                "SELLERAUTH_SECRETS_DIR",
                field="secrets_dir",
            )
        given["secrets_dir"] = secrets_dir
        return Settings(_secrets_dir=secrets_dir, **given)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise _settings_error(exc) from None


def _settings_error(exc: ValidationError) -> InvalidInput:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in error["loc"]]
        variable = ENV_PREFIX + "__".join(loc).upper()
        problem = (
            "is not a known setting: check its spelling"
            if error["type"] == "extra_forbidden"
            else f"is invalid: {validation_message(error['msg'])}"
        )
        problems.append(f"{variable} {problem}; correct it in the environment or .env")
    first = str(exc.errors()[0]["loc"][0]) if exc.errors() else "settings"
    return InvalidInput("; ".join(problems), field=first)


def validation_message(message: str) -> str:
    """A pydantic error message without its `Value error, ` prefix."""
    return message.removeprefix("Value error, ")
