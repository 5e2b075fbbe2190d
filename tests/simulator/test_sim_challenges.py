"""Human verification the bot must never solve, and interstitials it dismisses (docs/pages.md
§1)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from fixtures.simulator import Faults, paths
from fixtures.simulator.scenarios import DEMO_EMAIL, DEMO_PASSWORD
from fixtures.simulator.testing import button_texts, element, elements, page_text

REGISTER = paths.REGISTER + "?developerName=shippinno&devMWSAccountId=5259-6479-4073"

CHALLENGE_PAGES = {
    "captcha": paths.CAPTCHA,
    "email_code": paths.EMAIL_CODE,
    "robot_check": paths.ROBOT_CHECK,
    "app_approval": paths.APP_APPROVAL,
    "puzzle": paths.PUZZLE,
    "waf_challenge": paths.WAF_CHALLENGE,
}

# The flow's markers of human verification and of the sign-in steps (flows/signin/pages.py).
HUMAN_IDS = {
    "auth-captcha-image",
    "auth-captcha-guess",
    "captchacharacters",
    "verification-code-form",
    "input-box-otp",
    "pollingForm",
    "resend-approval-link",
    "cvf-aamation-challenge-iframe",
}
SIGNIN_IDS = {"ap_email", "ap_password", "signInSubmit", "auth-mfa-otpcode", "ap_email_login"}


def password_step(c, return_to=None):
    """Open sign-in (optionally for `return_to`), submit the e-mail and the right password."""
    c.get(paths.SIGNIN + (f"?openid.return_to={quote(return_to)}" if return_to else ""))
    c.post(paths.SIGNIN, {"email": DEMO_EMAIL})
    return c.post(paths.SIGNIN, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})


def through_mfa(c, return_to=None):
    """Sign in up to the end of two-step verification; the response after the OTP."""
    password_step(c, return_to)
    login = c.simulator.scenario.logins[0]
    return c.post(paths.MFA, {"otpCode": c.otp(login)})


def ids(html):
    return {a["id"] for _, a in elements(html) if a.get("id")}


def kinds(c):
    return [e["kind"] for e in c.simulator.event_snapshot() if e["kind"] != "request"]


class TestEveryChallenge:
    @pytest.mark.parametrize("kind", sorted(CHALLENGE_PAGES))
    def test_it_follows_the_password_and_is_recorded_once(self, make_client, kind):
        """Each challenge comes right after the password and is logged once, with the e-mail,
        however often its page loads."""
        c = make_client(faults=Faults(**{kind: True}))
        assert password_step(c).headers["Location"] == CHALLENGE_PAGES[kind]
        c.get(CHALLENGE_PAGES[kind])
        c.get(CHALLENGE_PAGES[kind])
        assert len(c.simulator.events_of(f"{kind}_shown")) == 1
        assert c.simulator.events_of(f"{kind}_shown")[0]["email"] == DEMO_EMAIL

    @pytest.mark.parametrize("kind", sorted(CHALLENGE_PAGES))
    def test_it_polls_and_waits_for_a_person(self, make_client, kind):
        """Each challenge page refreshes itself and waits: pending and unsolved, Seller Central
        still asks for sign-in, no sign-in succeeds."""
        c = make_client(faults=Faults(**{kind: True}))
        password_step(c)
        r = c.get(CHALLENGE_PAGES[kind])
        assert r.status_code in (200, 202)
        assert paths.CONTROL_CHALLENGE_STATUS in r.text
        assert '<meta http-equiv="refresh" content="1">' in r.text
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json == {"pending": True, "solved": False}
        assert c.get(paths.HOME).headers["Location"].startswith(paths.SIGNIN)
        assert c.simulator.events_of("signin_success") == []

    @pytest.mark.parametrize("kind", sorted(CHALLENGE_PAGES))
    def test_complete_challenge_lets_the_next_load_move_on(self, make_client, kind):
        """Once completed from outside, the challenge's next load goes on to two-step verification
        and `challenge_completed` names it."""
        c = make_client(faults=Faults(**{kind: True}))
        password_step(c)
        assert c.simulator.complete_challenge() == 1
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json["solved"] is True
        assert c.get(CHALLENGE_PAGES[kind]).headers["Location"] == paths.MFA
        (done,) = c.simulator.events_of("challenge_completed")
        assert done["challenge"] == kind
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json == {"pending": False, "solved": False}

    @pytest.mark.parametrize("kind", sorted(CHALLENGE_PAGES))
    def test_its_page_without_a_pending_challenge_goes_to_sign_in(self, make_client, kind):
        """A challenge page opened with no challenge pending redirects to sign-in."""
        c = make_client(faults=Faults(**{kind: True}))
        assert c.get(CHALLENGE_PAGES[kind]).headers["Location"] == paths.SIGNIN

    @pytest.mark.parametrize("kind", ["robot_check", "app_approval", "puzzle", "waf_challenge"])
    def test_the_english_page_is_english(self, make_client, kind):
        """With English sign-in pages the challenge page is in English, without a Japanese
        character."""
        c = make_client(signin_language="en", faults=Faults(**{kind: True}))
        password_step(c)
        r = c.get(CHALLENGE_PAGES[kind])
        assert '<html lang="en">' in r.text
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", page_text(r.text))

    def test_several_challenges_come_one_after_the_other(self, make_client):
        """Several challenges switched on come one after the other, each shown once, then two-step
        verification."""
        c = make_client(faults=Faults(robot_check=True, puzzle=True, waf_challenge=True))
        assert password_step(c).headers["Location"] == paths.ROBOT_CHECK
        c.simulator.complete_challenge()
        assert c.get(paths.ROBOT_CHECK).headers["Location"] == paths.PUZZLE
        assert c.simulator.complete_challenge() == 1
        assert c.get(paths.PUZZLE).headers["Location"] == paths.WAF_CHALLENGE
        c.simulator.complete_challenge()
        assert c.get(paths.WAF_CHALLENGE).headers["Location"] == paths.MFA
        shown = [k for k in kinds(c) if k.endswith("_shown")]
        assert shown == ["robot_check_shown", "puzzle_shown", "waf_challenge_shown"]

    def test_a_completed_challenge_ends_in_a_full_sign_in(self, make_client):
        """After a completed challenge and the OTP, the sign-in succeeds once and returns to the
        page asked for."""
        c = make_client(faults=Faults(app_approval=True))
        password_step(c, REGISTER)
        c.simulator.complete_challenge()
        r = c.get(paths.APP_APPROVAL)
        login = c.simulator.scenario.logins[0]
        r = c.post(r.headers["Location"], {"otpCode": c.otp(login)})
        assert r.headers["Location"] == REGISTER
        assert len(c.simulator.events_of("signin_success")) == 1


class TestRobotCheck:
    def test_the_page_has_the_characters_input_in_a_form_to_validate_captcha(self, make_client):
        """The robot check has Amazon's characters input in a form posting to itself, and none of
        the sign-in ids."""
        c = make_client(faults=Faults(robot_check=True))
        password_step(c)
        html = c.get(paths.ROBOT_CHECK).text
        chars = element(html, "captchacharacters")
        assert chars is not None and chars["name"] == "field-keywords"
        assert chars["type"] == "text"
        form = re.search(r"<form [^>]*>", html)
        assert form and f'action="{paths.ROBOT_CHECK}"' in form.group(0)
        assert "ショッピングを続ける" in button_texts(html)
        assert "ロボット" in page_text(html)
        assert not ids(html) & SIGNIN_IDS

    def test_a_guess_by_the_form_is_recorded_and_rejected(self, make_client):
        """A guess at the robot check, by GET or POST, is logged and refused; the challenge stays
        pending."""
        c = make_client(faults=Faults(robot_check=True))
        password_step(c)
        r = c.get(paths.ROBOT_CHECK + "?amzn=x&amzn-r=%2F&field-keywords=XKM7PQ")
        assert r.status_code == 200 and element(r.text, "captchacharacters")
        assert "確認が完了していません。" in page_text(r.text)
        r = c.post(paths.ROBOT_CHECK, {"field-keywords": "ABCDEF"})
        assert r.status_code == 200 and element(r.text, "captchacharacters")
        assert len(c.simulator.events_of("robot_check_guess")) == 2
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json["pending"] is True

    def test_a_guess_after_completion_is_still_recorded(self, make_client):
        """A guess sent after the challenge was completed is still logged, though the page moves
        on."""
        c = make_client(faults=Faults(robot_check=True))
        password_step(c)
        c.simulator.complete_challenge()
        r = c.get(paths.ROBOT_CHECK + "?field-keywords=XKM7PQ")
        assert r.headers["Location"] == paths.MFA
        assert len(c.simulator.events_of("robot_check_guess")) == 1

    def test_the_english_robot_check(self, make_client):
        """The English robot check asks for the characters and says it checks you are not a
        robot."""
        c = make_client(language="en", faults=Faults(robot_check=True))
        password_step(c)
        text = page_text(c.get(paths.ROBOT_CHECK).text)
        assert "Enter the characters you see below" in text
        assert "not a robot" in text


class TestAppApproval:
    def test_the_page_has_the_polling_form_and_the_resend_link(self, make_client):
        """The app approval page has the polling form, the resend link and the e-mail, and none of
        the sign-in ids."""
        c = make_client(signin_language="en", faults=Faults(app_approval=True))
        password_step(c)
        html = c.get(paths.APP_APPROVAL).text
        form = re.search(r'<form id="pollingForm"[^>]*>', html)
        assert form and f'action="{paths.APP_APPROVAL_POLL}"' in form.group(0)
        assert 'method="post"' in form.group(0)
        assert element(html, "resend-approval-link")["href"]
        text = page_text(html)
        assert "approve the sign-in in the Amazon app or by e-mail" in text
        assert DEMO_EMAIL in text
        assert not ids(html) & SIGNIN_IDS

    def test_the_japanese_page(self, make_client):
        """The Japanese app approval page asks to approve the sign-in in the Amazon app or by
        e-mail."""
        c = make_client(faults=Faults(app_approval=True))
        password_step(c)
        text = page_text(c.get(paths.APP_APPROVAL).text)
        assert "Amazonアプリまたは Eメールでサインインを承認" in text

    def test_the_poll_answers_the_page_until_approved_then_moves_on(self, make_client):
        """Polling answers the waiting page, without an error, until the approval is given, then
        moves on."""
        c = make_client(faults=Faults(app_approval=True))
        password_step(c)
        r = c.post(paths.APP_APPROVAL_POLL, {"transactionId": "sim-approval"})
        assert r.status_code == 200 and element(r.text, "pollingForm")
        assert element(r.text, "auth-error-message-box") is None
        c.simulator.complete_challenge()
        assert c.post(paths.APP_APPROVAL_POLL).headers["Location"] == paths.MFA

    def test_resending_is_recorded_and_approves_nothing(self, make_client):
        """Resending the approval is logged and approves nothing."""
        c = make_client(faults=Faults(app_approval=True))
        password_step(c)
        html = c.get(paths.APP_APPROVAL).text
        r = c.get(element(html, "resend-approval-link")["href"].replace("&amp;", "&"))
        assert r.status_code == 200 and element(r.text, "pollingForm")
        assert len(c.simulator.events_of("app_approval_resent")) == 1
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json["solved"] is False


class TestPuzzle:
    def test_the_page_has_the_puzzle_iframe_inside_the_captcha_modal(self, make_client):
        """The puzzle page holds the challenge iframe inside the captcha modal, and none of the
        sign-in ids."""
        c = make_client(faults=Faults(puzzle=True))
        password_step(c)
        html = c.get(paths.PUZZLE).text
        modal = re.search(r'<div class="amzn-captcha-modal"[^>]*>(.*?)</div>', html, re.S)
        assert modal and 'id="cvf-aamation-challenge-iframe"' in modal.group(1)
        assert "パズル" in page_text(html)
        assert not ids(html) & SIGNIN_IDS

    def test_the_iframe_loads_a_local_page_with_nothing_to_submit(self, make_client):
        """The puzzle's iframe is a local page with no form or input, and loading it solves
        nothing."""
        c = make_client(faults=Faults(puzzle=True))
        password_step(c)
        src = element(c.get(paths.PUZZLE).text, "cvf-aamation-challenge-iframe")["src"]
        assert src == paths.PUZZLE_FRAME
        frame = c.get(src)
        assert frame.status_code == 200 and frame.mimetype == "text/html"
        assert "<form" not in frame.text and "<input" not in frame.text
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json == {"pending": True, "solved": False}


class TestWafChallenge:
    def test_the_page_loads_an_awswaf_script_and_has_no_form(self, make_client):
        """The WAF challenge answers 202, loads one awswaf script and has no form."""
        c = make_client(faults=Faults(waf_challenge=True))
        password_step(c)
        r = c.get(paths.WAF_CHALLENGE)
        assert r.status_code == 202
        scripts = [a["src"] for tag, a in elements(r.text) if tag == "script" and a.get("src")]
        assert scripts == [paths.WAF_SCRIPT] and "awswaf" in scripts[0]
        assert "<form" not in r.text
        assert "ブラウザを確認しています" in page_text(r.text)

    def test_the_script_is_served_and_harmless(self, make_client):
        """The WAF script is served as JavaScript and cannot navigate, submit, fetch or touch
        cookies."""
        c = make_client(faults=Faults(waf_challenge=True))
        r = c.get(paths.WAF_SCRIPT)
        assert r.status_code == 200 and "javascript" in r.mimetype
        body = r.get_data(as_text=True)
        assert "AwsWafIntegration" in body
        for dangerous in ("fetch(", "XMLHttpRequest", "location", "eval(", "submit", "cookie"):
            assert dangerous not in body


def dismiss_link(html):
    """The add-a-phone page's skip link (href, text)."""
    m = re.search(
        r'<a id="ap-account-fixup-phone-skip-link"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html
    )
    assert m, "no skip link"
    return m.group(1).replace("&amp;", "&"), page_text(m.group(2))


