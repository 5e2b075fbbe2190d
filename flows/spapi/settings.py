"""Settings of the SP-API jobs (`SELLERAUTH_APP_*`, `SELLERAUTH_LWA_*`): the app to authorize.

Validated before a browser starts; every problem is `InvalidInput` naming the variable.
Built from the environment (`load_app_settings`), with one account's own values over it
(`app_settings_for`): those are `SpApiAccountFields`, fields of the site's account model
(`flows.site.SellerAccount`), so the engine reads them from `[accounts.<name>]` and the
client secret from the account's variable or secrets-dir file.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from automation.errors import InvalidInput
from automation.log import register_secret
from automation.settings import SiteSettings, load_site_settings
from flows.marketplaces import get_marketplace
from flows.urls import is_loopback

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.settings import Settings

ENV_PREFIX = "SELLERAUTH_"
DEFAULT_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
# SP-API endpoints are regional (docs/pages.md §8); the LWA endpoint is one for all.
SPAPI_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
REGION_OF_MARKETPLACE = {
    "US": "na",
    "CA": "na",
    "MX": "na",
    "BR": "na",
    "UK": "eu",
    "DE": "eu",
    "FR": "eu",
    "IT": "eu",
    "ES": "eu",
    "NL": "eu",
    "PL": "eu",
    "SE": "eu",
    "BE": "eu",
    "TR": "eu",
    "IN": "eu",
    "AE": "eu",
    "SA": "eu",
    "EG": "eu",
    "JP": "fe",
    "AU": "fe",
    "SG": "fe",
}

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
APP_ID = re.compile(rf"amzn1\.(?:sp\.solution|sellerapps\.app)\.{_UUID}", re.I)
LWA_CLIENT_ID = re.compile(r"amzn1\.application-oa2-client\.[0-9a-f]{16,64}", re.I)


class SpApiAccountFields(BaseModel):
    """One seller's own SP-API settings, over the `SELLERAUTH_*` values every account shares:
    `app_id`, `app_name`, `app_draft`, `redirect_uri`, `login_uri`, `lwa_client_id` from its
    `[accounts.<name>]` table, and `lwa_client_secret`, a secret (typed `SecretStr`, so the
    engine refuses it in the file and reads it from `SELLERAUTH_ACCOUNTS__<NAME>__LWA_CLIENT_
    SECRET` or `<secrets dir>/<name>.lwa_client_secret`). None: not set for this account.

    Values are kept as written: `AppSettings` validates them when an SP-API job prepares (so a
    bad app ID stops the SP-API jobs, naming the file and table, and not the MWS jobs).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    app_id: str | None = None
    app_name: str | None = None
    app_draft: str | None = None
    redirect_uri: str | None = None
    login_uri: str | None = None
    lwa_client_id: str | None = None
    lwa_client_secret: SecretStr | None = None
    lwa_client_secret_next: SecretStr | None = None
    lwa_client_secret_expires: str | None = None

    def app_overrides(self) -> dict[str, Any]:
        """This account's own values (those set), by `AppSettings` field."""
        values = {name: getattr(self, name) for name in SpApiAccountFields.model_fields}
        return {name: value for name, value in values.items() if value is not None}


def spapi_endpoint_for(marketplace: str) -> str:
    """The regional SP-API endpoint of a marketplace code (`JP` -> the Far East endpoint)."""
    code = get_marketplace(marketplace).code
    return SPAPI_ENDPOINTS[REGION_OF_MARKETPLACE.get(code, "na")]


def _https_url(value: str, *, loopback_http: bool, fragment: bool = False) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if not parts.hostname:
        raise ValueError("must be a URL such as https://app.example.com/path")
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("must not hold a blank, a line break or a control character")
    if "#" in value and not fragment:
        raise ValueError("must not contain '#': Amazon refuses such a URI (MD5110)")
    if parts.scheme == "https":
        return value
    if parts.scheme == "http" and loopback_http and is_loopback(parts.hostname):
        return value
    allowed = " (plain http only on 127.0.0.1, localhost or [::1])" if loopback_http else ""
    raise ValueError(f"must use https{allowed}")


