"""`recognise` on pages written apart from the simulator: each kind of docs/pages.md §1–§2, §6 in
markup the simulator does not serve, told by what its forms post to, its fields and headings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Route

from automation.browser import BrowserSession
from flows.signin.kinds import PageKind, recognise

HOST = "https://sellercentral.example.test"


def doc(body: str, head: str = "") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    )


PAGES: list[tuple[str, str, str, PageKind, str | None]] = [
    # (name, path, html, kind, detail)
    (
        "robot check in a table",
        "/gp/mws/registration/register.html",
        doc(
            '<table><tr><td><form action="/errors/validateCaptcha"><p>Type the characters</p>'
            '<input name="field-keywords"><input type="submit" value="Try"></form>'
            "</td></tr></table>"
        ),
        PageKind.CHALLENGE,
        "robot_check",
    ),
    (
        "continue shopping, absolute form action",
        "/home",
        doc(
            f'<form method="get" action="{HOST}/errors/validateCaptcha"><input type="hidden" '
            'name="field-keywords" value="X"><button>Continue shopping</button></form>'
        ),
        PageKind.CHALLENGE,
        "robot_check",
    ),
    (
        "captcha told by its heading only",
        "/ap/challenge",
        doc('<h2>Enter the characters you see below</h2><img src="data:,"><input name="guess">'),
        PageKind.CHALLENGE,
        "captcha",
    ),
    (
        "cvf code page without the known ids",
        "/ap/cvf/request",
        doc('<form action="/ap/cvf/verify"><label>Code <input name="code"></label></form>'),
        PageKind.CHALLENGE,
        "verification",
    ),
    (
        "approval page told by its form",
        "/ap/cvf/transactionapproval",
        doc('<form action="/ap/cvf/approval/poll" method="post"><h1>Approve</h1></form>'),
        PageKind.CHALLENGE,
        "approval",
    ),
    (
        "password reset without the known ids",
        "/ap/forgotpassword/reverification",
        doc(
            '<h1>Password reset required</h1><form action="/ap/reset"><input type="password" '
            'name="a" autocomplete="new-password"><input type="password" name="b" '
            'autocomplete="new-password"></form>'
        ),
        PageKind.CHALLENGE,
        "password_reset",
    ),
    (
        "passkey only, Japanese",
        "/ap/signin",
        doc('<h1>パスキーでサインイン</h1><button type="button">パスキーでサインイン</button>'),
        PageKind.CHALLENGE,
        "passkey",
    ),
    (
        "a WAF check that turned into a captcha",
        "/gp/home",
        doc(
            '<h1>Enter the characters you see</h1><div id="captcha-container"></div>',
            '<script src="https://x.token.awswaf.com/challenge.js"></script>',
        ),
        PageKind.CHALLENGE,
        "captcha",
    ),
    (
        "a silent WAF check",
        "/gp/home",
        doc(
            "<div id='c'></div>", '<script src="https://x.token.awswaf.com/challenge.js"></script>'
        ),
        PageKind.SILENT_CHECK,
        "waf",
    ),
    (
        "intent page with other wording",
        "/ap/signin",
        doc(
            '<h2>New here?</h2><form method="post" action="/ap/register"><button>Create your '
            "Amazon account</button></form>"
        ),
        PageKind.NOT_AN_ACCOUNT,
        None,
    ),
    (
        "device page with an error",
        "/ap/mfa/new-otp",
        doc(
            '<div id="auth-error-message-box"><ul><li>Too many attempts.</li></ul></div><form>'
            '<input type="radio" name="otpDeviceContext" value="a"></form>'
        ),
        PageKind.CHALLENGE,
        "otp_limit",
    ),
    (
        "switch accounts chooser",
        "/ap/signin",
        doc(
            '<a href="/ap/signin?x=1">Jane<br>jane@example.com</a>'
            '<a href="/ap/signin?add=1">Add account</a>'
        ),
        PageKind.SWITCH_ACCOUNTS,
        None,
    ),
    (
        "no permission in English, a div grid",
        "/apps/manage",
        doc(
            '<div role="alert"><div>Invalid Access: You do not have permissions to view this '
            "page</div></div>"
        ),
        PageKind.NOT_PERMITTED,
        None,
    ),
    (
        "MD1000 in English",
        "/apps/authorize/consent",
        doc(
            "<div><h3>Something went wrong</h3><p>The app is in draft.</p><p>App ID: amzn1.sp."
            "solution.x</p><p>Error code: MD1000</p></div>"
        ),
        PageKind.REFUSED,
        None,
    ),
    (
        "MD5101 in Japanese, full-width colon",
        "/apps/authorize/consent",
        doc("<section><p>エラーが発生しました</p><p>エラーコード：MD5101</p></section>"),
        PageKind.REFUSED,
        None,
    ),
    (
        "full-page switcher",
        "/account-switcher/default/merchantMarketplace",
        doc("<h1>Select account</h1><div role='button'>Shop</div>"),
        PageKind.CHOOSER,
        "switcher",
    ),
    (
        "an unknown sign-in page",
        "/ap/accountstatus",
        doc("<h1>Your account is on hold</h1>"),
        PageKind.UNKNOWN_SIGNIN,
        None,
    ),
    (
        "a Seller Central page",
        "/gp/account-manager/home.html",
        doc("<h1>ユーザー権限</h1><table><tr><td>x</td></tr></table>"),
        PageKind.SELLER_CENTRAL,
        None,
    ),
]


@pytest.fixture(scope="module")
def context(shared_browser: BrowserSession) -> Iterator[BrowserContext]:
    """One context for the module in the session's shared browser (the product's own
    session: no second Playwright loop)."""
    ctx = shared_browser.new_context(timeout_ms=5000)
    yield ctx
    ctx.close()


@pytest.mark.parametrize("path,html,kind,detail", [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_recognised_by_what_it_is(context: BrowserContext, path, html, kind, detail) -> None:
    def serve(route: Route) -> None:
        route.fulfill(status=503, body=html, content_type="text/html; charset=utf-8")

    page = context.new_page()
    page.route(f"{HOST}/**", serve)
    page.goto(HOST + path)
    found = recognise(page)
    assert (found.kind, found.detail if detail else None) == (kind, detail)
    if kind is PageKind.REFUSED:
        assert found.amazon_code in ("MD1000", "MD5101")
        assert found.amazon_code in (found.words or "")
    page.close()
