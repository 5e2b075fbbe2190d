"""The account profile model (`AccountProfile`, which a site subclasses) and account names: the
shape a name may have and the form it takes in environment variables."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, ClassVar, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator
from pydantic.fields import FieldInfo

from automation.errors import InvalidInput
from automation.settings import ENV_PREFIX, Settings, SiteSettings

ACCOUNT_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_BASE32 = re.compile(r"[A-Z2-7]+=*")


def validate_account_name(name: str) -> str:
    """The name unchanged when it is safe in file names; InvalidInput (field `account`) if not."""
    if not ACCOUNT_NAME_PATTERN.fullmatch(name):
        shown = name if len(name) <= 70 else name[:64] + "…"
        raise InvalidInput(
            f"account name {shown!r} is not allowed: use up to 64 letters, digits, '-' or '_', "
            "starting with a letter or digit",
            field="account",
        )
    return name


def env_key(name: str) -> str:
    """The form of an account name used in environment variables: `acme-jp` -> `ACME_JP`."""
    return name.upper().replace("-", "_")


def account_variable(name: str, key: str) -> str:
    """The variable of a named account's secret: (`acme-jp`, `password`) ->
    `SELLERAUTH_ACCOUNTS__ACME_JP__PASSWORD`."""
    return f"{ENV_PREFIX}ACCOUNTS__{env_key(name)}__{key.upper()}"


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

    def grant_id(self, field: str) -> str | None:
        """The account's configured grant of the kind `field` names (a job's `grant_field`:
        the site's account model has a field of that name, such as a developer ID); None when
        the model has no such field or it is not set."""
        value = getattr(self, field, None)
        return value if isinstance(value, str) and value else None

    def session_identity(self) -> dict[str, str]:
        """Who a saved browser session belongs to: it is used again only for the same identity
        (e-mail, and whatever the site adds: the host, the account and marketplace chosen)."""
        return {"email": self.email.strip().lower()}

    def identity_key(self) -> str:
        """`session_identity` as one string (JSON, keys sorted): what the store keeps with a
        result, so that what a run read (a seller ID, a token) serves only the same identity."""
        return json.dumps(self.session_identity(), sort_keys=True)

    def setting_problems(self, settings: Settings) -> list[str]:
        """What `accounts check` reports about the site's own settings of this account (those
        a job checks before a browser starts), each a message naming the variable or the file
        it came from, never a secret; [] when there is nothing to say (the default)."""
        return []

    def setting_warnings(self, settings: Settings) -> list[str]:
        """What `accounts check` warns of about the site's own settings of this account (what
        does not stop a job yet, such as a credential about to expire), never a secret; []
        by default."""
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
