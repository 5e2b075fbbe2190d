"""The simulator's pages of every kind of docs/pages.md §1–§2, §6, each in two shapes: what they
show, the status they are served with, and the events they record."""

from __future__ import annotations

import json

import pytest

from fixtures.simulator import Faults, paths
from fixtures.simulator.scenarios import DEMO_EMAIL, DEMO_PASSWORD, PAGE_KIND_SCENARIOS, SCENARIOS
from fixtures.simulator.testing import element, elements, page_text

SHAPES = (0, 1)


def password_step(c):
    c.get(paths.SIGNIN)
    c.post(paths.SIGNIN, {"email": DEMO_EMAIL})
    return c.post(paths.SIGNIN, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})


def ids(html):
    return {a["id"] for _, a in elements(html) if a.get("id")}


def forms(html):
    return [a for tag, a in elements(html) if tag == "form"]


class TestNamedScenarios:
    @pytest.mark.parametrize("name", [*PAGE_KIND_SCENARIOS, "account-switcher"])
    def test_each_has_a_description(self, make_client, name) -> None:
        """Each page-kind scenario, and the account switcher's, builds under its name and is
        described."""
        c = make_client(name)
        assert SCENARIOS[name].__doc__
        assert c.simulator.scenario.name == name


class TestMoreChallenges:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize(
        "knob,path,marks",
        [
            ("cvf_captcha", paths.CVF_CAPTCHA, "cvf_captcha_input"),
            ("passkey_required", paths.PASSKEY_REQUIRED, "passkeySignIn"),
            ("password_reset", paths.PASSWORD_RESET, "passwordCheck"),
        ],
    )
    def test_served_after_the_password(self, make_client, knob, path, marks, shape) -> None:
        """Each of these challenges, in both shapes, comes after the password, reports typing and
        clicks, and is logged once."""
        c = make_client("no-2sv", faults=Faults(**{knob: True, "shape": shape}))
        assert password_step(c).headers["Location"] == path
        r = c.get(path)
        assert r.status_code == 200
        assert marks in r.text
        assert paths.CONTROL_UI_EVENT in r.text  # typed / clicked reported
        assert len(c.simulator.events_of(f"{knob}_shown")) == 1

    def test_the_two_shapes_differ_in_markup_not_texts(self, make_client) -> None:
        """The two shapes of a page differ in markup (ids) while the visible texts stay the same."""
        pages = []
        for shape in SHAPES:
            c = make_client("no-2sv", faults=Faults(password_reset=True, shape=shape))
            password_step(c)
            pages.append(c.get(paths.PASSWORD_RESET).text)
        assert pages[0] != pages[1]
        assert "ap_fpp_password" in ids(pages[0]) and "ap_fpp_password" not in ids(pages[1])
        assert all("新しいパスワードを作成" in page_text(p) for p in pages)

    def test_any_challenge_can_be_served_with_503(self, make_client) -> None:
        """The `challenge_status` knob serves a challenge with another status, 503 here."""
        c = make_client("no-2sv", faults=Faults(robot_check=True, challenge_status=503))
        password_step(c)
        assert c.get(paths.ROBOT_CHECK).status_code == 503

    def test_a_guess_is_recorded_never_accepted(self, make_client) -> None:
        """A guess at the password reset is logged and never accepted: the page comes back."""
        c = make_client("no-2sv", faults=Faults(password_reset=True))
        password_step(c)
        r = c.post(paths.PASSWORD_RESET, {"password": "x", "passwordCheck": "x"})
        assert c.simulator.events_of("password_reset_guess")
        assert r.status_code == 200 and "新しいパスワードを作成" in page_text(r.text)


