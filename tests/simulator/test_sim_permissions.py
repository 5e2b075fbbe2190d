"""The User Permissions page: tables, columns, dates, paging, tokens and the row actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from fixtures.simulator import Faults, paths
from fixtures.simulator.dates import format_date, format_datetime
from fixtures.simulator.scenarios import DEMO_SELLER_ID, OUR_DEVELOPER_ID
from fixtures.simulator.testing import button_texts, page_text


def section(html: str, section_id: str) -> str:
    """The HTML of one table section (current authorisations or history)."""
    start = html.index(f'id="{section_id}"')
    end = html.find('class="mws-table-section"', start + 1)
    return html[start : end if end != -1 else len(html)]


def current(html: str) -> str:
    return section(html, "mws-current-authorizations")


def history(html: str) -> str:
    return section(html, "mws-authorization-history")


def act(c, action: str, developer_id: str = OUR_DEVELOPER_ID):
    return c.post(
        paths.ROW_ACTION,
        {"action": action, "developerId": developer_id, "returnTo": paths.HOME},
    )


class TestDates:
    def test_a_date_and_time_in_japanese_is_written_in_japan_time(self):
        """A date and time in Japanese is written in Japan time with 年月日, 時分秒 and JST."""
        when = datetime(2017, 1, 10, 8, 2, 59, tzinfo=UTC)
        assert format_datetime(when, "ja") == "2017年1月10日 17時02分59秒 JST"

    def test_a_date_and_time_in_english(self):
        """A date and time in English reads `Jan 10, 2017 5:02:59 PM JST`."""
        when = datetime(2017, 1, 10, 8, 2, 59, tzinfo=UTC)
        assert format_datetime(when, "en") == "Jan 10, 2017 5:02:59 PM JST"

    def test_a_date_alone(self):
        """A date alone reads `2027年3月6日` in Japanese and `Mar 6, 2027` in English."""
        when = datetime(2027, 3, 6, 1, 0, tzinfo=UTC)
        assert format_date(when, "ja") == "2027年3月6日"
        assert format_date(when, "en") == "Mar 6, 2027"


class TestPermissionsPage:
    def test_both_entry_urls_show_the_user_permissions_page(self, make_client):
        """Home and the registration link both show the User Permissions page with its MWS
        section."""
        c = make_client()
        for url in (paths.HOME, paths.REGISTER):
            text = page_text(c.sign_in(url).text)
            assert "ユーザー権限" in text
            assert "セラーセントラルユーザーの新規追加" in text
            assert "Amazon MWS 開発者権限" in text

    def test_the_account_information_shows_the_seller_id(self, make_client):
        """The account information shows the seller ID under its label."""
        text = page_text(make_client().sign_in().text)
        assert f"アカウント情報 出品者ID: {DEMO_SELLER_ID}" in text

    def test_the_buttons_to_edit_the_profile_and_authorize_a_developer_are_there(self, make_client):
        """The page has the buttons to edit the developer profile and to authorize a developer."""
        html = make_client().sign_in().text
        assert {"開発者プロフィールを編集", "開発者にアクセス権を付与"} <= set(button_texts(html))

    def test_the_current_table_has_every_column_when_confirmation_is_on(self, make_client):
        """With access confirmation on, the current table has every column, expiry and token
        included, in order."""
        html = current(make_client().sign_in().text)
        headers = re.findall(r'<th scope="col">(.*?)</th>', html)
        assert headers == [
            "開発者 ID",
            "開発者のニックネーム",
            "権限の付与日",
            "有効期限",
            "MWS認証トークン",
            "アクション",
        ]

    def test_the_history_table_has_its_columns(self, make_client):
        """The history table has its four columns in order."""
        html = history(make_client().sign_in().text)
        assert re.findall(r'<th scope="col">(.*?)</th>', html) == [
            "開発者 ID",
            "開発者のニックネーム",
            "アクション日",
            "アクション",
        ]

    def test_the_sellers_own_row_offers_its_credentials(self, make_client):
        """The seller's own row offers to show its credentials."""
        text = page_text(current(make_client().sign_in().text))
        assert "(出品者本人) 認証情報を表示" in text

    def test_a_granted_developer_row_shows_dates_token_link_and_actions(self, make_client, clock):
        """A granted developer's row shows its ID, nickname, grant time in JST, expiry, the token
        link and both actions."""
        c = make_client("granted")
        text = page_text(current(c.sign_in().text))
        row = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
        now = datetime.fromtimestamp(clock.time(), UTC)
        assert row.expires_at == now + timedelta(days=200)
        expected = (
            f"{OUR_DEVELOPER_ID} shippinno {format_datetime(row.granted_at, 'ja')} "
            f"{format_date(row.expires_at, 'ja')} 表示 アクセス権を承認 アクセス権の取り消し"
        )
        assert expected in text
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}時\d{2}分\d{2}秒 JST", text)

    def test_the_demo_scenario_has_another_developer_but_not_ours(self, make_client):
        """The demo seller has another developer's row and none of ours."""
        c = make_client("demo")
        html = c.sign_in().text
        assert OUR_DEVELOPER_ID not in html
        assert "other-dev-01" in current(html)

    def test_an_expired_developer_stands_in_the_history_with_restore(self, make_client):
        """An expired developer is in the history, not the current table, with
        `アクセス権を復元`."""
        html = make_client("expired").sign_in().text
        assert OUR_DEVELOPER_ID not in current(html)
        assert f"{OUR_DEVELOPER_ID} shippinno" in page_text(history(html))
        assert "アクセス権を復元" in history(html)

    def test_a_row_moves_to_the_history_once_its_expiry_passes(self, make_client, clock):
        """A row moves from the current table to the history once the clock passes its expiry."""
        c = make_client("expiring")
        assert OUR_DEVELOPER_ID in current(c.sign_in().text)
        clock.advance(11 * 86400)
        html = c.get(paths.HOME).text
        assert OUR_DEVELOPER_ID not in current(html) and OUR_DEVELOPER_ID in history(html)

    def test_with_confirmation_disabled_there_is_no_expiry_nor_renew(self, make_client):
        """With access confirmation disabled the page says so with `有効にする`, and has no expiry
        column nor renew, only revoke."""
        c = make_client("granted")
        c.simulator.seller(DEMO_SELLER_ID).confirmation = "disabled"
        html = c.sign_in().text
        text = page_text(html)
        assert "「開発者のアクセス権の承認」が有効になっていません 有効にする" in text
        assert "有効期限" not in current(html) and "アクセス権を承認" not in html
        assert "アクセス権の取り消し" in current(html)

    def test_with_confirmation_enabled_the_line_offers_to_disable_it(self, make_client):
        """With access confirmation enabled the line says so and offers `無効にする`."""
        text = page_text(make_client().sign_in().text)
        assert (
            "Developer Access Confirmation "
            "「開発者のアクセス権の承認」が有効になっています 無効にする" in text
        )

    def test_mandatory_confirmation_has_no_link(self, make_client):
        """Mandatory access confirmation reads as enabled with no link to change it, and expiry is
        shown."""
        c = make_client()
        c.simulator.seller(DEMO_SELLER_ID).confirmation = "mandatory"
        html = c.sign_in().text
        assert "「開発者のアクセス権の承認」が有効になっています" in html
        assert "無効にする" not in html and "有効にする</a>" not in html
        assert "有効期限" in html

    def test_toggling_confirmation_records_the_change(self, make_client):
        """Toggling access confirmation changes the seller's setting, returns, and is logged."""
        c = make_client()
        c.sign_in()
        r = c.get(paths.CONFIRMATION + "?to=disabled&returnTo=" + paths.HOME)
        assert r.headers["Location"] == paths.HOME
        assert c.simulator.seller(DEMO_SELLER_ID).confirmation == "disabled"
        assert c.simulator.events_of("confirmation_change")[0]["to"] == "disabled"
        c.get(paths.CONFIRMATION + "?to=enabled")
        assert c.simulator.seller(DEMO_SELLER_ID).confirmation == "enabled"

    def test_mandatory_confirmation_cannot_be_disabled(self, make_client):
        """Mandatory access confirmation cannot be disabled, and nothing is logged as changed."""
        c = make_client()
        c.simulator.seller(DEMO_SELLER_ID).confirmation = "mandatory"
        c.sign_in()
        c.get(paths.CONFIRMATION + "?to=disabled")
        assert c.simulator.seller(DEMO_SELLER_ID).confirmation == "mandatory"
        assert not c.simulator.events_of("confirmation_change")

    def test_each_table_is_named_by_its_heading(self, make_client):
        """Each table is labelled by its heading (`現在の権限`, `権限付与履歴`)."""
        html = make_client().sign_in().text
        assert '<h3 id="mws-current-authorizations-heading">現在の権限</h3>' in html
        assert '<h3 id="mws-authorization-history-heading">権限付与履歴</h3>' in html
        assert 'aria-labelledby="mws-current-authorizations-heading"' in html


