"""Seller Central's own answers that refuse the job: the page says why, so they are errors of
their own, never retried and never `page_changed` (docs/pages.md §2 and §6)."""

from __future__ import annotations

from typing import Any

from automation.errors import SellerAuthError


class Refused(SellerAuthError):
    """Amazon refused the developer or app (`Something went wrong`, `Error Code: MD9000`...).

    `amazon_code` is the code Amazon showed, when it showed one (docs/pages.md §6, refusals).
    """

    code = "refused"
    exit_status = 5

    def __init__(self, message: str, *, amazon_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.amazon_code = amazon_code

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if not self.amazon_code:
            return data
        # Amazon's code right after the message: {"code", "message", "amazon_code", "url", ...}
        head = {"code": data.pop("code"), "message": data.pop("message")}
        return {**head, "amazon_code": self.amazon_code, **data}


# What each of Amazon's codes means and what the operator does about it (docs/pages.md §6).
MD_ADVICE: dict[str, str] = {
    "MD1000": "the app is a draft: a draft app needs SELLERAUTH_APP_DRAFT=1 (the consent URL "
    "then carries version=beta), or publish the app",
    "MD5101": "the redirect URI is not registered for the app: add SELLERAUTH_REDIRECT_URI to "
    "the app's OAuth redirect URIs in Developer Central, or set it to a registered one",
    "MD5110": "the redirect URI is not valid (a '#' or a malformed URI): register and "
    "configure one without a fragment",
    "MD9000": "the developer is not eligible for new authorizations: the developer must "
    "settle it with Amazon (Developer Central, Developer Support); the seller can do nothing",
    "MD9100": "the app has no login URI and no redirect URI registered: add them to the app "
    "in Developer Central",
    "MD4100": "Amazon cannot find the app: check SELLERAUTH_APP_ID (the app ID, not the LWA "
    "client ID) and that the app is registered for this region",
    "MD9999": "Amazon gave no reason: run again later; if it stays, open the consent URL with "
    "--headed and report the code to Seller Support",
}
