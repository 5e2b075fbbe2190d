"""The account picker: account names, then marketplaces, then Select Account."""

from __future__ import annotations

from urllib.parse import quote

from fixtures.simulator import paths
from fixtures.simulator.testing import elements, page_text


def signed_in_to_picker(c):
    """Sign in up to the picker; returns the picker's URL."""
    c.get(paths.SIGNIN + "?openid.return_to=" + quote(paths.HOME))
    login = c.simulator.scenario.logins[0]
    c.post(paths.SIGNIN, {"email": login.email})
    c.post(paths.SIGNIN, {"email": login.email, "password": login.password})
    return c.post(paths.MFA, {"otpCode": c.otp(login)}).headers["Location"]


def buttons(html, cls):
    return [a for tag, a in elements(html) if tag == "button" and cls in (a.get("class") or "")]


class TestPicker:
    def test_a_login_with_several_accounts_is_sent_to_the_picker_with_return_to(self, make_client):
        """A login with several accounts is sent from sign-in to the picker, carrying where it was
        going."""
        c = make_client("picker")
        location = signed_in_to_picker(c)
        assert location == paths.PICKER + "?returnTo=" + quote(paths.HOME, safe="")

    def test_a_login_with_one_seller_and_one_marketplace_skips_the_picker(self, make_client):
        """A login with one seller and one marketplace goes straight to where it was going."""
        c = make_client("demo")
        assert signed_in_to_picker(c) == paths.HOME

    def test_the_picker_lists_account_names_in_picker_buttons(self, make_client):
        """The picker lists each account name and each marketplace's country name."""
        c = make_client("picker")
        html = c.get(signed_in_to_picker(c)).text
        names = [
            page_text(chunk.split("</div>")[0])
            for chunk in html.split('<div class="picker-name">')[1:]
        ]
        assert names[:1] == ["サンプル商店"]
        assert "Second Store" in names
        assert "日本" in names and "アメリカ合衆国" in names

    def test_marketplaces_are_hidden_until_an_account_is_chosen(self, make_client):
        """Each account's marketplaces are hidden until that account is chosen."""
        c = make_client("picker")
        html = c.get(signed_in_to_picker(c)).text
        assert html.count('class="picker-marketplace-list"') == 2
        assert html.count(" hidden>") == 2

    def test_the_select_account_button_is_disabled_until_a_choice(self, make_client):
        """`Select Account` is disabled until an account and a marketplace are chosen."""
        c = make_client("picker")
        url = signed_in_to_picker(c)
        (confirm,) = buttons(c.get(url).text, "picker-switch-accounts-button")
        assert "disabled" in confirm
        html = c.get(url + "&account=A1SIMJPDEMO0X1&marketplace=US").text
        (confirm,) = buttons(html, "picker-switch-accounts-button")
        assert "disabled" not in confirm
        assert "アカウントを選択" in page_text(html)

    def test_choosing_without_javascript_works_through_get_then_post(self, make_client):
        """Choosing an account by a plain GET shows that account's marketplaces without
        JavaScript."""
        c = make_client("picker")
        url = signed_in_to_picker(c)
        html = c.get(url + "&account=A2SIMPICKER0B7").text
        assert html.count(" hidden>") == 1

    def test_confirming_stores_the_choice_records_it_and_returns(self, make_client):
        """Confirming a choice logs `picker_select`, returns to where it was going and the pages
        show that account."""
        c = make_client("picker")
        signed_in_to_picker(c)
        r = c.post(
            paths.PICKER,
            {
                "selectedAccount": "A1SIMJPDEMO0X1",
                "selectedMarketplace": "US",
                "returnTo": paths.HOME,
            },
        )
        assert r.headers["Location"] == paths.HOME
        assert c.simulator.events_of("picker_select")[0]["marketplace"] == "US"
        assert "A1SIMJPDEMO0X1" in c.get(paths.HOME).text

    def test_a_pair_the_login_cannot_open_is_refused(self, make_client):
        """An account and marketplace pair the login may not open is refused (400) and not logged as
        chosen."""
        c = make_client("picker")
        signed_in_to_picker(c)
        r = c.post(paths.PICKER, {"selectedAccount": "A2SIMPICKER0B7", "selectedMarketplace": "US"})
        assert r.status_code == 400
        assert not c.simulator.events_of("picker_select")

    def test_a_seller_central_page_before_picking_goes_to_the_picker(self, make_client):
        """A Seller Central page asked for before a choice redirects to the picker."""
        c = make_client("picker")
        signed_in_to_picker(c)
        assert c.get(paths.HOME).headers["Location"].startswith(paths.PICKER)

    def test_the_english_picker_names_countries_in_english(self, make_client):
        """The English picker names countries and its button in English."""
        c = make_client("picker", language="en")
        html = c.get(signed_in_to_picker(c)).text
        assert ">Japan<" in html and ">United States<" in html and "Select Account" in html

    def test_the_picker_without_a_session_redirects_to_signin(self, make_client):
        """The picker without a session redirects to sign-in."""
        c = make_client("picker")
        assert c.get(paths.PICKER).headers["Location"].startswith(paths.SIGNIN)