class TestAddPhone:
    def test_it_comes_after_sign_in_succeeded_and_before_the_target(self, make_client):
        """Add-a-phone comes after the sign-in succeeded and before the page asked for; the session
        is already signed in."""
        c = make_client(faults=Faults(add_phone=True))
        r = through_mfa(c, REGISTER)
        assert r.headers["Location"] == paths.ADD_PHONE
        assert kinds(c)[-2:] == ["signin_success", "add_phone_shown"]
        assert c.get(paths.SIGNIN).headers["Location"] == paths.HOME  # signed in already

    def test_the_page_has_the_skip_link_a_phone_input_and_an_add_button(self, make_client):
        """The add-a-phone page has the `後で` link, a phone input and the add button, no challenge
        or sign-in id, and is logged once."""
        c = make_client(faults=Faults(add_phone=True))
        through_mfa(c)
        html = c.get(paths.ADD_PHONE).text
        href, text = dismiss_link(html)
        assert text == "後で" and href.startswith(paths.ADD_PHONE)
        phone = element(html, "ap-account-fixup-phone-number")
        assert phone["type"] == "tel" and phone["name"] == "cvf_phone_num"
        assert element(html, "ap-account-fixup-phone-add-button")["value"] == "携帯電話番号を追加"
        assert not ids(html) & (HUMAN_IDS | SIGNIN_IDS)
        c.get(paths.ADD_PHONE)
        assert len(c.simulator.events_of("add_phone_shown")) == 1

    def test_the_skip_link_dismisses_it_and_returns_to_the_target(self, make_client):
        """The skip link dismisses the page (logged with the e-mail), adds no phone and returns to
        the page asked for."""
        c = make_client(faults=Faults(add_phone=True))
        through_mfa(c, REGISTER)
        href, _ = dismiss_link(c.get(paths.ADD_PHONE).text)
        assert c.get(href).headers["Location"] == REGISTER
        (dismissed,) = c.simulator.events_of("add_phone_dismissed")
        assert dismissed["email"] == DEMO_EMAIL
        assert c.simulator.events_of("add_phone_submitted") == []
        assert c.get(paths.ADD_PHONE).headers["Location"] == paths.HOME

    def test_once_dismissed_the_next_sign_in_goes_straight_on(self, make_client):
        """Once dismissed, add-a-phone does not come again at the next sign-in."""
        c = make_client(faults=Faults(add_phone=True))
        through_mfa(c)
        c.get(dismiss_link(c.get(paths.ADD_PHONE).text)[0])
        c.get(paths.SIGNOUT)
        c.simulator.clock.advance(30)
        assert through_mfa(c, REGISTER).headers["Location"] == REGISTER
        assert len(c.simulator.events_of("add_phone_shown")) == 1

    def test_left_alone_it_comes_again_at_the_next_sign_in(self, make_client):
        """Left alone, add-a-phone comes again at the next sign-in."""
        c = make_client(faults=Faults(add_phone=True))
        through_mfa(c)
        c.simulator.expire_sessions()
        c.simulator.clock.advance(30)
        assert through_mfa(c).headers["Location"] == paths.ADD_PHONE
        assert len(c.simulator.events_of("add_phone_shown")) == 2

    def test_adding_a_phone_is_recorded(self, make_client):
        """Adding a phone is logged with the number and returns to the page asked for."""
        c = make_client(faults=Faults(add_phone=True))
        through_mfa(c, REGISTER)
        r = c.post(paths.ADD_PHONE, {"cvf_phone_num": "090-1234-5678"})
        assert r.headers["Location"] == REGISTER
        (added,) = c.simulator.events_of("add_phone_submitted")
        assert added["phone"] == "090-1234-5678"
        assert c.simulator.events_of("add_phone_dismissed") == []

    def test_the_english_page_says_not_now(self, make_client):
        """The English add-a-phone page says `Not now` and `Add mobile number`."""
        c = make_client(signin_language="en", faults=Faults(add_phone=True))
        through_mfa(c)
        html = c.get(paths.ADD_PHONE).text
        assert dismiss_link(html)[1] == "Not now"
        assert element(html, "ap-account-fixup-phone-add-button")["value"] == "Add mobile number"

    def test_with_several_accounts_the_picker_comes_after_it(self, make_client):
        """For a login with several accounts the picker comes after add-a-phone is dismissed."""
        c = make_client("picker", faults=Faults(add_phone=True))
        assert through_mfa(c).headers["Location"] == paths.ADD_PHONE
        r = c.get(paths.ADD_PHONE + "?action=skip")
        assert r.headers["Location"] == paths.PICKER + "?returnTo=" + quote(paths.HOME, safe="")

    def test_not_signed_in_the_page_goes_to_sign_in(self, make_client):
        """Without a session add-a-phone redirects to sign-in and records no phone."""
        c = make_client(faults=Faults(add_phone=True))
        assert c.get(paths.ADD_PHONE).headers["Location"] == paths.SIGNIN
        assert c.post(paths.ADD_PHONE, {"cvf_phone_num": "1"}).headers["Location"] == (paths.SIGNIN)
        assert c.simulator.events_of("add_phone_submitted") == []


