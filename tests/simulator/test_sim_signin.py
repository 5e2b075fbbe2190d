"""The sign-in pages: variants, errors, two-step verification, challenges and sessions."""

from __future__ import annotations

import re

import pyotp
import pytest

from fixtures.simulator import Faults, Login, Seller, paths
from fixtures.simulator.scenarios import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET
from fixtures.simulator.sessions import DEVICE_COOKIE
from fixtures.simulator.testing import FakeClock, button_texts, element, page_text

REGISTER = paths.REGISTER + "?developerName=shippinno&devMWSAccountId=5259-6479-4073"


def password_step(c, email=DEMO_EMAIL, password=DEMO_PASSWORD, **extra):
    c.post(paths.SIGNIN, {"email": email})
    return c.post(paths.SIGNIN, {"email": email, "password": password, **extra})


class TestRedirectToSignin:
    def test_a_seller_central_page_without_a_session_redirects_to_signin_with_return_to(
        self, make_client
    ):
        """A Seller Central page without a session redirects to sign-in carrying the page, query
        included, as return_to."""
        c = make_client()
        r = c.get(REGISTER)
        assert r.status_code == 302
        assert r.headers["Location"].startswith("/ap/signin?openid.return_to=")
        assert "developerName%3Dshippinno" in r.headers["Location"]

    def test_the_root_leads_to_the_permissions_page(self, make_client):
        """The root redirects to the permissions page."""
        c = make_client()
        assert c.get("/").headers["Location"] == paths.HOME

    def test_after_signin_the_browser_lands_on_the_page_it_asked_for(self, make_client):
        """After signing in the browser lands on the page it asked for."""
        c = make_client()
        r = c.sign_in(REGISTER)
        assert r.status_code == 200
        assert "Amazon MWS 開発者権限" in page_text(r.text)
        assert c.simulator.events_of("request")[-1]["path"] == paths.REGISTER

    def test_a_return_to_on_another_host_is_ignored(self, make_client):
        """A return_to on another host is ignored: the sign-in ends on the permissions page."""
        c = make_client()
        c.get(paths.SIGNIN + "?openid.return_to=https://evil.example/x")
        r = password_step(c, c.simulator.scenario.logins[0].email)
        r = c.post(paths.MFA, {"otpCode": c.otp(c.simulator.scenario.logins[0])})
        assert r.headers["Location"] == paths.HOME


class TestTwoStepSignin:
    def test_the_email_step_has_the_form_the_email_input_and_continue(self, make_client):
        """The e-mail step has the sign-in form, the labelled e-mail input and `次へ進む`."""
        c = make_client()
        html = c.get(paths.SIGNIN).text
        assert '<form name="signIn"' in html
        assert element(html, "ap_email")["type"] == "email"
        assert element(html, "continue")["value"] == "次へ進む"
        assert (
            '<label for="ap_email" class="a-form-label">Eメールまたは携帯電話番号</label>' in html
        )

    def test_a_known_email_leads_to_the_password_step_showing_the_email(self, make_client):
        """A known e-mail leads to the password step, which shows the e-mail, and the step is logged
        as ok."""
        c = make_client()
        c.get(paths.SIGNIN)
        html = c.post(paths.SIGNIN, {"email": DEMO_EMAIL}).text
        assert element(html, "ap_email")["type"] == "hidden"
        assert element(html, "ap_email")["value"] == DEMO_EMAIL
        assert f'<span id="auth-email-claim">{DEMO_EMAIL}</span>' in html
        assert element(html, "ap_password")["name"] == "password"
        assert element(html, "signInSubmit")["value"] == "ログイン"
        assert element(html, "auth-remember-me-checkbox")["name"] == "rememberMe"
        assert c.simulator.events_of("signin_email") == [
            {
                "kind": "signin_email",
                "time": c.simulator.clock.time(),
                "email": DEMO_EMAIL,
                "ok": True,
            }
        ]

    def test_the_password_step_carries_a_passkey_button_also_called_continue(self, make_client):
        """The password step has a passkey button whose id is also `continue`."""
        c = make_client()
        html = c.post(paths.SIGNIN, {"email": DEMO_EMAIL}).text
        assert '<button id="continue" type="submit"' in html
        assert button_texts(html) == ["パスキーでサインイン"]

    def test_submitting_the_passkey_form_records_it_and_shows_an_error(self, make_client):
        """Using the passkey button is logged, shows an error with the password input, and signs
        nobody in."""
        c = make_client()
        c.post(paths.SIGNIN, {"email": DEMO_EMAIL})
        r = c.post(paths.SIGNIN, {"passkeySignIn": "1"})
        assert "auth-error-message-box" in r.text
        assert element(r.text, "ap_password") is not None
        assert c.simulator.events_of("passkey_clicked")[0]["email"] == DEMO_EMAIL
        assert not c.simulator.events_of("signin_success")

    def test_the_right_password_moves_on_to_two_step_verification(self, make_client):
        """The right password leads to two-step verification and is logged as ok."""
        c = make_client()
        r = password_step(c)
        assert r.status_code == 302 and r.headers["Location"] == paths.MFA
        assert c.simulator.events_of("signin_password")[0]["ok"] is True

    def test_a_login_without_two_step_verification_is_signed_in_after_the_password(
        self, make_client
    ):
        """A login without two-step verification is signed in after the password and sent to
        return_to."""
        c = make_client("no-2sv")
        c.get(paths.SIGNIN + "?openid.return_to=" + paths.HOME)
        r = password_step(c)
        assert r.headers["Location"] == paths.HOME
        assert c.simulator.events_of("signin_success")[0]["email"] == DEMO_EMAIL

    def test_the_signin_pages_follow_the_signin_language(self, make_client):
        """The sign-in pages follow the scenario's sign-in language."""
        c = make_client(signin_language="en")
        html = c.get(paths.SIGNIN).text
        assert "Email or mobile phone number" in html
        assert element(html, "continue")["value"] == "Continue"
        html = c.post(paths.SIGNIN, {"email": DEMO_EMAIL}).text
        assert "Sign in with a passkey" in html and "Keep me signed in" in html


