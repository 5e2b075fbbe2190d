"""Typed results of the flows, as the command line prints them and the store keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr, field_serializer


class RegisterResult(BaseModel):
    """What `register` did and read back."""

    model_config = ConfigDict(frozen=True)

    account: str
    outcome: Literal["granted", "already_granted", "restored"]
    seller_id: str
    marketplace_id: str
    mws_auth_token: SecretStr
    developer_id: str

    @field_serializer("mws_auth_token", when_used="json")
    def _reveal(self, token: SecretStr) -> str:
        # JSON output is asked for explicitly (`--json`); everything else sees SecretStr.
        return token.get_secret_value()


class DeveloperAccess(BaseModel):
    """One developer row of the permissions screen."""

    developer_id: str
    nickname: str
    state: Literal["active", "inactive"]
    granted_at: datetime | None = None
    expires_at: date | None = None


class StatusResult(BaseModel):
    """The permissions screen of one seller, every page of both tables."""

    account: str
    seller_id: str
    access_confirmation: Literal["enabled", "disabled", "mandatory"]
    developers: list[DeveloperAccess]


class RenewResult(BaseModel):
    """What `renew` did for the configured developer."""

    account: str
    developer_id: str
    action: Literal["renewed", "restored", "none"]
    """What this run did; a dry run did nothing: always "none" (see `would_do`)."""
    state: Literal["active", "inactive"] = "active"
    """The developer's access after the run (a dry run: as it stands, inactive when expired)."""
    expires_at: date | None = None
    access_confirmation: Literal["enabled", "disabled", "mandatory"] | None = None
    # True when this run clicked 無効にする (the seller's security setting changed).
    confirmation_changed: bool = False
    dry_run: bool = False
    would_do: list[Literal["disable_confirmation", "renew", "restore"]] = []
    """A dry run only: what a real run with the same options would do, in order; [] when
    nothing is due. Never set when something was done."""