class TestPasskeyNudge:
    def test_it_is_an_ap_page_with_not_now_and_create_a_passkey(self, make_client):
        """The passkey nudge is an /ap/ page after the sign-in with `後で`, `パスキーを作成` and a
        close button, and no challenge or sign-in id."""
        c = make_client(faults=Faults(passkey_nudge=True))
        assert through_mfa(c).headers["Location"] == paths.PASSKEY_NUDGE
        assert paths.PASSKEY_NUDGE.startswith("/ap/")
        html = c.get(paths.PASSKEY_NUDGE).text
        assert "後で" in button_texts(html) and "パスキーを作成" in button_texts(html)
        assert 'aria-label="閉じる"' in html
        assert "ハッカー" in page_text(html)
        assert not ids(html) & (HUMAN_IDS | SIGNIN_IDS)
        assert kinds(c)[-2:] == ["signin_success", "passkey_nudge_shown"]

    @pytest.mark.parametrize("action", ["skip", "close"])
    def test_not_now_or_close_dismisses_it(self, make_client, action):
        """`Not now` or closing dismisses the nudge, logged with which, creates no passkey and
        returns to the page asked for."""
        c = make_client(faults=Faults(passkey_nudge=True))
        through_mfa(c, REGISTER)
        r = c.post(paths.PASSKEY_NUDGE, {"action": action})
        assert r.headers["Location"] == REGISTER
        (dismissed,) = c.simulator.events_of("passkey_nudge_dismissed")
        assert dismissed["via"] == action
        assert c.simulator.events_of("passkey_created") == []

    def test_creating_a_passkey_is_recorded(self, make_client):
        """Creating a passkey is logged and is not a dismissal."""
        c = make_client(faults=Faults(passkey_nudge=True))
        through_mfa(c)
        assert c.post(paths.PASSKEY_NUDGE, {"action": "create"}).headers["Location"] == (paths.HOME)
        assert len(c.simulator.events_of("passkey_created")) == 1
        assert c.simulator.events_of("passkey_nudge_dismissed") == []

    def test_the_english_nudge(self, make_client):
        """The English nudge says `Not now`, `Create a passkey` and `Keep hackers out`."""
        c = make_client(language="en", faults=Faults(passkey_nudge=True))
        through_mfa(c)
        html = c.get(paths.PASSKEY_NUDGE).text
        assert {"Not now", "Create a passkey"} <= set(button_texts(html))
        assert "Keep hackers out" in page_text(html)

    def test_a_get_without_an_action_only_shows_it(self, make_client):
        """Loading the nudge without an action neither dismisses it nor creates a passkey."""
        c = make_client(faults=Faults(passkey_nudge=True))
        through_mfa(c)
        assert c.get(paths.PASSKEY_NUDGE).status_code == 200
        assert c.simulator.events_of("passkey_nudge_dismissed") == []
        assert c.simulator.events_of("passkey_created") == []


