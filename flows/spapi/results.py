"""Typed results of the SP-API jobs (docs/spapi.md)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr, field_serializer

AppStatus = Literal["active", "expired", "disabled"]
RenewAction = Literal["reauthorized", "enabled", "authorized", "none"]
"""`authorized`: a lapsed authorization whose row offered no renewal control, authorized
again through the consent page (docs/pages.md §7)."""


class _RevealsRefreshToken(BaseModel):
    """The refresh token is SecretStr everywhere but in JSON output, asked for with `--json`."""

    @field_serializer("refresh_token", when_used="json", check_fields=False)
    def _reveal(self, token: SecretStr | None) -> str | None:
        return token.get_secret_value() if token is not None else None


class AuthorizeResult(_RevealsRefreshToken):
    """What `authorize` did and collected."""

    model_config = ConfigDict(frozen=True)

    account: str
    outcome: Literal["authorized", "already_authorized"]
    app_id: str
    selling_partner_id: str | None
    marketplace_ids: list[str]
    expires_at: date | None = None
    refresh_token: SecretStr
    # False only with --no-verify: the refresh token was not tried against the Sellers API.
    verified: bool = True
    # A consent an earlier run gave without keeping its token, given again once: what
    # happened, in words (flows/spapi/recovery.py); None on an ordinary run.
    recovery: str | None = None


class AppRow(BaseModel):
    """One row of Manage Your Apps."""

    app_name: str
    developer: str
    status: AppStatus
    authorized_at: date | None = None
    expires_at: date | None = None
    ours: bool = False


class AppStatusResult(BaseModel):
    """Manage Your Apps of one seller, every page."""

    account: str
    app_id: str
    apps: list[AppRow]


class AppRenewResult(_RevealsRefreshToken):
    """What `app-renew` did for the configured app (with `dry_run`, `action` is `none` and
    `would_do` lists what a real run would do, as `renew`'s does: `reauthorize`, `enable` or
    `authorize`; empty when nothing is due)."""

    model_config = ConfigDict(frozen=True)

    account: str
    app_id: str
    action: RenewAction
    would_do: list[Literal["reauthorize", "enable", "authorize"]] = []
    dry_run: bool = False
    expires_at: date | None = None
    selling_partner_id: str | None = None
    marketplace_ids: list[str] = []
    refresh_token: SecretStr | None = None
    verified: bool = False
    recovery: str | None = None
