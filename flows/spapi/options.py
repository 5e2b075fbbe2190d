"""What every SP-API job's options hold besides the command line's: the app's settings
(`flows/spapi/settings.py`) and the refresh token the store holds, set by `prepare` before a
browser starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

from automation.runner import RunContext
from flows.site import RENEW_WITHIN_DAYS
from flows.spapi.settings import AppSettings, app_settings_for

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.settings import Settings
    from automation.store import Store


@dataclass(frozen=True)
class KnownAuthorization:
    """A refresh token the caller already holds for this account and app (from the store)."""

    refresh_token: SecretStr
    selling_partner_id: str | None = None


@dataclass(frozen=True)
class StoredAuthorization:
    """The last refresh token the store holds for this account and app, and the run that
    brought it (a new token replaces it)."""

    known: KnownAuthorization
    run_id: str


class AppJobOptions(BaseModel):
    """What every SP-API job's options hold besides the command line's: the app's settings
    and the stored authorization, set by `prepare_app_job` before a browser starts (private:
    never an option, never recorded with the run)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    _app: AppSettings | None = PrivateAttr(default=None)
    _stored: StoredAuthorization | None = PrivateAttr(default=None)

    def ready(self, app: AppSettings, stored: StoredAuthorization | None) -> Self:
        """A copy of these options with the account's app settings and stored token."""
        copy = self.model_copy()
        copy._app = app
        copy._stored = stored
        return copy

    def app_for(self, ctx: RunContext) -> AppSettings:
        """The prepared app settings; read now (without a stored token) when the options
        were not prepared, e.g. by `sellerauth record`."""
        return self._app or app_settings_for(ctx.settings, ctx.account)

    @property
    def known(self) -> KnownAuthorization | None:
        """The refresh token the store holds for this account and app, if any."""
        return self._stored.known if self._stored else None

    @property
    def replaces(self) -> str | None:
        """The run whose refresh token a new one replaces (for the audit trail)."""
        return self._stored.run_id if self._stored else None


AppJobOptionsT = TypeVar("AppJobOptionsT", bound=AppJobOptions)


def app_of(options: AppJobOptions) -> str | None:
    """The app ID prepared options act on (`CommandSpec.grant_of`); None before `prepare`."""
    return options._app.app_id if options._app is not None else None


def prepare_app_job(
    options: AppJobOptionsT, settings: Settings, account: AccountProfile, store: Store | None
) -> AppJobOptionsT:
    """The job's options for `account`: its app settings validated (InvalidInput naming the
    variable, before any browser starts) and the last refresh token stored for the app."""
    app = app_settings_for(settings, account)
    stored = None
    if store is not None:
        # Only a token stored by a run signed in as this same identity: one another seller's
        # run left under this account name (the e-mail changed) is not this seller's.
        history = store.secret_history(
            account.name, "refresh_token", account.identity_key(), app_id=app.app_id
        )
        if history:
            last = history[0]
            known = KnownAuthorization(
                SecretStr(last.value), last.data.get("selling_partner_id") or None
            )
            stored = StoredAuthorization(known, last.run_id)
    return options.ready(app, stored)


def prepare_app_settings(
    options: AppJobOptionsT, settings: Settings, account: AccountProfile, store: Store | None
) -> AppJobOptionsT:
    """The options with the account's app settings only (a job that reads, like
    `app-status`, needs no stored token, and never decrypts one)."""
    return options.ready(app_settings_for(settings, account), None)


RENEW_WITHIN = Field(
    RENEW_WITHIN_DAYS,
    ge=0,
    le=365,
    description="The renewal window: our app counts as due when it expires within DAYS.",
    json_schema_extra={"metavar": "DAYS"},
)
NO_VERIFY = Field(
    False,
    description="Do not prove the new refresh token (no access token, no Sellers API call).",
)