class TestInterstitialsTogether:
    def test_add_phone_then_the_passkey_nudge_then_the_target(self, make_client):
        """With both on, add-a-phone comes first, then the passkey nudge, then the page asked for,
        each logged in that order."""
        c = make_client(faults=Faults(add_phone=True, passkey_nudge=True))
        assert through_mfa(c, REGISTER).headers["Location"] == paths.ADD_PHONE
        r = c.get(paths.ADD_PHONE + "?action=skip")
        assert r.headers["Location"] == paths.PASSKEY_NUDGE
        assert c.get(paths.ADD_PHONE).headers["Location"] == paths.PASSKEY_NUDGE
        assert c.post(paths.PASSKEY_NUDGE, {"action": "skip"}).headers["Location"] == REGISTER
        assert [k for k in kinds(c) if k.startswith(("add_phone", "passkey"))] == [
            "add_phone_shown",
            "add_phone_dismissed",
            "passkey_nudge_shown",
            "passkey_nudge_dismissed",
        ]

    def test_they_come_after_the_challenges(self, make_client):
        """Interstitials come after a challenge and the OTP, not before."""
        c = make_client(faults=Faults(captcha=True, add_phone=True))
        password_step(c)
        c.simulator.complete_challenge()
        login = c.simulator.scenario.logins[0]
        c.get(paths.CAPTCHA)
        assert c.post(paths.MFA, {"otpCode": c.otp(login)}).headers["Location"] == (paths.ADD_PHONE)
        assert c.simulator.complete_challenge() == 0

    def test_the_test_client_sign_in_dismisses_them(self, make_client):
        """The test client's sign-in dismisses both interstitials, once each, and lands on the page
        asked for."""
        c = make_client(faults=Faults(add_phone=True, passkey_nudge=True))
        assert "Amazon MWS 開発者権限" in page_text(c.sign_in(REGISTER).text)
        assert len(c.simulator.events_of("add_phone_dismissed")) == 1
        assert len(c.simulator.events_of("passkey_nudge_dismissed")) == 1

    def test_a_signed_in_browser_may_also_just_go_elsewhere(self, make_client):
        """A signed-in session may leave the nudge unanswered and open another page."""
        c = make_client(faults=Faults(passkey_nudge=True))
        through_mfa(c)
        assert c.get(paths.HOME).status_code == 200


class TestKnobsAreOffByDefault:
    def test_no_challenge_nor_interstitial_by_default(self, make_client):
        """Every challenge and interstitial is off by default: sign-in goes straight to the page
        asked for."""
        faults = Faults()
        for kind in [*CHALLENGE_PAGES, "add_phone", "passkey_nudge"]:
            assert getattr(faults, kind) is False
        c = make_client()
        assert through_mfa(c, REGISTER).headers["Location"] == REGISTER

    def test_the_control_index_lists_the_knobs_and_their_pages(self, make_client):
        """The control index lists each knob with its page and whether it is on, and the event
        kinds."""
        c = make_client(faults=Faults(robot_check=True, passkey_nudge=True))
        html = c.get(paths.CONTROL + "/").text
        for kind, path in [*CHALLENGE_PAGES.items(), ("add_phone", paths.ADD_PHONE)]:
            assert f"<code>{kind}</code>" in html and f"<code>{path}</code>" in html
        row = re.search(r"<tr><td><code>robot_check</code></td><td>(\w+)</td>", html)
        assert row and row.group(1) == "on"
        assert "<code>passkey_nudge_dismissed</code>" in html