class TestPaging:
    def test_a_short_table_shows_its_range_and_page_size_without_links(self, make_client):
        """A short table shows its range and page size, and no next or previous link."""
        text = page_text(current(make_client("granted").sign_in().text))
        assert "1-2 / 2 件を表示 10 件/ページ" in text
        assert "次へ" not in text and "前へ" not in text

    def test_our_developer_is_on_page_two_of_twenty_six(self, make_client):
        """With 26 developers ours is not on page one; `次へ` leads to page two, which has it and
        both links."""
        c = make_client("many-developers")
        html = c.sign_in().text
        assert "1-10 / 26 件を表示" in page_text(current(html))
        assert OUR_DEVELOPER_ID not in html
        next_link = re.search(r'<a href="([^"]*current_page=2[^"]*)">次へ</a>', current(html))
        assert next_link
        page2 = c.get(next_link.group(1).replace("&amp;", "&")).text
        assert "11-20 / 26 件を表示" in page_text(current(page2))
        assert OUR_DEVELOPER_ID in current(page2)
        assert ">前へ</a>" in current(page2) and ">次へ</a>" in current(page2)

    def test_the_last_page_has_previous_but_no_next(self, make_client):
        """The last page shows its range and `前へ`, no `次へ`."""
        c = make_client("many-developers")
        c.sign_in()
        html = current(c.get(paths.HOME + "?current_page=3").text)
        assert "21-26 / 26 件を表示" in page_text(html)
        assert ">前へ</a>" in html and ">次へ</a>" not in html

    def test_the_history_pages_separately(self, make_client):
        """The history table pages on its own parameter, leaving the current table on page one."""
        c = make_client("many-developers")
        html = c.sign_in().text
        assert "1-10 / 12 件を表示" in page_text(history(html))
        page2 = c.get(paths.HOME + "?history_page=2").text
        assert "11-12 / 12 件を表示" in page_text(history(page2))
        assert "1-10 / 26 件を表示" in page_text(current(page2))

    def test_the_page_size_is_a_scenario_setting(self, make_client):
        """The scenario's page size sets the rows per page and the text that says so."""
        html = make_client("many-developers", page_size=5).sign_in().text
        assert "1-5 / 26 件を表示 5 件/ページ" in page_text(current(html))

    def test_paging_links_keep_the_registration_parameters(self, make_client):
        """Paging links keep the registration link's developer parameters."""
        c = make_client("many-developers")
        html = c.sign_in(
            paths.REGISTER + "?developerName=shippinno&devMWSAccountId=5259-6479-4073"
        ).text
        assert re.search(
            r'href="/gp/mws/registration/register.html\?developerName=shippinno&amp;devMWSAccountId=5259-6479-4073&amp;current_page=2"',
            html,
        )


