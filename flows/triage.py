"""What an error most likely means, who can fix it and the next step (docs/errors.md
"Triage"): the site's facts, handed to the engine as `Site.triage`, so every error result
carries `triage: {cause, owner, next_step}`.

`TRIAGE` holds one entry per error code; `refused` has one per Amazon code (`REFUSED`), the
entry under `refused` itself standing for a code not listed. `tests/test_triage.py` checks
every error code of the program has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

Owner = Literal["the seller's primary user", "the operations team", "the developer of the app"]
SELLER: Owner = "the seller's primary user"
OPS: Owner = "the operations team"
DEVELOPER: Owner = "the developer of the app"


@dataclass(frozen=True)
class Triage:
    """One error's likely cause (a sentence), its owner, and the next step (a command, or
    what to ask the seller)."""

    cause: str
    owner: Owner
    next_step: str


T = Triage

TRIAGE: dict[str, Triage] = {
    "needs_person": T(
        "Amazon asked for something only a person may give: a captcha, an e-mailed code, an "
        "approval.",
        OPS,
        "Run the command the error names (`--assist`) and finish in the browser window.",
    ),
    "login_failed": T(
        "Amazon refused the e-mail, the password or the one-time password: changed, or the "
        "TOTP secret is not this login's.",
        OPS,
        "Ask the seller for the current password or TOTP secret; then `sellerauth accounts "
        "check` and run the job again.",
    ),
    "not_permitted": T(
        "The login is not the primary user and lacks the right to the page (`Invalid Access`).",
        SELLER,
        "Ask the seller to sign in as the primary user, or to give this login the Manage Your "
        "Apps / user-permissions right.",
    ),
    "refused": T(
        "Amazon's `Something went wrong` page with a code this table does not know.",
        DEVELOPER,
        "Run the job again later; if it stays, report the code to Amazon's developer support.",
    ),
    "wrong_developer": T(
        "The page names another developer or app than the configured one: a wrong setting, "
        "or the consent link leads elsewhere.",
        OPS,
        "Check SELLERAUTH_DEVELOPER_NAME / SELLERAUTH_APP_NAME / SELLERAUTH_APP_ID against "
        "Developer Central; nothing was consented.",
    ),
    "wrong_account": T(
        "Seller Central shows another account or seller ID than the one configured.",
        OPS,
        "Check the account's e-mail, account_name and marketplace; `sellerauth session clear "
        "--account NAME` if an old session is in the way.",
    ),
    "page_changed": T(
        "A page did not read as expected (a new layout, an unknown step): nothing was clicked.",
        OPS,
        "Look at the screenshot in the error; run again with `--evidence DIR`; report it with "
        "the evidence if it stays.",
    ),
    "busy": T(
        "Another sellerauth run holds this account's lock.",
        OPS,
        "Wait for the other run (`sellerauth history`), then run the account again.",
    ),
    "timeout": T(
        "A page or element did not arrive in time: the site or the network was slow.",
        OPS,
        "Run again; if it recurs, raise SELLERAUTH_TIMEOUT_MS or lower the batch concurrency.",
    ),
    "site_unavailable": T(
        "Seller Central or Login with Amazon answered a server error or dropped the connection.",
        OPS,
        "Run again later (`sellerauth batch JOB --only NAMES`); check Amazon's status if many "
        "accounts fail at once.",
    ),
    "lwa_invalid_grant": T(
        "Login with Amazon refused the code or refresh token: spent, expired, revoked by the "
        "seller, or issued for another app.",
        SELLER,
        "Ask the seller to keep the app authorized, then `sellerauth authorize --account NAME`.",
    ),
    "lwa_invalid_client": T(
        "Login with Amazon refused the app's client ID or secret: the secret was rotated or "
        "expired.",
        DEVELOPER,
        "Take the current client secret from Developer Central into SELLERAUTH_LWA_CLIENT_SECRET "
        "(or _NEXT during a rotation), then run again.",
    ),
    "relink_needed": T(
        "The stored refresh token no longer works (invalid_grant): the seller revoked the app, "
        "the authorization lapsed after 365 days, or the seller's role changed.",
        SELLER,
        "`sellerauth app-renew --account NAME` (or `authorize`); if the seller revoked it, ask "
        "them whether they mean to keep the app.",
    ),
    "client_rejected": T(
        "Login with Amazon refused our client secret (invalid_client), the next one too: the "
        "180-day rotation was missed or the secret is mistyped.",
        DEVELOPER,
        "Set the new secret from Developer Central as SELLERAUTH_LWA_CLIENT_SECRET_NEXT, then "
        "`sellerauth batch app-check`.",
    ),
    "forbidden": T(
        "The Sellers API answered 403: the app lacks the role, or the endpoint is not the "
        "seller's region.",
        DEVELOPER,
        "Check the app's roles in Developer Central and SELLERAUTH_SPAPI_ENDPOINT for the "
        "account's marketplace.",
    ),
    "throttled": T(
        "The Sellers API answered 429 on every try: too many calls for its rate limit.",
        OPS,
        "Run `sellerauth batch app-check --only NAMES` later, or with a lower --concurrency.",
    ),
    "unavailable": T(
        "Login with Amazon or the Sellers API answered 5xx or could not be reached.",
        OPS,
        "Run `sellerauth batch app-check` again later; check the network and Amazon's status.",
    ),
    "not_authorized": T(
        "Our developer or app has no authorization on this account (or no stored token).",
        OPS,
        "`sellerauth register` (MWS) or `sellerauth authorize` (SP-API) for the account.",
    ),
    "not_confirmed": T(
        "An action was taken but its effect did not show, or the new token did not work.",
        OPS,
        "Run the job's status command (`status`, `app-status`) to see what holds, then again.",
    ),
    "code_expired": T(
        "The authorization code may be older than its five minutes: it was not sent.",
        OPS,
        "Run `sellerauth authorize --account NAME` again.",
    ),
    "invalid_input": T(
        "A setting, option or the accounts file is wrong or missing.",
        OPS,
        "`sellerauth accounts check`, fix what it names, run again.",
    ),
    "key_missing": T(
        "The store key is gone while the store holds encrypted tokens.",
        OPS,
        "Restore the key (SELLERAUTH_STORE_KEY or the key file) from a backup.",
    ),
    "browser_not_found": T(
        "No Chromium to drive on this machine.",
        OPS,
        "`playwright install chromium` or set SELLERAUTH_BROWSER_PATH; `sellerauth doctor`.",
    ),
    "no_display": T(
        "A browser window was asked for, but there is no display.",
        OPS,
        "Run on a machine with a display, or without --headed/--assist.",
    ),
    "interrupted": T(
        "The run was stopped (Ctrl-C or SIGTERM).",
        OPS,
        "`sellerauth batch JOB --resume RUN_ID`, or run the account again.",
    ),
    "store_failed": T(
        "The store could not be written (disk full, read-only, locked).",
        OPS,
        "Free the disk or fix the state directory's permissions; `sellerauth doctor`.",
    ),
    "internal": T(
        "A bug of sellerauth.",
        OPS,
        "Report it with the log (`--debug` shows the traceback).",
    ),
}

REFUSED: dict[str, Triage] = {
    "MD1000": T(
        "The app is a draft and consent was asked without `version=beta`.",
        DEVELOPER,
        "Set SELLERAUTH_APP_DRAFT=1 while the app is a draft, or publish it.",
    ),
    "MD5101": T(
        "The redirect URI is not registered for the app.",
        DEVELOPER,
        "Register SELLERAUTH_REDIRECT_URI exactly in Developer Central (Edit App).",
    ),
    "MD5110": T(
        "The redirect URI is invalid (it holds `#` or is malformed).",
        DEVELOPER,
        "Use an https redirect URI without `#`, registered for the app.",
    ),
    "MD9000": T(
        "The developer is not eligible for new authorizations.",
        DEVELOPER,
        "The developer settles it with Amazon (Developer Central, support case).",
    ),
    "MD9100": T(
        "The app has neither a login URI nor a redirect URI.",
        DEVELOPER,
        "Add an OAuth redirect URI (and the login URI if used) to the app.",
    ),
    "MD4100": T(
        "Amazon does not find the app: a wrong app ID or another region.",
        DEVELOPER,
        "Check SELLERAUTH_APP_ID and the account's marketplace (region).",
    ),
    "MD9999": T(
        "Amazon gave no reason.",
        DEVELOPER,
        "Run again later; if it stays, report the code to Amazon's developer support.",
    ),
}


# `site_unavailable` with a `host` (automation.errors.SiteUnreachable): the host could not be
# reached at all, which a later run fixes only once a setting or the network is.
UNREACHABLE = T(
    "The host could not be reached at all (its name does not resolve, or the connection was "
    "refused): a wrong base URL or token URL, a simulator not running, or no network.",
    OPS,
    "Check the host and the setting the message names (--base-url / SELLERAUTH_BASE_URL, "
    "SELLERAUTH_LWA_TOKEN_URL) and the network; `sellerauth doctor` tries every base URL.",
)


def triage_of(error: Mapping[str, Any]) -> dict[str, str] | None:
    """The triage of an error's JSON form (`{"code", "amazon_code"?, "host"?, ...}`):
    `{cause, owner, next_step}`; None for a code this table does not know."""
    code = str(error.get("code", ""))
    found = TRIAGE.get(code)
    if code == "refused":
        found = REFUSED.get(str(error.get("amazon_code") or ""), found)
    if code == "site_unavailable" and error.get("host"):
        found = UNREACHABLE
    return asdict(found) if found is not None else None
