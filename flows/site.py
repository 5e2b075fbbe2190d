"""Seller Central as a site of the engine: its account fields and their defaults, its account
overrides, top-level help and hooks.

A Seller Central account is the engine's `AccountProfile` plus `SellerCentralFields` (host,
marketplace, picker name, developer to grant), defaulted from `SellerCentralSettings`
(`SELLERAUTH_BASE_URL`, `SELLERAUTH_MARKETPLACE`, ...), and `SpApiAccountFields` (the seller's
own SP-API app settings, its client secret a `SecretStr`). Another module adding per-account
fields declares its own field model (and, for values every account shares, a `SiteSettings`
class) the same way, and `SellerAccount` lists them (its bases and `shared_settings`): the
engine learns the accounts file's keys and the secrets from the model alone.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from automation import accounts as engine_accounts
from automation.accounts import AccountProfile
from automation.errors import InvalidInput
from automation.settings import Settings, SiteSettings
from flows.marketplaces import MARKETPLACES, Marketplace, get_marketplace
from flows.spapi.settings import SpApiAccountFields, secret_expiry_warnings, spapi_problems
from flows.urls import is_loopback

if TYPE_CHECKING:
    pass

# The developer the jobs grant access to unless told otherwise, and the default site.
DEVELOPER_NAME = "shippinno"
DEVELOPER_ID = "5259-6479-4073"
BASE_URL = "https://sellercentral.amazon.co.jp"
MARKETPLACE = "JP"
RENEW_WITHIN_DAYS = 30
"""Renew when an authorization lapses within this many days: Amazon starts reminding at 30."""
# Each grant kind (a job's `grant_field`) in words, for the fleet view.
GRANT_LABELS = {"developer_id": "MWS developer access", "app_id": "SP-API app"}
# The keys of an error the fleet view shows beside its code (Amazon's own code).
ERROR_DETAIL_KEYS = ("amazon_code",)
# The jobs that sign in to Seller Central (every job but the API-only `app-check`).
SIGNING_IN = frozenset({"register", "status", "renew", "authorize", "app-status", "app-renew"})
# An error code -> the jobs whose later success resolves it (besides the failed job's own), in
# the fleet view: a sign-in problem is over once any job signs in (on any grant of the
# account: SIGN_IN_CODES); no authorization once one is given; a refused token or client
# secret once a job gets a token again.
RESOLVED_BY = {
    "needs_person": SIGNING_IN,
    "login_failed": SIGNING_IN,
    "not_authorized": frozenset({"register", "authorize"}),
    "relink_needed": frozenset({"authorize", "app-renew"}),
    "lwa_invalid_grant": frozenset({"authorize", "app-renew"}),
    "lwa_invalid_client": frozenset({"authorize", "app-renew", "app-check"}),
    "client_rejected": frozenset({"authorize", "app-renew", "app-check"}),
}
SIGN_IN_CODES = frozenset({"needs_person", "login_failed"})

_DEVELOPER_ID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})", re.ASCII)

HELP = """Give a developer access to Amazon Seller Central accounts, read back the seller ID,
marketplace ID and MWS auth token, and keep that access from expiring.

The default account comes from SELLERAUTH_EMAIL, SELLERAUTH_PASSWORD and SELLERAUTH_TOTP_SECRET
(environment or .env); named accounts from accounts.toml (--account NAME).

Try it offline first: `sellerauth sim` serves a Seller Central simulator and prints the
commands to run against it.
"""


class SiteOverrides(BaseModel):
    """The account settings every job lets the command line override (None: not given)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: Annotated[
        str | None,
        Field(
            description="Seller Central URL, e.g. https://sellercentral.amazon.co.jp.",
            json_schema_extra={"metavar": "URL"},
        ),
    ] = None


class DeveloperOverrides(SiteOverrides):
    """`register` may also name the developer to grant (default: the settings')."""

    developer_name: Annotated[
        str | None,
        Field(
            description="Developer name to grant (default shippinno).",
            json_schema_extra={"metavar": "NAME"},
        ),
    ] = None
    developer_id: Annotated[
        str | None,
        Field(
            description="Developer ID, 12 digits (default 5259-6479-4073).",
            json_schema_extra={"metavar": "ID"},
        ),
    ] = None


# ---- the account fields ------------------------------------------------------------------


def digits(developer_id: str) -> str:
    """A developer ID without its hyphens (`5259-6479-4073` -> `525964794073`), for comparing
    IDs as the page writes them."""
    return "".join(ch for ch in developer_id if ch.isdigit())


def normalise_developer_id(value: str) -> str:
    """`525964794073`, `5259-6479-4073` or full-width digits -> `5259-6479-4073`;
    ValueError otherwise."""
    match = _DEVELOPER_ID.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if not match:
        raise ValueError("must be 12 digits, hyphens optional, e.g. 5259-6479-4073")
    return "-".join(match.groups())


def normalise_base_url(value: str) -> str:
    """An https origin (http allowed on loopback only), without a trailing slash; ValueError
    otherwise (a blank or control character inside it, too)."""
    parts = urlsplit(value.strip())
    if not parts.hostname:
        raise ValueError("must be a URL such as https://sellercentral.amazon.co.jp")
    if any(ch.isspace() or ord(ch) < 32 for ch in value.strip()):
        raise ValueError("must not hold a blank, a line break or a control character")
    if parts.query or parts.fragment:
        raise ValueError("must not carry a query or fragment")
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname)):
        raise ValueError("must use https (plain http only on 127.0.0.1, localhost or [::1])")
    return value.strip().rstrip("/")