class AppSettings(BaseSettings):
    """The developer's SP-API app and its Login with Amazon credentials.

    `app_id` is the app's ID from Developer Central (`amzn1.sp.solution.<uuid>`, older apps
    `amzn1.sellerapps.app.<uuid>`), not its LWA client ID. `lwa_client_secret` is a secret
    (env or secret file only; registered for redaction when read). `spapi_endpoint` left
    unset means the marketplace's regional endpoint (`endpoint_for`).
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    app_id: str
    app_name: str
    app_draft: bool = False
    redirect_uri: str | None = None
    login_uri: str | None = None
    lwa_client_id: str
    lwa_client_secret: SecretStr
    # During a rotation (docs/spapi.md "Rotating the client secret"): the new secret, tried
    # once when LWA refuses the first with invalid_client; and when the first one expires.
    lwa_client_secret_next: SecretStr | None = None
    lwa_client_secret_expires: date | None = None
    lwa_token_url: str = DEFAULT_LWA_TOKEN_URL
    spapi_endpoint: str | None = None
    # The blank `We are authorizing …` page: how often to reload it, how long to wait each time.
    interstitial_reloads: int = Field(default=2, ge=0, le=10)
    interstitial_wait_ms: int = Field(default=15000, gt=0)
    lwa_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("app_id")
    @classmethod
    def _app_id(cls, value: str) -> str:
        value = value.strip()
        if LWA_CLIENT_ID.fullmatch(value):
            raise ValueError(
                "is an LWA client ID (amzn1.application-oa2-client.…): that one goes in "
                "SELLERAUTH_LWA_CLIENT_ID; the app ID is amzn1.sp.solution.<uuid> (Developer "
                "Central, 'Edit App')"
            )
        if not APP_ID.fullmatch(value):
            raise ValueError(
                "must be the app ID, amzn1.sp.solution.<uuid> (older apps "
                "amzn1.sellerapps.app.<uuid>)"
            )
        return value

    @field_validator("lwa_client_id")
    @classmethod
    def _client_id(cls, value: str) -> str:
        value = value.strip()
        if APP_ID.fullmatch(value):
            raise ValueError(
                "is an app ID (amzn1.sp.solution.…): that one goes in SELLERAUTH_APP_ID; the "
                "LWA client ID is amzn1.application-oa2-client.<hex>"
            )
        if not LWA_CLIENT_ID.fullmatch(value):
            raise ValueError("must be an LWA client ID, amzn1.application-oa2-client.<hex>")
        return value

    @field_validator("app_name")
    @classmethod
    def _app_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must be the app's name as the consent page shows it")
        return value

    @field_validator("lwa_client_secret_next")
    @classmethod
    def _next_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        register_secret(value)
        return value

    @field_validator("lwa_client_secret")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        register_secret(value)
        return value

    @field_validator("redirect_uri")
    @classmethod
    def _redirect(cls, value: str | None) -> str | None:
        return _https_url(value, loopback_http=True) if value else None

    @field_validator("login_uri")
    @classmethod
    def _login(cls, value: str | None) -> str | None:
        return _https_url(value, loopback_http=True) if value else None

    @field_validator("lwa_token_url", "spapi_endpoint")
    @classmethod
    def _service_url(cls, value: str | None) -> str | None:
        return _https_url(value, loopback_http=True).rstrip("/") if value else None

    @model_validator(mode="after")
    def _needs_a_way_back(self) -> AppSettings:
        if self.redirect_uri is None:
            raise ValueError(
                "SELLERAUTH_REDIRECT_URI is required: one of the app's registered redirect "
                "URIs, where Amazon sends the code (the bot catches it in the browser)"
            )
        return self

    def endpoint_for(self, marketplace: str) -> str:
        """The SP-API endpoint: the configured one, else the marketplace's region's."""
        return self.spapi_endpoint or spapi_endpoint_for(marketplace)


def load_app_settings(secrets_dir: Path | None = None, **overrides: Any) -> AppSettings:
    """The settings from `SELLERAUTH_*`, `.env`, the secrets dir and `overrides`.

    Raises InvalidInput naming the variable of the first problem.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        if secrets_dir is not None:
            return AppSettings(_secrets_dir=secrets_dir, **given)  # type: ignore[call-arg]
        return AppSettings(**given)
    except ValidationError as exc:
        raise _settings_error(exc) from None