class TestTokenView:
    def test_the_view_link_points_at_a_token_endpoint(self, make_client):
        """A row's `表示` link carries the URL of its token endpoint."""
        html = current(make_client("granted").sign_in().text)
        assert f'data-token-url="{paths.TOKEN_JSON}?developerId={OUR_DEVELOPER_ID}"' in html
        assert 'class="mws-token-link">表示</a>' in html

    def test_the_json_endpoint_returns_the_token_and_records_the_view(self, make_client):
        """The token endpoint answers the row's token for an ID without hyphens too, and logs the
        view."""
        c = make_client("granted")
        c.sign_in()
        token = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token
        r = c.get(f"{paths.TOKEN_JSON}?developerId=525964794073")
        assert r.json == {"developer_id": OUR_DEVELOPER_ID, "token": token}
        assert c.simulator.events_of("token_view")[0]["developer_id"] == OUR_DEVELOPER_ID

    def test_without_javascript_the_link_opens_a_page_with_the_token(self, make_client):
        """Without JavaScript the token link opens a page showing the token."""
        c = make_client("granted")
        c.sign_in()
        token = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token
        assert token in c.get(f"{paths.TOKEN}?developerId={OUR_DEVELOPER_ID}").text

    def test_an_unknown_developer_has_no_token(self, make_client):
        """The token endpoint answers 404 for a developer the seller has not granted."""
        c = make_client("granted")
        c.sign_in()
        assert c.get(f"{paths.TOKEN_JSON}?developerId=0000-0000-0000").status_code == 404