class TestOnePageSignin:
    def test_email_password_and_sign_in_stand_on_one_page(self, make_client):
        """The one-page variant has e-mail, password and sign-in on one page, and no `continue`."""
        c = make_client(signin_variant="one_page")
        html = c.get(paths.SIGNIN).text
        assert element(html, "ap_email")["type"] == "email"
        assert element(html, "ap_password") is not None
        assert element(html, "signInSubmit") is not None
        assert element(html, "continue") is None

    def test_one_submit_signs_in(self, make_client):
        """On the one-page variant one submit signs in."""
        c = make_client("no-2sv", signin_variant="one_page")
        c.get(paths.SIGNIN)
        r = c.post(
            paths.SIGNIN, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "rememberMe": "true"}
        )
        assert r.headers["Location"] == paths.HOME

    def test_a_wrong_password_shows_the_one_page_form_again_with_the_error(self, make_client):
        """A wrong password on the one-page variant shows the form again with the error and the
        e-mail kept."""
        c = make_client(signin_variant="one_page")
        r = c.post(paths.SIGNIN, {"email": DEMO_EMAIL, "password": "nope"})
        assert "パスワードが正しくありません" in page_text(r.text)
        assert element(r.text, "ap_email")["value"] == DEMO_EMAIL


class TestUnifiedSignin:
    def test_the_unified_form_has_its_own_ids_and_a_span_continue(self, make_client):
        """The unified variant has its own form and e-mail ids and a `continue` that is a span."""
        c = make_client(signin_variant="unified")
        html = c.get(paths.SIGNIN).text
        assert '<form id="ap_login_form"' in html
        assert element(html, "ap_email_login")["type"] == "email"
        assert element(html, "continue")["class"].startswith("a-button")
        assert '<span id="continue" ' in html
        assert 'aria-labelledby="continue-announce"' in html

    def test_the_unified_email_step_leads_to_the_usual_password_step(self, make_client):
        """The unified e-mail step leads to the usual password step."""
        c = make_client(signin_variant="unified")
        html = c.post(paths.SIGNIN, {"email": DEMO_EMAIL}).text
        assert element(html, "auth-email-claim") is not None
        assert element(html, "signInSubmit") is not None

    def test_the_whole_unified_sign_in_works(self, make_client):
        """A whole sign-in through the unified variant reaches Seller Central."""
        c = make_client(signin_variant="unified")
        assert "アカウント情報" in c.sign_in().text


