"""Settings (`SELLERAUTH_` env, `.env`, secrets dir) and account profiles (accounts.toml).

The engine's settings and profile are neutral: who signs in (name, e-mail, password, TOTP
secret) and how the engine runs. A site adds its own account fields by subclassing
`AccountProfile` (validation and defaults on its fields) and declaring, on that class, the
`SiteSettings` classes whose `SELLERAUTH_<FIELD>` values every account inherits; the engine's
`resolve_account` and `load_accounts` take that class as `model` and learn from it, and only
from it, which keys an `[accounts.<name>]` table may hold (`file_keys`) and which are secrets
read from the environment or the secrets dir instead (`secret_keys`: the fields typed
`SecretStr`). There is no registry: two sites' models never see each other's keys.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from automation.errors import InvalidInput
from automation.log import register_secret

ENV_PREFIX = "SELLERAUTH_"
DEFAULT_ACCOUNT = "default"
DEFAULT_SECRETS_DIR = Path("/run/secrets")
ACCOUNTS_FILE_NAME = "accounts.toml"

ACCOUNT_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_BASE32 = re.compile(r"[A-Z2-7]+=*")
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


# ---- files and directories -------------------------------------------------------------


def validate_account_name(name: str) -> str:
    """The name unchanged when it is safe in file names; InvalidInput (field `account`) if not."""
    if not ACCOUNT_NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"account name {name!r} is not allowed: use up to 64 letters, digits, '-' or '_', "
            "starting with a letter or digit",
            field="account",
        )
    return name


def env_key(name: str) -> str:
    """The form of an account name used in environment variables: `acme-jp` -> `ACME_JP`."""
    return name.upper().replace("-", "_")


def private_dir(path: Path) -> Path:
    """Create a directory (and parents) readable by the owner only; an existing one is kept."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file atomically with mode 0600 (its directory 0700)."""
    private_dir(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def ensure_state_dir(state_dir: Path) -> Path:
    """Create the state directory if needed and prove it writable; InvalidInput if not."""
    try:
        private_dir(state_dir)
        with tempfile.TemporaryFile(dir=state_dir):
            pass
    except OSError as exc:
        raise InvalidInput(
            f"state directory {state_dir} cannot be used ({exc.strerror or exc}): "
            "set SELLERAUTH_STATE_DIR to a directory you can write",
            field="state_dir",
        ) from None
    return state_dir


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

    timeout_ms: int = Field(default=30000, gt=0)
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
    """Logging: `log_format` (`auto`: console on a terminal, else JSON lines), `log_level`."""

    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "info"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level


class StoreSettings(BaseModel):
    """The store and alerts: `store_key` (the encryption key; else a key file beside the
    store), `lock_wait_seconds` (how long a run waits for another process's run on the same
    account; 0: refuse at once, `busy`), `notify_urls` (where alerts go)."""

    store_key: SecretStr | None = None
    lock_wait_seconds: float = Field(default=0, ge=0, le=3600)
    notify_urls: str = ""


class Settings(  # bases in reverse: pydantic puts the last base's fields first
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
    notifications). `load_settings` builds it."""


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
            else f"is invalid: {_clean(error['msg'])}"
        )
        problems.append(f"{variable} {problem}; correct it in the environment or .env")
    first = str(exc.errors()[0]["loc"][0]) if exc.errors() else "settings"
    return InvalidInput("; ".join(problems), field=first)


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")


# ---- account profiles ------------------------------------------------------------------


def normalise_totp_secret(value: str) -> str:
    """The base32 secret without spaces, upper-cased; ValueError if it is not base32."""
    secret = "".join(value.split()).upper()
    if len(secret) < 16 or not _BASE32.fullmatch(secret):
        raise ValueError(
            "must be the base32 key the site showed when the authenticator app was added "
            "(at least 16 characters A-Z and 2-7)"
        )
    try:
        base64.b32decode(secret.rstrip("=") + "=" * (-len(secret.rstrip("=")) % 8))
    except binascii.Error:
        raise ValueError("is not valid base32 (wrong length)") from None
    return secret


class AccountProfile(BaseModel):
    """One resolved account: who signs in (name, e-mail, password, TOTP secret).

    A site subclasses it with its own account fields (each a plain field with its validation
    and default) and lists in `shared_settings` the `SiteSettings` classes whose values every
    account inherits; `resolve_account(..., model=TheSubclass)` builds it. Several site modules
    may each contribute fields: the site's class inherits from each one's field model.

    - `shared_settings`: settings classes read for defaults (field name = profile field).
    - `check_fields`: site fields `accounts check --json` reports for each account, in this
      order; `check_columns`: those its table shows.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    shared_settings: ClassVar[tuple[type[SiteSettings], ...]] = ()
    check_fields: ClassVar[tuple[str, ...]] = ()
    check_columns: ClassVar[tuple[str, ...]] = ()

    def acting_on(self) -> str | None:
        """What this account's acting clicks act on, as the site names it (recorded with each
        write-ahead intent, so a resumed run matches only its own); None: the account itself."""
        return None

    def setting_problems(self, settings: Settings) -> list[str]:
        """What `accounts check` reports about the site's own settings of this account (those
        a job checks before a browser starts), each a message naming the variable or the file
        it came from, never a secret; [] when there is nothing to say (the default)."""
        return []

    name: str
    email: str
    password: SecretStr
    totp_secret: SecretStr | None = None

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not ACCOUNT_NAME_PATTERN.fullmatch(value):
            raise ValueError("use up to 64 letters, digits, '-' or '_'")
        return value

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        if not _EMAIL.fullmatch(value.strip()):
            raise ValueError("must be an e-mail address such as seller@example.com")
        return value.strip()

    @field_validator("password")
    @classmethod
    def _password_present(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("is empty")
        return value

    @field_validator("totp_secret", mode="before")
    @classmethod
    def _totp_base32(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or raw == "":
            return None
        return SecretStr(normalise_totp_secret(str(raw)))

    @classmethod
    def site_fields(cls) -> tuple[str, ...]:
        """The fields the site added, in declaration order (after the engine's), secrets
        included."""
        return tuple(name for name in cls.model_fields if name not in AccountProfile.model_fields)

    @classmethod
    def secret_keys(cls) -> tuple[str, ...]:
        """The secret fields, in declaration order: those typed `SecretStr` (or `SecretStr |
        None`): the engine's `password` and `totp_secret`, then the site's. A secret never goes
        in the accounts file; a named account's comes from `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>`
        or `<secrets dir>/<name>.<key>`, and is registered for redaction when read."""
        return tuple(name for name, info in cls.model_fields.items() if _is_secret(info))

    @classmethod
    def file_keys(cls) -> tuple[str, ...]:
        """The keys an `[accounts.<name>]` table may hold: `email` and the site's fields that
        are not secrets."""
        secret = set(cls.secret_keys())
        return ("email", *(name for name in cls.site_fields() if name not in secret))


def _is_secret(info: FieldInfo) -> bool:
    annotation = info.annotation
    return annotation is SecretStr or SecretStr in get_args(annotation)


ProfileT = TypeVar("ProfileT", bound=AccountProfile)


class _Draft:
    """The values of a profile being assembled, each with where it came from (for messages)."""

    def __init__(self, name: str) -> None:
        self.values: dict[str, Any] = {"name": name}
        self.sources: dict[str, str] = {"name": "account name"}

    def put(self, field: str, value: Any, source: str) -> None:
        if value is not None:
            self.values[field] = value
            self.sources[field] = source

    def build(self, model: type[ProfileT]) -> ProfileT:
        for key in model.secret_keys():
            register_secret(self.values.get(key))
        try:
            profile = model(**self.values)
        except ValidationError as exc:
            raise self._error(exc) from None
        for key in model.secret_keys():  # as normalised (a TOTP secret without spaces)
            register_secret(getattr(profile, key))
        return profile

    def _error(self, exc: ValidationError) -> InvalidInput:
        errors = exc.errors(include_url=False, include_input=False)
        problems = []
        for error in errors:
            field = str(error["loc"][0]) if error["loc"] else "account"
            source = self.sources.get(field, field)
            problems.append(f"{field} ({source}) {_clean(error['msg'])}")
        first = str(errors[0]["loc"][0]) if errors and errors[0]["loc"] else "account"
        return InvalidInput(f"account {self.values['name']!r}: " + "; ".join(problems), field=first)


def _apply_overrides(draft: _Draft, overrides: dict[str, Any], model: type[AccountProfile]) -> None:
    secrets = model.secret_keys()
    unknown = set(overrides) - {*model.file_keys(), *secrets}
    if unknown:
        raise TypeError(f"unknown account overrides: {', '.join(sorted(unknown))}")
    for key, value in overrides.items():
        source = f"{key} given" if key in secrets else "--" + key.replace("_", "-")
        draft.put(key, value, source)


def shared_values(
    settings: Settings, model: type[AccountProfile], *, default: bool = False
) -> dict[str, Any]:
    """The values of `model`'s site settings an account inherits unless its own table (or the
    command line) says otherwise: those set (not None), by field name; the default account
    (`default`) also takes the `default_account_only` ones. InvalidInput on a bad setting."""
    found: dict[str, Any] = {}
    for shared in model.shared_settings:
        values = load_site_settings(shared, settings)
        for field in type(values).model_fields:
            value = getattr(values, field)
            if value is not None and (default or field not in shared.default_account_only):
                found[field] = value
    return found


def _put_inherited(
    draft: _Draft, settings: Settings, model: type[AccountProfile], *, default: bool
) -> None:
    for field, value in shared_values(settings, model, default=default).items():
        draft.put(field, value, ENV_PREFIX + field.upper())


def _default_draft(settings: Settings, model: type[AccountProfile]) -> _Draft:
    draft = _Draft(DEFAULT_ACCOUNT)
    _put_inherited(draft, settings, model, default=True)
    draft.put("email", settings.email, "SELLERAUTH_EMAIL")
    draft.put("password", settings.password, "SELLERAUTH_PASSWORD")
    draft.put("totp_secret", settings.totp_secret, "SELLERAUTH_TOTP_SECRET")
    # The site's own secrets of the default account: its site settings read the shared
    # SELLERAUTH_<KEY>; SELLERAUTH_ACCOUNTS__DEFAULT__<KEY> or <secrets dir>/default.<key> too.
    for key in model.secret_keys():
        if key not in AccountProfile.model_fields:
            secret, source = _named_secret(settings, DEFAULT_ACCOUNT, key)
            draft.put(key, secret, source)
    return draft


def _require_default(draft: _Draft, settings: Settings) -> None:
    if "email" not in draft.values:
        raise InvalidInput(
            "SELLERAUTH_EMAIL is not set: export it or put it in .env", field="email"
        )
    if "password" not in draft.values:
        where = _secrets_dir_hint(settings, "sellerauth_password")
        raise InvalidInput(
            f"SELLERAUTH_PASSWORD is not set: export it, put it in .env or {where}",
            field="password",
        )


def _secrets_dir_hint(settings: Settings, filename: str) -> str:
    if settings.secrets_dir is not None:
        return f"write it to {settings.secrets_dir / filename}"
    return f"write it to a file {filename} in SELLERAUTH_SECRETS_DIR"


def _named_draft(
    settings: Settings, name: str, table: dict[str, str], path: Path, model: type[AccountProfile]
) -> _Draft:
    draft = _Draft(name)
    _put_inherited(draft, settings, model, default=False)
    for key, value in table.items():
        draft.put(key, value, f"{path} [accounts.{name}] {key}")
    for key in model.secret_keys():
        secret, source = _named_secret(settings, name, key)
        draft.put(key, secret, source)
    return draft


def account_variable(name: str, key: str) -> str:
    """The variable of a named account's secret: (`acme-jp`, `password`) ->
    `SELLERAUTH_ACCOUNTS__ACME_JP__PASSWORD`."""
    return f"{ENV_PREFIX}ACCOUNTS__{env_key(name)}__{key.upper()}"


def _named_secret(settings: Settings, name: str, key: str) -> tuple[SecretStr | None, str]:
    """A named account's secret from its environment variable, else from the secrets dir."""
    variable = account_variable(name, key)
    value = settings.accounts.get(env_key(name).lower(), {}).get(key)
    if value is not None:
        return value, variable
    if settings.secrets_dir is not None:
        path = settings.secrets_dir / f"{name}.{key}"
        if path.is_file():
            try:
                return SecretStr(path.read_text(encoding="utf-8").strip()), str(path)
            except OSError as exc:
                raise InvalidInput(
                    f"cannot read {path} ({exc.strerror}): fix its permissions", field=key
                ) from None
    return None, variable


def _require_named(draft: _Draft, settings: Settings, path: Path) -> None:
    name = draft.values["name"]
    if "email" not in draft.values:
        raise InvalidInput(
            f'account {name!r} has no email: add email = "..." under [accounts.{name}] in {path}',
            field="email",
        )
    if "password" not in draft.values:
        variable = account_variable(name, "password")
        where = _secrets_dir_hint(settings, f"{name}.password")
        raise InvalidInput(
            f"password for account {name!r} is not set: export {variable} or {where}",
            field="password",
        )


def check_account_variables(settings: Settings, model: type[AccountProfile]) -> None:
    """InvalidInput (field `accounts`) naming each `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` whose
    key is not one of `model`'s secrets (a misspelling); the value is never quoted."""
    problems = [
        f"{account_variable(name, key)} is not a known setting: check its spelling (an "
        f"account's variables are {', '.join(k.upper() for k in model.secret_keys())}); "
        "correct it in the environment or .env"
        for name, secrets in settings.accounts.items()
        for key in secrets
        if key not in model.secret_keys()
    ]
    if problems:
        raise InvalidInput("; ".join(problems), field="accounts")


def read_accounts_file(
    path: Path, model: type[AccountProfile] = AccountProfile
) -> dict[str, dict[str, str]]:
    """The `[accounts.<name>]` tables of an accounts file, checked against the keys `model`
    allows (`model.file_keys()`; its `secret_keys()` refused, never quoted); InvalidInput on
    any problem."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise InvalidInput(
            f"accounts file {path} does not exist: create it or set SELLERAUTH_ACCOUNTS_FILE",
            field="accounts_file",
        ) from None
    except OSError as exc:
        raise InvalidInput(
            f"cannot read accounts file {path} ({exc.strerror})", field="accounts_file"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"accounts file {path} is not valid TOML: {exc}", field="accounts_file"
        ) from None
    return check_accounts_data(data, path, model)


def check_accounts_data(
    data: dict[str, Any], path: Path, model: type[AccountProfile]
) -> dict[str, dict[str, str]]:
    """The `[accounts.<name>]` tables of the parsed file `data` (read from `path`), each name
    and key checked against `model`; InvalidInput on the first problem."""
    extra = sorted(set(data) - {"accounts"})
    if extra:
        raise InvalidInput(
            f"accounts file {path} has unknown top-level keys {', '.join(extra)}: "
            "put each account under [accounts.<name>]",
            field="accounts_file",
        )
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        raise InvalidInput(
            f"accounts file {path}: `accounts` must be tables [accounts.<name>]",
            field="accounts_file",
        )
    seen: dict[str, str] = {}
    for name, table in accounts.items():
        _check_account_table(name, table, path, model)
        other = seen.setdefault(env_key(name), name)
        if other != name:
            raise InvalidInput(
                f"accounts file {path}: accounts {other!r} and {name!r} are the same name "
                "once upper-cased with '-' as '_' (as in SELLERAUTH_ACCOUNTS__<NAME>__PASSWORD): "
                "rename one",
                field="accounts_file",
            )
    return accounts


def _check_account_table(name: str, table: Any, path: Path, model: type[AccountProfile]) -> None:
    keys, secrets = model.file_keys(), model.secret_keys()
    where = f"accounts file {path} [accounts.{name}]"
    if not ACCOUNT_NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"{where}: the name may hold up to 64 letters, digits, '-' or '_'",
            field="accounts_file",
        )
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table of settings", field="accounts_file")
    for key, value in table.items():
        if key in secrets:
            register_secret(value if isinstance(value, str) else None)
            raise InvalidInput(
                f"{where} holds {key}: secrets never go in the accounts file; remove it and "
                f"export {account_variable(name, key)} or write it to <secrets dir>/{name}.{key}",
                field=key,
            )
        if key not in keys:
            raise InvalidInput(
                f"{where} has unknown key {key!r}: use {', '.join(keys)}",
                field="accounts_file",
            )
        if not isinstance(value, str):
            raise InvalidInput(f'{where} {key} must be a string in quotes ("...")', field=key)


def _accounts_path(settings: Settings) -> Path:
    if settings.accounts_file is None:
        raise InvalidInput(
            f"there is no accounts file: create {ACCOUNTS_FILE_NAME} here or set "
            "SELLERAUTH_ACCOUNTS_FILE",
            field="accounts_file",
        )
    return settings.accounts_file


def _profile_from_table(
    settings: Settings,
    name: str,
    table: dict[str, str],
    path: Path,
    overrides: dict[str, Any],
    model: type[ProfileT],
) -> ProfileT:
    draft = _named_draft(settings, name, table, path, model)
    _apply_overrides(draft, overrides, model)
    _require_named(draft, settings, path)
    return draft.build(model)


def resolve_account(
    settings: Settings,
    name: str | None = None,
    *,
    model: type[ProfileT] = AccountProfile,  # type: ignore[assignment]
    **overrides: Any,
) -> ProfileT:
    """The profile of account `name` (None: the `default` one from SELLERAUTH_EMAIL etc.),
    built as the site's `model` (an `AccountProfile` subclass; the engine's own by default).

    `overrides` are command-line options (`email`, the secrets, the model's site fields);
    they win over the accounts file and the environment; None means "not given".
    Raises InvalidInput naming the field and where its value came from (or a misspelt
    `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>`); TypeError for an override the model has no field
    for (a bug of the caller).
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    check_account_variables(settings, model)
    accounts = (
        read_accounts_file(settings.accounts_file, model)
        if settings.accounts_file is not None
        else {}
    )
    if name is None or (name == DEFAULT_ACCOUNT and name not in accounts):
        draft = _default_draft(settings, model)
        _apply_overrides(draft, given, model)
        _require_default(draft, settings)
        return draft.build(model)
    validate_account_name(name)
    path = _accounts_path(settings)
    if name not in accounts:
        known = ", ".join(accounts) or "none"
        raise InvalidInput(
            f"account {name!r} is not in {path} (accounts there: {known})", field="account"
        )
    return _profile_from_table(settings, name, accounts[name], path, given, model)


def load_accounts(
    settings: Settings,
    model: type[ProfileT] = AccountProfile,  # type: ignore[assignment]
) -> dict[str, ProfileT | InvalidInput]:
    """Every account of the accounts file, each resolved as `model` or with the problem that
    stops it.

    A broken file (missing, bad TOML, unknown key, secret in it) or a misspelt
    `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` raises InvalidInput instead; no accounts file at all
    gives an empty dict.
    """
    check_account_variables(settings, model)
    if settings.accounts_file is None:
        return {}
    path = settings.accounts_file
    results: dict[str, ProfileT | InvalidInput] = {}
    for name, table in read_accounts_file(path, model).items():
        try:
            results[name] = _profile_from_table(settings, name, table, path, {}, model)
        except InvalidInput as exc:
            results[name] = exc
    return results
