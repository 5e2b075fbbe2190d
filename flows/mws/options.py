"""What every MWS job's options hold besides the command line's: the seller ID an earlier run
read for this account, set by `prepare_known_seller` before a browser starts (private: never an
option, never recorded with the run). A job reading another seller ID on the permissions screen
stops with `wrong_account`, nothing clicked (docs/pages.md "When the page cannot be read, do
nothing")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Self, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.settings import Settings
    from automation.store import Store


class SellerOptions(BaseModel):
    """Options of a job on the permissions screen (none of its own: `register`, `status`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    _known_seller_id: str | None = PrivateAttr(default=None)

    def knowing(self, seller_id: str | None) -> Self:
        """A copy of these options that knows the account's seller ID."""
        copy = self.model_copy()
        copy._known_seller_id = seller_id
        return copy

    @property
    def known_seller_id(self) -> str | None:
        """The seller ID the last successful run of this account read, if any."""
        return self._known_seller_id


SellerOptionsT = TypeVar("SellerOptionsT", bound=SellerOptions)


def _same_login(identity: str | None, account: AccountProfile) -> bool:
    """Whether a result recorded as signed in as `identity` (None: before identities were
    kept) was signed in with `account`'s e-mail."""
    if identity is None:
        return True
    return bool(json.loads(identity).get("email") == account.session_identity().get("email"))


def prepare_known_seller(
    options: SellerOptionsT, settings: Settings, account: AccountProfile, store: Store | None
) -> SellerOptionsT:
    """The options knowing the seller ID the store last read for `account` (from any job's
    successful result); unchanged without a store or an earlier reading."""
    if store is None:
        return options
    seen = [
        record.data["seller_id"]
        for record in store.account_results(account.name)
        if record.state == "done"
        and record.data
        and record.data.get("seller_id")
        # Read signed in with this same e-mail: another seller's run left under this account
        # name (the e-mail changed) says nothing of this seller. (The same login on another
        # host, or choosing another account, is still held to it: wrong_account.)
        and _same_login(record.identity, account)
    ]
    return options.knowing(seen[-1]) if seen else options