def _settings_error(exc: ValidationError) -> InvalidInput:
    problems = []
    first = "settings"
    for error in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in error["loc"]]
        message = error["msg"].removeprefix("Value error, ")
        if not loc:  # a model-level rule names its variable itself
            problems.append(message)
            first = first if first != "settings" else "redirect_uri"
            continue
        if first == "settings":
            first = loc[0]
        variable = ENV_PREFIX + "__".join(loc).upper()
        if error["type"] == "missing":
            problems.append(f"{variable} is required; set it in the environment or .env")
        else:
            problems.append(f"{variable} is invalid: {message}")
    return InvalidInput("; ".join(problems), field=first)


def app_settings_for(settings: Settings, account: AccountProfile) -> AppSettings:
    """The app settings of one account: `SELLERAUTH_*` (environment, `.env`, secrets dir),
    with the account's own `SpApiAccountFields` (its `[accounts.<name>]` keys and client
    secret) over them.

    Raises InvalidInput naming the field (and the accounts file when the value came from it);
    TypeError when `account` was not resolved with a model holding `SpApiAccountFields` (a
    bug of the caller).
    """
    if not isinstance(account, SpApiAccountFields):
        raise TypeError(f"account {account.name!r} was not resolved as a SellerAccount")
    overrides = account.app_overrides()
    try:
        return load_app_settings(secrets_dir=settings.secrets_dir, **overrides)
    except InvalidInput as problem:
        from_file = problem.field in overrides and problem.field in type(account).file_keys()
        if from_file and settings.accounts_file is not None:
            raise InvalidInput(
                f"account {account.name!r} ({settings.accounts_file} [accounts.{account.name}] "
                f"{problem.field}): {problem.message}",
                field=problem.field,
            ) from None
        raise


class _AppSettingsGiven(SiteSettings):
    """Which of the SP-API app's own settings are set at all (raw, not validated): the ones
    whose presence means the SP-API jobs are in use."""

    app_id: str | None = None
    app_name: str | None = None
    redirect_uri: str | None = None
    login_uri: str | None = None
    lwa_client_id: str | None = None
    lwa_client_secret: str | None = None


def spapi_in_use(settings: Settings, account: AccountProfile) -> bool:
    """True when the SP-API app is configured for `account`: any of `SELLERAUTH_APP_ID`,
    `_APP_NAME`, `_REDIRECT_URI`, `_LOGIN_URI`, `_LWA_CLIENT_ID`, `_LWA_CLIENT_SECRET` is set
    (environment, `.env`, secrets dir), or the account has SP-API settings of its own."""
    if isinstance(account, SpApiAccountFields) and account.app_overrides():
        return True
    try:
        given = load_site_settings(_AppSettingsGiven, settings)
    except InvalidInput:
        return True  # unreadable: `app_settings_for` will say why
    return any(getattr(given, name) for name in _AppSettingsGiven.model_fields)


def spapi_problems(settings: Settings, account: AccountProfile) -> list[str]:
    """What stops the SP-API jobs for `account` before a browser starts (`app_settings_for`'s
    message, naming the variable or the file), when the SP-API app is configured at all
    (`spapi_in_use`); [] when it is fine or not in use."""
    if not spapi_in_use(settings, account):
        return []
    try:
        app_settings_for(settings, account)
    except InvalidInput as problem:
        return [problem.message]
    return []


SECRET_EXPIRY_WARNING_DAYS = 14


def secret_expiry_warnings(
    settings: Settings, account: AccountProfile, today: date | None = None
) -> list[str]:
    """`accounts check`'s warning when the app's LWA client secret expires within 14 days
    (`SELLERAUTH_LWA_CLIENT_SECRET_EXPIRES`, or the account's `lwa_client_secret_expires`),
    saying whether a next secret is configured; [] when no expiry is set, it is further
    away, or the SP-API settings do not load (`spapi_problems` says why)."""
    if not spapi_in_use(settings, account):
        return []
    try:
        app = app_settings_for(settings, account)
    except InvalidInput:
        return []
    expires = app.lwa_client_secret_expires
    today = today or date.today()
    if expires is None or expires > today + timedelta(days=SECRET_EXPIRY_WARNING_DAYS):
        return []
    when = "expired on" if expires < today else "expires on"
    step = (
        "a next secret is configured: once it is proven (app-check says `secret: next`), make "
        "it SELLERAUTH_LWA_CLIENT_SECRET"
        if app.lwa_client_secret_next is not None
        else "generate a new one in Developer Central and set SELLERAUTH_LWA_CLIENT_SECRET_NEXT"
    )
    return [f"the app's LWA client secret {when} {expires.isoformat()}: {step}"]
