"""The SP-API jobs' own errors: Amazon's answers on its error page and Login with Amazon's
(docs/spapi.md "Results and secrets"; each has a stable code, a message saying what to do)."""

from __future__ import annotations

from typing import Any

from automation.errors import SellerAuthError
from flows.errors import Refused

__all__ = [
    "AppCheckFailed",
    "ClientRejected",
    "CodeExpired",
    "Forbidden",
    "LwaInvalidClient",
    "LwaInvalidGrant",
    "Refused",
    "RelinkNeeded",
    "Throttled",
    "Unavailable",
]


class LwaInvalidGrant(SellerAuthError):
    """Login with Amazon refused the code or refresh token (`invalid_grant`): spent, expired,
    revoked, or issued for another redirect URI or app."""

    code = "lwa_invalid_grant"
    exit_status = 5


class LwaInvalidClient(SellerAuthError):
    """Login with Amazon refused the app's LWA client ID or secret (`invalid_client`)."""

    code = "lwa_invalid_client"
    exit_status = 5


class CodeExpired(SellerAuthError):
    """The authorization code may be older than its five minutes: it was never sent to LWA."""

    code = "code_expired"
    exit_status = 5


class AppCheckFailed(SellerAuthError):
    """`app-check` proved the stored refresh token does not work now; the code is the check's
    class (docs/spapi.md "app-check"). `checked_at` (UTC) and the client `secret` tried last
    (`current` or `next`) go with the error into the JSON output and the store."""

    def __init__(
        self, message: str, *, checked_at: str | None = None, secret: str | None = None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.checked_at = checked_at
        self.secret = secret

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.checked_at:
            data["checked_at"] = self.checked_at
        if self.secret:
            data["secret"] = self.secret
        return data


class RelinkNeeded(AppCheckFailed):
    """LWA refused the stored refresh token (`invalid_grant`): revoked by the seller, lapsed,
    or the seller's role changed. The seller must authorize again."""

    code = "relink_needed"
    exit_status = 5


class ClientRejected(AppCheckFailed):
    """LWA refused the app's client ID or secret (`invalid_client`), the next secret too."""

    code = "client_rejected"
    exit_status = 5


class Forbidden(AppCheckFailed):
    """The Sellers API answered 403 to the new access token: roles or region."""

    code = "forbidden"
    exit_status = 5


class Throttled(AppCheckFailed):
    """The Sellers API answered 429 on every try, `Retry-After` honoured between them."""

    code = "throttled"
    exit_status = 6


class Unavailable(AppCheckFailed):
    """LWA or the Sellers API answered 5xx or could not be reached (retried as transient)."""

    code = "unavailable"
    exit_status = 6
    retryable = True