class TestSigninErrors:
    def test_an_unknown_email_shows_the_error_box_on_the_email_step(self, make_client):
        """An unknown e-mail shows Amazon's error box on the e-mail step and is logged as not ok."""
        c = make_client()
        r = c.post(paths.SIGNIN, {"email": "nobody@example.com"})
        assert 'id="auth-error-message-box"' in r.text
        assert '<h4 class="a-alert-heading">問題が発生しました</h4>' in r.text
        assert "このEメールアドレスを持つアカウントが見つかりません" in r.text
        assert element(r.text, "ap_email")["type"] == "email"
        assert c.simulator.events_of("signin_email")[0]["ok"] is False

    def test_a_wrong_password_shows_the_error_box_on_the_password_step(self, make_client):
        """A wrong password shows the error on the password step and is logged as not ok."""
        c = make_client()
        r = password_step(c, password="wrong")
        assert r.status_code == 200
        assert "パスワードが正しくありません" in page_text(r.text)
        assert element(r.text, "ap_password") is not None
        assert c.simulator.events_of("signin_password")[0]["ok"] is False

    def test_english_errors_use_amazons_english_wording(self, make_client):
        """English sign-in errors use Amazon's English wording."""
        c = make_client(signin_language="en")
        assert (
            "We cannot find an account with that email address"
            in c.post(paths.SIGNIN, {"email": "x@example.com"}).text
        )
        r = password_step(c, password="wrong")
        assert "There was a problem" in r.text and "Your password is incorrect" in r.text


class TestTwoStepVerification:
    def test_the_mfa_page_has_the_form_the_otp_input_remember_device_and_submit(self, make_client):
        """The two-step page has the form, the labelled OTP input, `remember device` and the submit
        button."""
        c = make_client()
        password_step(c)
        html = c.get(paths.MFA).text
        assert '<form id="auth-mfa-form"' in html
        assert element(html, "auth-mfa-otpcode")["name"] == "otpCode"
        assert element(html, "auth-mfa-remember-device")["name"] == "rememberDevice"
        assert element(html, "auth-signin-button")["name"] == "mfaSubmit"
        assert '<label for="auth-mfa-otpcode" class="a-form-label">OTPを入力</label>' in html
        assert "このブラウザではOTPを要求しない" in html

    def test_a_code_of_the_current_step_signs_in(self, make_client):
        """A code of the current time step signs in and is logged as ok with its step."""
        c = make_client()
        password_step(c)
        r = c.post(
            paths.MFA, {"otpCode": pyotp.TOTP(DEMO_TOTP_SECRET).at(c.simulator.clock.time())}
        )
        assert r.status_code == 302
        (otp,) = c.simulator.events_of("otp")
        assert otp["ok"] is True and otp["reason"] == "ok"
        assert otp["step"] == int(c.simulator.clock.time() // 30)

    def test_a_code_one_step_old_is_still_accepted(self, make_client, clock: FakeClock):
        """A code one time step old is still accepted."""
        c = make_client()
        password_step(c)
        code = pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.time())
        clock.advance(30)
        assert c.post(paths.MFA, {"otpCode": code}).status_code == 302

    def test_a_code_two_steps_old_is_rejected_with_the_error_box(self, make_client, clock):
        """A code two time steps old is refused with Amazon's error box and logged as wrong."""
        c = make_client()
        password_step(c)
        code = pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.time())
        clock.advance(60)
        r = c.post(paths.MFA, {"otpCode": code})
        assert r.status_code == 200
        assert "入力されたワンタイムパスワード(OTP)は無効です。" in r.text
        assert 'id="auth-error-message-box"' in r.text
        assert c.simulator.events_of("otp")[0]["reason"] == "wrong"

    def test_the_english_otp_error_is_amazons_wording(self, make_client):
        """The English OTP error uses Amazon's wording."""
        c = make_client(signin_language="en")
        password_step(c)
        r = c.post(paths.MFA, {"otpCode": "000000"})
        assert "The One Time Password (OTP) you entered is not valid." in r.text

    def test_a_code_whose_time_step_was_already_used_is_rejected_as_reused(
        self, make_client, clock
    ):
        """A code of a time step already used is refused as reused; the next step's code is
        accepted."""
        c = make_client()
        code = pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.time())
        password_step(c)
        assert c.post(paths.MFA, {"otpCode": code}).status_code == 302
        c.simulator.expire_sessions()
        password_step(c)
        r = c.post(paths.MFA, {"otpCode": code})
        assert r.status_code == 200
        assert [e["reason"] for e in c.simulator.events_of("otp")] == ["ok", "reused"]
        clock.advance(30)
        r = c.post(paths.MFA, {"otpCode": pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.time())})
        assert r.status_code == 302

    def test_reject_first_otp_rejects_a_good_first_code_then_accepts_the_next_step(
        self, make_client, clock
    ):
        """The `reject_first_otp` fault refuses a good first code, then accepts the next step's."""
        c = make_client(faults=Faults(reject_first_otp=True))
        password_step(c)
        totp = pyotp.TOTP(DEMO_TOTP_SECRET)
        assert c.post(paths.MFA, {"otpCode": totp.at(clock.time())}).status_code == 200
        clock.advance(30)
        assert c.post(paths.MFA, {"otpCode": totp.at(clock.time())}).status_code == 302
        assert [(e["ok"], e["reason"]) for e in c.simulator.events_of("otp")] == [
            (False, "wrong"),
            (True, "ok"),
        ]

    def test_remember_device_skips_the_otp_at_the_next_sign_in(self, make_client, clock):
        """A remembered device skips the OTP at the next sign-in."""
        c = make_client()
        r = c.sign_in(remember_device=True)
        assert r.status_code == 200
        assert c.client.get_cookie(DEVICE_COOKIE) is not None
        c.simulator.expire_sessions()
        c.get(paths.SIGNIN)
        r = password_step(c)
        assert r.headers["Location"] == paths.HOME
        assert len(c.simulator.events_of("otp")) == 1

    def test_without_remember_device_the_otp_is_asked_again(self, make_client):
        """Without a remembered device the OTP is asked for again."""
        c = make_client()
        c.sign_in()
        c.simulator.expire_sessions()
        assert password_step(c).headers["Location"] == paths.MFA

    def test_the_mfa_page_without_a_password_redirects_to_signin(self, make_client):
        """The two-step page before the password redirects to sign-in."""
        c = make_client()
        assert c.get(paths.MFA).headers["Location"] == paths.SIGNIN