class TestRowActions:
    def test_renew_extends_access_to_a_year_from_now(self, make_client, clock):
        """Renew sets the expiry a year from now, is logged as a successful renew, and the page
        shows the new date."""
        c = make_client("expiring")
        c.sign_in()
        r = act(c, "renew")
        assert r.headers["Location"] == paths.HOME
        row = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
        assert row.expires_at == datetime.fromtimestamp(clock.time(), UTC) + timedelta(days=365)
        (event,) = c.simulator.events_of("row_action")
        assert (event["action"], event["developer_id"], event["ok"]) == (
            "renew",
            OUR_DEVELOPER_ID,
            True,
        )
        assert format_date(row.expires_at, "ja") in page_text(current(c.get(paths.HOME).text))

    def test_restore_brings_the_row_back_with_the_same_token(self, make_client, clock):
        """Restore brings an expired row back, active with the same token, valid a year from now."""
        c = make_client("expired")
        c.sign_in()
        token = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token
        act(c, "restore")
        row = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
        assert row.active and row.token == token
        assert row.expires_at == datetime.fromtimestamp(clock.time(), UTC) + timedelta(days=365)
        assert OUR_DEVELOPER_ID in current(c.get(paths.HOME).text)

    def test_revoke_moves_the_row_to_the_history(self, make_client):
        """Revoke moves the row from the current table to the history."""
        c = make_client("granted")
        c.sign_in()
        act(c, "revoke")
        html = c.get(paths.HOME).text
        assert OUR_DEVELOPER_ID not in current(html) and OUR_DEVELOPER_ID in history(html)

    def test_an_action_that_does_not_fit_the_row_changes_nothing(self, make_client):
        """An action that does not fit the row (renew on an expired one) changes nothing and is
        logged as not ok."""
        c = make_client("expired")
        c.sign_in()
        act(c, "renew")
        assert not c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).active
        assert c.simulator.events_of("row_action")[0]["ok"] is False

    def test_an_action_goes_back_to_the_page_it_came_from(self, make_client):
        """A row action returns to the page it came from, its paging kept."""
        c = make_client("many-developers")
        c.sign_in()
        r = c.post(
            paths.ROW_ACTION,
            {
                "action": "renew",
                "developerId": OUR_DEVELOPER_ID,
                "returnTo": paths.HOME + "?current_page=2",
            },
        )
        assert r.headers["Location"] == paths.HOME + "?current_page=2"

    def test_each_row_action_is_a_post_form_carrying_the_developer_id(self, make_client):
        """Each row action is a POST form carrying the action and the developer ID."""
        html = current(make_client("granted").sign_in().text)
        assert (
            '<input type="hidden" name="action" value="renew">'
            f'<input type="hidden" name="developerId" value="{OUR_DEVELOPER_ID}">' in html
        )

    def test_actions_without_a_session_send_to_signin(self, make_client):
        """A row action without a session redirects to sign-in."""
        c = make_client("granted")
        assert act(c, "renew").headers["Location"].startswith(paths.SIGNIN)


