"""What the benchmark scripts know about the simulated Seller Central: paths, ids, selectors."""

from __future__ import annotations

import re
from datetime import date

DEVELOPER_ID = "5259-6479-4073"
DEVELOPER_NAME = "shippinno"
DEVELOPER_DIGITS = DEVELOPER_ID.replace("-", "")
HOME = "/gp/account-manager/home.html"
REGISTER = (
    "/gp/mws/registration/register.html?signInPageDisplayed=1"
    f"&developerName={DEVELOPER_NAME}&devMWSAccountId={DEVELOPER_DIGITS}"
)
RENEW_WITHIN_DAYS = 30

# Hard-coded selectors of the simulator's pages (the plain scripts' whole knowledge).
EMAIL = "#ap_email"
EMAIL_NEXT = "#continue"
PASSWORD = "#ap_password"
REMEMBER_ME = "#auth-remember-me-checkbox"
SIGN_IN = "#signInSubmit"
OTP = "#auth-mfa-otpcode"
REMEMBER_DEVICE = "#auth-mfa-remember-device"
OTP_SUBMIT = "#auth-signin-button"
CURRENT = "#mws-current-authorizations"
HISTORY = "#mws-authorization-history"
SELLER_ID = ".seller-id span:nth-child(2)"
GRANT = ".developer-buttons .a-button-primary"
DEV_NAME_FIELD = "#developerName"
DEV_ID_FIELD = "#devMWSAccountId"
FORM_SUBMIT = "main form button[type=submit]"
CONSENT_TEXT = ".consent-text"
CONSENT_BOXES = ("#consent-box-1", "#consent-box-2")
CREDENTIALS = ".credential .value"
EXPIRY_COLUMN = 4  # 1-based: 開発者 ID, ニックネーム, 付与日, 有効期限
RENEW_LABEL = "アクセス権を承認"

_JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def ja_date(text: str) -> date:
    """`2026年12月7日` as a date."""
    match = _JA_DATE.search(text)
    if match is None:
        raise ValueError(f"no date in {text!r}")
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def row_xpath(table_id: str) -> str:
    """Our developer's row in one table (for Selenium)."""
    return f"//*[@id='{table_id}']//tr[td[contains(., '{DEVELOPER_ID}')]]"


class Credentials:
    """One seller's sign-in, as the plain scripts get it."""

    __slots__ = ("email", "password", "totp_secret")

    def __init__(self, email: str, password: str, totp_secret: str) -> None:
        self.email = email
        self.password = password
        self.totp_secret = totp_secret