class TestChooseDevice:
    @pytest.fixture
    def client(self, make_client):
        c = make_client()
        c.simulator.scenario.logins[0].otp_devices = ["SMS", "TOTP", "VOICE"]
        return c

    def test_several_devices_show_the_choose_device_page_first(self, client):
        """A login with several OTP devices is shown the device choice first, one radio per
        device."""
        r = password_step(client)
        assert r.headers["Location"] == paths.CHOOSE_DEVICE
        html = client.get(paths.CHOOSE_DEVICE).text
        assert '<form id="auth-select-device-form"' in html
        for device in ("SMS", "TOTP", "VOICE"):
            assert f'<div class="auth-{device} a-radio' in html
        assert html.count('name="otpDeviceContext"') == 3
        assert element(html, "auth-send-code")["value"] == "OTPを送信"

    def test_choosing_the_authenticator_app_leads_to_the_mfa_page(self, client):
        """Choosing the authenticator app leads to the OTP page, and the choice is logged."""
        password_step(client)
        r = client.post(paths.CHOOSE_DEVICE, {"otpDeviceContext": "TOTP"})
        assert r.headers["Location"] == paths.MFA
        assert client.simulator.events_of("otp_device")[0]["device"] == "TOTP"

    def test_the_whole_sign_in_works_through_the_choice(self, client):
        """A whole sign-in through the device choice reaches Seller Central."""
        assert "アカウント情報" in client.sign_in().text


