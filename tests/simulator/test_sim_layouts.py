"""Layout variants: the same texts and ids with other markup, nesting, order and timing."""

from __future__ import annotations

import re

import pytest

from fixtures.simulator import paths
from fixtures.simulator.scenarios import DEMO_SELLER_ID, OUR_DEVELOPER_ID
from fixtures.simulator.testing import button_texts, page_text

LAYOUTS = ["standard", "nested", "links", "split", "decoy", "late"]
EXPECTED_TEXTS = [
    "Amazon MWS 開発者権限",
    "アカウント情報",
    f"出品者ID: {DEMO_SELLER_ID}",
    "現在の権限",
    "権限付与履歴",
    "開発者にアクセス権を付与",
    "開発者プロフィールを編集",
    "アクセス権を承認",
    "アクセス権の取り消し",
    "認証情報を表示",
]


def main_html(html: str) -> str:
    return html[html.index("<main>") : html.index("</main>")]


class TestEveryLayout:
    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_every_text_of_the_permissions_page_reads_the_same(self, make_client, layout):
        """Every layout shows the permissions page's headings, labels and buttons with the same
        texts."""
        html = make_client("granted", layout=layout).sign_in().text
        text = page_text(html, keep_templates=True)
        for expected in EXPECTED_TEXTS:
            assert expected in text, expected

    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_the_grant_flow_works_in_every_layout(self, make_client, layout):
        """In every layout a grant posted with both boxes ticked completes and shows an MWS auth
        token."""
        c = make_client(layout=layout)
        c.sign_in()
        c.post(paths.AUTHORIZE, {"developerName": "shippinno", "devMWSAccountId": OUR_DEVELOPER_ID})
        text = page_text(c.follow(c.post(paths.CONSENT, {"agree1": "1", "agree2": "1"})).text)
        assert "手続きが完了しました。" in text and "MWS認証トークン: amzn.mws." in text

    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_sign_in_pages_keep_their_markup_in_every_layout(self, make_client, layout):
        """Layouts change Seller Central's pages only: the sign-in page's markup is Amazon's in
        each."""
        html = make_client(layout=layout).get(paths.SIGNIN).text
        assert (
            '<input id="continue" class="a-button a-button-primary" type="submit" value="次へ進む">'
            in html
        )


class TestNested:
    def test_extra_wrappers_and_another_order(self, make_client):
        """The nested layout wraps the page in extra elements and puts its sections in another
        order."""
        html = main_html(make_client("granted", layout="nested").sign_in().text)
        assert html.count('class="sim-n1"') >= 6
        assert html.index("権限付与履歴") < html.index("現在の権限")
        assert html.index("mws-developer-permissions") < html.index(
            "セラーセントラルユーザーの新規追加"
        )
        assert html.index("現在の権限") < html.index("開発者にアクセス権を付与")

    def test_columns_come_in_another_order(self, make_client):
        """The nested layout puts the permissions table's columns in another order."""
        html = make_client("granted", layout="nested").sign_in().text
        current = html[html.index('id="mws-current-authorizations"') :]
        headers = re.findall(r'<th scope="col">(.*?)</th>', current)[:6]
        assert headers[:2] == ["開発者のニックネーム", "開発者 ID"]


class TestLinks:
    def test_actions_are_links_with_the_button_role_and_navigation_is_plain_links(
        self, make_client
    ):
        """The links layout makes actions links with the button role and navigation plain links: no
        <button> at all."""
        html = main_html(make_client("granted", layout="links").sign_in().text)
        assert "<button" not in html
        assert re.search(r'<a href="#" role="button"[^>]*>アクセス権を承認</a>', html)
        assert re.search(
            rf'<a href="{paths.AUTHORIZE}" class="a-button[^"]*">開発者にアクセス権を付与</a>', html
        )


class TestSplit:
    def test_texts_are_split_across_inline_elements(self, make_client):
        """The split layout splits a button's text across inline elements that still read as one
        text."""
        html = main_html(make_client("granted", layout="split").sign_in().text)
        assert ">アクセス権を承認<" not in html
        assert "<span>アクセス</span><span>権を承認</span>" in html
        assert "アクセス権を承認" in page_text(html)


class TestDecoy:
    def test_a_hidden_duplicate_stands_before_each_real_button(self, make_client):
        """The decoy layout puts a hidden button with the same text before each real one."""
        html = main_html(make_client("granted", layout="decoy").sign_in().text)
        hidden = button_texts(html, hidden=True)
        assert "アクセス権を承認" in hidden and "開発者にアクセス権を付与" in hidden
        assert html.index('style="display:none">アクセス権を承認') < html.index(
            'class="a-button a-button-normal">アクセス権を承認'
        )

    def test_using_a_decoy_is_recorded(self, make_client):
        """Using a decoy is refused (400) and logged as `decoy_clicked`."""
        c = make_client("granted", layout="decoy")
        c.sign_in()
        assert c.post(paths.DECOY).status_code == 400
        assert c.simulator.events_of("decoy_clicked")


class TestLate:
    def test_the_tables_arrive_from_a_template_after_load(self, make_client):
        """The late layout serves the tables in templates a script fills in after load, absent from
        the first text."""
        html = make_client("granted", layout="late").sign_in().text
        assert "現在の権限" not in page_text(html)
        assert html.count("<template>") == 2 and html.count('<div class="mws-late" data-late>') == 2
        assert "setTimeout(fillLate, 300)" in html
        assert OUR_DEVELOPER_ID in page_text(html, keep_templates=True)