class SellerCentralSettings(SiteSettings):
    """The Seller Central settings every account shares unless its `[accounts.<name>]` table
    (or the command line) says otherwise: `SELLERAUTH_MARKETPLACE`, `SELLERAUTH_BASE_URL`,
    `SELLERAUTH_DEVELOPER_NAME`, `SELLERAUTH_DEVELOPER_ID`; `SELLERAUTH_ACCOUNT_NAME` for the
    default account only. None: not set (`SellerCentralFields` has the defaults)."""

    default_account_only: ClassVar[frozenset[str]] = frozenset({"account_name"})

    marketplace: str | None = None
    base_url: str | None = None
    account_name: str | None = None
    developer_name: str | None = None
    developer_id: str | None = None


class SellerCentralFields(BaseModel):
    """Where a seller account signs in and which developer it grants access to.

    - `marketplace`: the code (docs/pages.md, the account picker), JP by default.
    - `base_url`: the Seller Central origin; by default the marketplace's host.
    - `account_name`: the name to choose on the account picker (None: the only one).
    - `developer_name`, `developer_id`: the developer the jobs grant access to.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    marketplace: str = MARKETPLACE
    base_url: str
    account_name: str | None = None
    developer_name: str = DEVELOPER_NAME
    developer_id: str = DEVELOPER_ID

    @model_validator(mode="before")
    @classmethod
    def _base_url_from_marketplace(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("base_url"):
            market = MARKETPLACES.get(str(data.get("marketplace") or MARKETPLACE).strip().upper())
            if market is not None:
                return {**data, "base_url": market.base_url}
        return data

    @field_validator("marketplace")
    @classmethod
    def _known_marketplace(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in MARKETPLACES:
            raise ValueError(f"must be a marketplace code: one of {', '.join(MARKETPLACES)}")
        return code

    @field_validator("base_url")
    @classmethod
    def _https_base_url(cls, value: str) -> str:
        return normalise_base_url(value)

    @field_validator("developer_id")
    @classmethod
    def _developer_id(cls, value: str) -> str:
        return normalise_developer_id(value)

    @field_validator("developer_name")
    @classmethod
    def _developer_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value.strip()

    @property
    def market(self) -> Marketplace:
        """The marketplace this account is registered in."""
        return get_marketplace(self.marketplace)

    @property
    def marketplace_id(self) -> str:
        """Amazon's ID of the marketplace, e.g. A1VC38T7YXB528 for JP."""
        return self.market.marketplace_id

    @property
    def developer_digits(self) -> str:
        """The developer ID without hyphens, as typed into the registration form."""
        return self.developer_id.replace("-", "")


class SellerAccount(SpApiAccountFields, SellerCentralFields, AccountProfile):
    """A Seller Central account as the jobs see it: the engine's profile (name, e-mail,
    password, TOTP secret), `SellerCentralFields` and the seller's own SP-API settings
    (`SpApiAccountFields`, read by the SP-API jobs through `app_settings_for`). The site's
    account model (`Site.account_model`): the engine resolves every account of this site as
    one, and takes from it which keys `[accounts.<name>]` may hold (`file_keys`) and which are
    secrets kept out of the file (`secret_keys`: `password`, `totp_secret`,
    `lwa_client_secret`).

    More per-account fields: add the module's field model to the bases (before
    `AccountProfile`) and, when every account inherits a `SELLERAUTH_<FIELD>` value, its
    `SiteSettings` class to `shared_settings`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    shared_settings: ClassVar[tuple[type[SiteSettings], ...]] = (SellerCentralSettings,)
    check_fields: ClassVar[tuple[str, ...]] = ("marketplace", "base_url")
    check_columns: ClassVar[tuple[str, ...]] = ("marketplace",)

    def acting_on(self) -> str | None:
        """The configured developer ID: the row every acting click of the MWS jobs is on."""
        return self.developer_id

    def session_identity(self) -> dict[str, str]:
        """The e-mail, the Seller Central host, and the account and marketplace chosen: a
        session signed in for one of them is never used for another (docs/pages.md §1–§2)."""
        return super().session_identity() | {
            "host": urlsplit(self.base_url).netloc.lower(),
            "account_name": self.account_name or "",
            "marketplace": self.marketplace,
        }

    def setting_problems(self, settings: Settings) -> list[str]:
        """The SP-API settings of this account, checked as `authorize` checks them, when the
        SP-API app is configured at all (`spapi_problems`): an account of a fleet that uses
        the MWS jobs only has nothing to report. `accounts check --job authorize` asks for
        them regardless."""
        return spapi_problems(settings, self)

    def setting_warnings(self, settings: Settings) -> list[str]:
        """A warning when the SP-API app's LWA client secret expires within 14 days
        (`secret_expiry_warnings`)."""
        return secret_expiry_warnings(settings, self)


def seller_account(profile: AccountProfile) -> SellerAccount:
    """The run's profile as a Seller Central account; TypeError if it was resolved without the
    site's model (a bug of the caller)."""
    if not isinstance(profile, SellerAccount):
        raise TypeError(f"account {profile.name!r} was not resolved as a SellerAccount")
    return profile


def resolve_account(settings: Settings, name: str | None = None, **overrides: Any) -> SellerAccount:
    """`automation.accounts.resolve_account` with this site's model: the Seller Central account
    `name` (None: the default one); InvalidInput as there."""
    return engine_accounts.resolve_account(settings, name, model=SellerAccount, **overrides)


def load_accounts(settings: Settings) -> dict[str, SellerAccount | InvalidInput]:
    """`automation.accounts.load_accounts` with this site's model."""
    return engine_accounts.load_accounts(settings, SellerAccount)
