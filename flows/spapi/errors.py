"""The SP-API jobs' own errors: Amazon's answers on its error page and Login with Amazon's
(docs/spapi.md "Results and secrets"; each has a stable code, a message saying what to do)."""

from __future__ import annotations

from automation.errors import SellerAuthError
from flows.errors import Refused

__all__ = ["CodeExpired", "LwaInvalidClient", "LwaInvalidGrant", "Refused"]


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