class TestSilentCheck:
    def test_clears_when_its_script_comes_back_with_a_token(self, make_client) -> None:
        """The silent check that clears answers 202 with no form, and its script's token clears it
        (logged) and moves on."""
        c = make_client("waf-clears")
        password_step(c)
        r = c.get(paths.WAF_CHALLENGE)
        assert r.status_code == 202 and "aws-waf-token" in r.text and "awswaf" in r.text
        assert not forms(r.text)
        r = c.get(paths.WAF_CHALLENGE + "?aws-waf-token=sim")
        assert c.simulator.events_of("waf_cleared")
        assert r.headers["Location"] == paths.HOME

    def test_one_that_stays_never_clears(self, make_client) -> None:
        """The silent check that stays has no token to fetch and stays 202 even with one."""
        c = make_client("waf-stays")
        password_step(c)
        r = c.get(paths.WAF_CHALLENGE)
        assert "aws-waf-token" not in r.text
        assert c.get(paths.WAF_CHALLENGE + "?aws-waf-token=sim").status_code == 202


class TestOtpLimit:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_the_device_page_says_no_code_today(self, make_client, shape) -> None:
        """With the OTP limit, in both shapes, the device page says the limit is reached, offers no
        TOTP, and logs a choice."""
        c = make_client("demo", faults=Faults(otp_limit=True, shape=shape))
        assert password_step(c).headers["Location"] == paths.CHOOSE_DEVICE
        r = c.get(paths.CHOOSE_DEVICE)
        assert "auth-error-message-box" in ids(r.text)
        assert "上限" in page_text(r.text)
        assert 'value="TOTP"' not in r.text
        c.post(paths.CHOOSE_DEVICE, {"otpDeviceContext": "SMS"})
        assert c.simulator.events_of("otp_device_submit")


class TestIntent:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_unknown_email_gets_new_to_amazon(self, make_client, shape) -> None:
        """In both shapes an unknown e-mail gets `New to Amazon?` with a register form, and both
        steps are logged."""
        c = make_client("no-2sv", faults=Faults(intent_for_unknown_email=True, shape=shape))
        c.get(paths.SIGNIN)
        r = c.post(paths.SIGNIN, {"email": "sellr@example.com"})
        assert any(f.get("action", "").startswith(paths.AP_REGISTER) for f in forms(r.text))
        assert c.simulator.events_of("intent_shown")[0]["email"] == "sellr@example.com"
        c.post(paths.AP_REGISTER, {"email": "sellr@example.com"})
        assert c.simulator.events_of("register_requested")

    def test_a_known_email_is_not_affected(self, make_client) -> None:
        """With the intent knob a known e-mail still goes on to the password."""
        c = make_client("no-2sv", faults=Faults(intent_for_unknown_email=True))
        c.get(paths.SIGNIN)
        r = c.post(paths.SIGNIN, {"email": DEMO_EMAIL})
        assert "ap_password" in ids(r.text)


class TestSwitchAccounts:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_tiles_add_account_and_sign_out(self, make_client, shape) -> None:
        """In both shapes the switch-accounts page shows the remembered logins and
        `アカウントを追加`; choosing one asks its password and is logged."""
        c = make_client("no-2sv", faults=Faults(switch_accounts=True, shape=shape))
        r = c.get(paths.SIGNIN)
        text = page_text(r.text)
        assert DEMO_EMAIL in text and "other.person@example.com" in text
        assert "アカウントを追加" in text and "ap_email" not in ids(r.text)
        r = c.get(paths.SIGNIN + f"?switch_account={DEMO_EMAIL}")
        assert "ap_password" in ids(r.text)
        assert c.simulator.events_of("switch_account_chosen")[0]["email"] == DEMO_EMAIL

    def test_add_account_leads_to_the_email_step(self, make_client) -> None:
        """`Add account` leads to the e-mail step, and the page is shown once per session."""
        c = make_client("no-2sv", faults=Faults(switch_accounts=True))
        c.get(paths.SIGNIN)
        r = c.get(paths.SIGNIN + "?add_account=1")
        assert "ap_email" in ids(r.text)
        assert c.get(paths.SIGNIN).status_code == 200  # shown once per session
        assert len(c.simulator.events_of("switch_accounts_shown")) == 1


