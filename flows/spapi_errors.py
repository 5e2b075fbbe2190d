"""The SP-API jobs' own errors: Amazon's answers on its error page and Login with Amazon's
(docs/spapi.md "Results and secrets"; each has a stable code, a message saying what to do)."""

from __future__ import annotations

from typing import Any

from automation.errors import SellerAuthError


class Refused(SellerAuthError):
    """Amazon refused the request on its error page (`Something went wrong`, `Error Code: MD…`).

    `amazon_code` is the code Amazon showed (e.g. `MD1000`), when it showed one.
    """

    code = "refused"
    exit_status = 5

    def __init__(self, message: str, *, amazon_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.amazon_code = amazon_code

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.amazon_code:
            data["amazon_code"] = self.amazon_code
        return data


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
