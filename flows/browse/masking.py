"""What to paint over in any screenshot of Seller Central: passwords, OTPs and MWS tokens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


_TOKEN_TEXT = re.compile(r"amzn\.mws\.")


def secret_fields(page: Page) -> list[Locator]:
    """Password and OTP inputs, and every element showing an MWS auth token."""
    return [
        page.locator("input[type=password], input#ap_password, input#auth-mfa-otpcode"),
        page.locator("input[name=otpCode], input#input-box-otp"),
        page.get_by_text(_TOKEN_TEXT),
    ]
