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