class TestChallenges:
    def test_a_captcha_page_follows_the_password_and_waits_for_a_person(self, make_client):
        """A captcha follows the password with its image and guess input, refreshes itself, and is
        logged once."""
        c = make_client(faults=Faults(captcha=True))
        r = password_step(c)
        assert r.headers["Location"] == paths.CAPTCHA
        html = c.get(paths.CAPTCHA).text
        assert element(html, "auth-captcha-image")["src"]
        assert element(html, "auth-captcha-guess")["name"] == "captchaGuess"
        assert paths.CONTROL_CHALLENGE_STATUS in html
        assert '<meta http-equiv="refresh" content="1">' in html
        assert len(c.simulator.events_of("captcha_shown")) == 1

    def test_a_guess_is_recorded_and_never_accepted(self, make_client):
        """A captcha guess is logged and never accepted."""
        c = make_client(faults=Faults(captcha=True))
        password_step(c)
        r = c.post(paths.CAPTCHA, {"captchaGuess": "XKM7PQ"})
        assert r.status_code == 200 and element(r.text, "auth-captcha-image")
        assert len(c.simulator.events_of("captcha_guess")) == 1

    def test_once_completed_the_next_load_moves_on_to_two_step_verification(self, make_client):
        """Once completed from outside, the captcha's next load goes on to two-step verification,
        logged as completed."""
        c = make_client(faults=Faults(captcha=True))
        password_step(c)
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json == {"pending": True, "solved": False}
        assert c.simulator.complete_challenge() == 1
        assert c.get(paths.CONTROL_CHALLENGE_STATUS).json["solved"] is True
        assert c.get(paths.CAPTCHA).headers["Location"] == paths.MFA
        assert c.simulator.events_of("challenge_completed")[0]["challenge"] == "captcha"

    def test_an_emailed_code_page_posts_to_cvf_and_moves_on_once_completed(self, make_client):
        """The e-mailed code page posts to itself with Amazon's ids, is logged, and moves on once
        completed."""
        c = make_client(faults=Faults(email_code=True))
        assert password_step(c).headers["Location"] == paths.EMAIL_CODE
        html = c.get(paths.EMAIL_CODE).text
        form = re.search(r'<form id="verification-code-form"[^>]*>', html)
        assert form and f'action="{paths.EMAIL_CODE}"' in form.group(0)
        assert element(html, "input-box-otp") is not None
        assert c.simulator.events_of("email_code_shown")
        c.simulator.complete_challenge()
        assert c.post(paths.EMAIL_CODE, {"code": ""}).headers["Location"] == paths.MFA

    def test_complete_challenge_over_http_marks_it_solved(self, make_client):
        """Completing the challenge through the control path solves it."""
        c = make_client(faults=Faults(email_code=True))
        password_step(c)
        assert c.post(paths.CONTROL_COMPLETE_CHALLENGE).json == {"completed": 1}
        assert c.get(paths.EMAIL_CODE).status_code == 302


class TestSessions:
    def test_signin_sets_a_session_id_cookie(self, make_client):
        """Signing in sets a session-id cookie."""
        c = make_client()
        c.sign_in()
        assert c.client.get_cookie("session-id") is not None

    def test_expired_sessions_send_the_browser_back_to_signin(self, make_client):
        """After the sessions expire Seller Central redirects to sign-in."""
        c = make_client()
        assert c.sign_in().status_code == 200
        c.simulator.expire_sessions()
        r = c.get(paths.HOME)
        assert r.headers["Location"].startswith(paths.SIGNIN)

    def test_expire_sessions_over_http(self, make_client):
        """Expiring sessions through the control path says how many, and the next page redirects."""
        c = make_client()
        c.sign_in()
        assert c.post(paths.CONTROL_EXPIRE_SESSIONS).json == {"expired": 1}
        assert c.get(paths.HOME).status_code == 302

    def test_the_signin_page_of_a_signed_in_browser_goes_straight_back(self, make_client):
        """The sign-in page of a signed-in browser redirects straight to return_to."""
        c = make_client()
        c.sign_in()
        r = c.get(paths.SIGNIN + "?openid.return_to=" + paths.REGISTER)
        assert r.headers["Location"] == paths.REGISTER

    def test_sign_out_ends_the_session(self, make_client):
        """Signing out ends the session."""
        c = make_client()
        c.sign_in()
        c.get(paths.SIGNOUT)
        assert c.get(paths.HOME).status_code == 302

    def test_a_scenario_of_several_logins_signs_in_each_separately(self, make_client):
        """Each login of a scenario signs in to its own sellers."""
        c = make_client()
        extra = Login("two@example.com", "pw2", sellers=[Seller("A9SECONDLOGIN9", "Two")])
        c.simulator.scenario.logins.append(extra)
        r = c.sign_in(email="two@example.com")
        assert "A9SECONDLOGIN9" in r.text