class TestBotCheckOnSellerCentral:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_served_in_place_of_the_page(self, make_client, shape) -> None:
        """In both shapes Seller Central's bot check stands in for the page with
        `ショッピングを続ける` and no characters input; the click is logged."""
        c = make_client("continue-shopping", faults=Faults(bot_check_at=["/gp/"], shape=shape))
        r = c.get(paths.REGISTER)
        assert r.status_code == 200
        assert "ショッピングを続ける" in page_text(r.text)
        assert "captchacharacters" not in ids(r.text)
        assert any(f.get("action") == paths.ROBOT_CHECK for f in forms(r.text))
        r = c.get(paths.ROBOT_CHECK + "?field-keywords=SIMANSWER&amzn-r=/gp/x")
        assert c.simulator.events_of("bot_check_clicked")


class TestRefusals:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_no_permission_on_every_seller_central_page(self, make_client, shape, language) -> None:
        """The `no_permission` refusal, in both shapes and languages, stands in for Seller Central's
        pages and is logged."""
        c = make_client(
            "no-2sv", faults=Faults(refusal="no_permission", shape=shape), language=language
        )
        r = c.sign_in(paths.REGISTER)
        text = page_text(r.text)
        assert "このページを表示する権限がありません" in text or "permissions" in text
        assert c.simulator.events_of("refusal_shown")

    @pytest.mark.parametrize("shape", SHAPES)
    def test_md9000_after_the_developer_form(self, make_client, shape) -> None:
        """The MD9000 refusal, in both shapes, answers the developer form with Amazon's error page
        and logs no form."""
        c = make_client("no-2sv", faults=Faults(refusal="MD9000", shape=shape), language="en")
        c.sign_in(paths.AUTHORIZE)
        r = c.post(paths.AUTHORIZE, {"developerName": "shippinno", "devMWSAccountId": "1" * 12})
        text = page_text(r.text)
        assert "Something went wrong" in text and "Error Code: MD9000" in text
        assert c.simulator.events_of("grant_form") == []


class TestAccountSwitcher:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_chooses_by_post_and_returns(self, make_client, shape) -> None:
        """In both shapes the account switcher lists the accounts, chooses one by POST, returns and
        logs the choice."""
        c = make_client("account-switcher", faults=Faults(shape=shape))
        c.get(paths.HOME)
        c.post(paths.SIGNIN, {"email": DEMO_EMAIL})
        r = c.post(paths.SIGNIN, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        login = c.simulator.scenario.logins[0]
        r = c.post(paths.MFA, {"otpCode": c.otp(login)})
        r = c.get(r.headers["Location"])
        assert r.headers["Location"].startswith(paths.ACCOUNT_SWITCHER)
        page = c.get(r.headers["Location"])
        assert "Second Store" in page_text(page.text)
        assert element(page.text, "confirm") is not None
        second = login.sellers[1].seller_id
        r = c.post(paths.ACCOUNT_SWITCHER, {"merchant": second, "mkt": "JP", "returnTo": "/x"})
        assert r.headers["Location"] == "/x"
        assert c.simulator.events_of("picker_select")[-1]["seller_id"] == second


class TestUiEvents:
    def test_typed_and_clicked_are_recorded_without_values(self, make_client) -> None:
        """Typing and clicks reported to the control path are logged in order, as no request; a bad
        body is refused."""
        c = make_client()
        body = json.dumps({"kind": "ui_typed", "path": "/ap/captcha", "field": "captchaGuess"})
        assert c.post(paths.CONTROL_UI_EVENT, data=body).status_code == 204
        body = json.dumps({"kind": "ui_clicked", "path": "/ap/captcha", "control": "続行"})
        c.post(paths.CONTROL_UI_EVENT, data=body)
        assert [e["kind"] for e in c.simulator.events if e["kind"].startswith("ui_")] == [
            "ui_typed",
            "ui_clicked",
        ]
        assert c.simulator.events_of("request") == []  # control paths are not requests
        assert c.post(paths.CONTROL_UI_EVENT, data="{bad").status_code == 400