class TestConfirmationStep:
    @pytest.fixture
    def client(self, make_client):
        c = make_client("expiring", faults=Faults(confirmation_step=True))
        c.sign_in()
        return c

    def test_an_action_first_shows_a_page_naming_the_developer(self, client):
        """With the confirmation step, an action first shows a page naming the developer with
        `承認する`, logged."""
        r = act(client, "renew")
        assert r.headers["Location"].startswith(paths.CONFIRM_ACTION)
        html = client.get(r.headers["Location"]).text
        text = page_text(html)
        assert "shippinno" in text and OUR_DEVELOPER_ID in text
        assert ">承認する</button>" in html
        assert (
            client.simulator.events_of("confirmation_step_shown")[0]["developer_id"]
            == OUR_DEVELOPER_ID
        )

    def test_nothing_changes_until_the_confirm_button(self, client, clock):
        """Nothing changes and nothing is logged as done until the confirm button is posted; then
        the renewal is made."""
        before = client.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).expires_at
        client.get(act(client, "renew").headers["Location"])
        assert client.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).expires_at == before
        assert not client.simulator.events_of("row_action")
        r = client.post(
            paths.CONFIRM_ACTION,
            {"action": "renew", "developerId": OUR_DEVELOPER_ID, "returnTo": paths.HOME},
        )
        assert r.headers["Location"] == paths.HOME
        row = client.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
        assert row.expires_at == datetime.fromtimestamp(clock.time(), UTC) + timedelta(days=365)

    def test_the_english_confirm_button_reads_confirm(self, make_client):
        """The English confirmation page's button reads `Confirm`."""
        c = make_client("expiring", language="en", faults=Faults(confirmation_step=True))
        c.sign_in()
        html = c.get(act(c, "renew").headers["Location"]).text
        assert ">Confirm</button>" in html


class TestEnglishPermissions:
    def test_every_heading_and_label_is_english(self, make_client):
        """The English page has every heading, label, column, range text and button in English."""
        c = make_client("granted", language="en")
        text = page_text(c.sign_in().text)
        for expected in (
            "Amazon MWS Developer Permissions",
            "Your Account Information",
            f"Seller ID: {DEMO_SELLER_ID}",
            "Developer Access Confirmation is enabled Disable",
            "Current Authorizations",
            "Developer ID",
            "Developer Nickname",
            "Date Authorized",
            "Expiration Date",
            "MWS Auth Token",
            "Action",
            "(Seller) View credentials",
            "Authorization History",
            "Action Date",
            "1-2 of 2 results",
            "Authorize a developer",
            "Edit developer profile",
            "View Confirm Access Revoke access",
        ):
            assert expected in text, expected

    def test_english_dates_read_like_jan_10_2017(self, make_client):
        """English dates read like `Jan 10, 2017 5:02:59 PM JST`."""
        text = page_text(make_client("granted", language="en").sign_in().text)
        assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M JST", text)

    def test_english_history_offers_reinstate_access(self, make_client):
        """The English history offers `Reinstate access` for an expired row."""
        c = make_client("expired", language="en")
        assert "Reinstate access" in history(c.sign_in().text)

    def test_disabled_confirmation_reads_not_enabled_with_enable(self, make_client):
        """Disabled access confirmation reads `is not enabled` with `Enable` in English."""
        c = make_client(language="en")
        c.simulator.seller(DEMO_SELLER_ID).confirmation = "disabled"
        assert "Developer Access Confirmation is not enabled Enable" in page_text(c.sign_in().text)
