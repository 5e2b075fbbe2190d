"""Granting developer access: option screen, developer form, consent and completion."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from fixtures.simulator import Faults, paths
from fixtures.simulator.scenarios import DEMO_SELLER_ID, OUR_DEVELOPER_ID
from fixtures.simulator.testing import element, label_text, page_text

TOKEN = re.compile(
    r"amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
QUERY = "?developerName=shippinno&devMWSAccountId=5259-6479-4073"


def fill_form(c, name="shippinno", developer_id=OUR_DEVELOPER_ID):
    return c.post(paths.AUTHORIZE, {"developerName": name, "devMWSAccountId": developer_id})


def consent(c, *boxes: int):
    return c.post(paths.CONSENT, {f"agree{i}": "1" for i in boxes})


class TestDeveloperForm:
    def test_the_form_greets_the_seller_and_labels_both_inputs(self, make_client):
        """The developer form greets the seller by name and labels both inputs, the example and the
        `次へ` button."""
        c = make_client()
        c.sign_in()
        html = c.get(paths.AUTHORIZE).text
        text = page_text(html)
        assert "Amazon Marketplace Web Service (Amazon MWS)" in text
        assert (
            "こんにちは サンプル商店 (次の出品用アカウントの利用者ですか : サンプル商店?)" in text
        )
        assert '<label for="developerName">開発者氏名:</label>' in html
        assert '<label for="devMWSAccountId">開発者ID :</label>' in html
        assert "例 : 1234-1234-1234 または 123412341234" in text
        assert '<button type="submit" class="a-button a-button-primary">次へ</button>' in html

    def test_the_registration_parameters_prefill_the_form(self, make_client):
        """The registration link's developer name and ID prefill the form."""
        c = make_client()
        c.sign_in(paths.REGISTER + QUERY)
        html = c.get(paths.AUTHORIZE + QUERY).text
        assert element(html, "developerName")["value"] == "shippinno"
        assert element(html, "devMWSAccountId")["value"] == OUR_DEVELOPER_ID

    def test_the_grant_button_on_the_registration_page_carries_the_parameters(self, make_client):
        """The registration page's grant button carries the developer name and ID to the form."""
        html = make_client().sign_in(paths.REGISTER + QUERY).text
        assert (
            f'<form method="get" action="{paths.AUTHORIZE}" class="inline-form">'
            '<input type="hidden" name="developerName" value="shippinno">'
            f'<input type="hidden" name="devMWSAccountId" value="{OUR_DEVELOPER_ID}">'
        ) in html

    def test_a_valid_form_records_it_and_goes_to_consent(self, make_client):
        """A valid form (an ID without hyphens too) is logged as valid and goes to consent."""
        c = make_client()
        c.sign_in()
        r = fill_form(c, developer_id="525964794073")
        assert r.headers["Location"] == paths.CONSENT
        (event,) = c.simulator.events_of("grant_form")
        assert (event["developer_name"], event["developer_id"], event["valid"]) == (
            "shippinno",
            "525964794073",
            True,
        )

    @pytest.mark.parametrize("bad", ["5259-6479-407", "5259 6479 4073", "abcd-efgh-ijkl", ""])
    def test_a_malformed_developer_id_is_refused_on_the_form(self, make_client, bad):
        """A developer ID that is not 12 digits is refused on the form with Amazon's message."""
        c = make_client()
        c.sign_in()
        r = fill_form(c, developer_id=bad)
        assert r.status_code == 200
        assert "開発者IDが正しくありません" in r.text

    def test_a_missing_name_is_refused(self, make_client):
        """A form without the developer's name is refused with Amazon's message."""
        c = make_client()
        c.sign_in()
        assert "開発者氏名を入力してください" in fill_form(c, name="").text

    def test_consent_without_the_form_goes_back_to_the_form(self, make_client):
        """Consent opened before the form was sent redirects to the form."""
        c = make_client()
        c.sign_in()
        assert c.get(paths.CONSENT).headers["Location"] == paths.AUTHORIZE


class TestLegacyOptionScreen:
    @pytest.fixture
    def client(self, make_client):
        c = make_client()
        c.simulator.seller(DEMO_SELLER_ID).legacy_option_screen = True
        c.sign_in()
        return c

    def test_older_accounts_see_the_option_screen_first(self, client):
        """A seller with the legacy option screen sees it, with both options' labels, before the
        form."""
        r = client.get(paths.AUTHORIZE + QUERY)
        assert r.headers["Location"] == paths.OPTION + QUERY
        html = client.get(r.headers["Location"]).text
        assert label_text(html, "mws-option-self") == (
            "出品用アカウントでマーケットプレイスWebサービスを利用します。"
        )
        assert label_text(html, "mws-option-developer") == (
            "アプリケーションを使って、マーケットプレイスWebサービスにアクセスすることを希望します。"
        )
        assert ">次へ</button>" in html

    def test_choosing_the_developer_option_leads_to_the_prefilled_form(self, client):
        """Choosing the developer option leads to the form prefilled with the developer."""
        r = client.post(
            paths.OPTION,
            {
                "option": "developer",
                "developerName": "shippinno",
                "devMWSAccountId": OUR_DEVELOPER_ID,
            },
        )
        assert r.headers["Location"] == paths.AUTHORIZE + QUERY
        html = client.get(r.headers["Location"]).text
        assert element(html, "developerName")["value"] == "shippinno"

    def test_no_choice_shows_the_option_screen_again(self, client):
        """Sending the option screen without a choice shows it again with Amazon's message."""
        assert "いずれかを選択してください。" in client.post(paths.OPTION, {}).text

    def test_the_own_account_option_does_not_lead_to_the_developer_form(self, client):
        """The own-account option is logged and does not lead to the developer form."""
        r = client.post(paths.OPTION, {"option": "self"})
        assert r.status_code == 200 and "developerName" not in r.text
        assert client.simulator.events_of("option_select")[0]["option"] == "self"


class TestConsent:
    @pytest.fixture
    def client(self, make_client):
        c = make_client()
        c.sign_in()
        fill_form(c)
        return c

    def test_the_consent_page_names_the_developer_and_has_both_boxes(self, client):
        """The consent page names the developer, labels both boxes with the warning between them,
        and logs who it named."""
        html = client.get(paths.CONSENT).text
        text = page_text(html)
        assert (
            "下の「次へ」をクリックすると、これを了承したことになり、shippinnoにAmazon出品用アカウントへの"
            "アクセス権が付与されます。"
        ) in text
        assert label_text(html, "consent-box-1") == (
            "カタログ情報を送信するにあたり、すべての商品は禁止商品ではないことを誓約します。"
        )
        assert label_text(html, "consent-box-2") == (
            "私は私の出品用アカウントに対するshippinnoの作為・不作為について完全に責任を負うことを"
            "理解し、shippinnoが私の出品用アカウントにアクセスすることを許可します。"
        )
        assert (
            html.index('id="consent-box-1"')
            < html.index('class="consent-warning"')
            < html.index('id="consent-box-2"')
        )
        assert client.simulator.events_of("consent_shown")[0]["developer_name"] == "shippinno"

    @pytest.mark.parametrize("boxes", [(), (1,), (2,)])
    def test_without_both_boxes_nothing_is_granted(self, client, boxes):
        """Consent with fewer than both boxes ticked is refused, logged with the boxes sent, and
        grants nothing."""
        r = consent(client, *boxes)
        assert r.status_code == 200
        assert "続行するには、2か所のチェックボックスにチェックを入れてください。" in r.text
        assert client.simulator.events_of("grant_attempt")[0]["boxes"] == list(boxes)
        assert not client.simulator.events_of("grant")
        assert client.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID) is None

    def test_both_boxes_grant_access_and_record_the_grant(self, client, clock):
        """Both boxes grant: an active row with a well-formed token, valid a year from now, and one
        `grant` event carrying it."""
        r = consent(client, 1, 2)
        assert r.headers["Location"] == paths.COMPLETE
        row = client.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
        now = datetime.fromtimestamp(clock.time(), UTC)
        assert row.active and row.nickname == "shippinno" and TOKEN.fullmatch(row.token)
        assert row.granted_at == now and row.expires_at == now + timedelta(days=365)
        (event,) = client.simulator.events_of("grant")
        assert event == {
            "kind": "grant",
            "time": clock.time(),
            "seller_id": DEMO_SELLER_ID,
            "developer_name": "shippinno",
            "developer_id": OUR_DEVELOPER_ID,
            "boxes": [1, 2],
            "token": row.token,
        }

    def test_the_consent_page_can_name_another_developer(self, make_client):
        """The `consent_developer_name` fault makes consent name another developer, and the log says
        so."""
        c = make_client(faults=Faults(consent_developer_name="evil-corp"))
        c.sign_in()
        fill_form(c)
        text = page_text(c.get(paths.CONSENT).text)
        assert "evil-corpにAmazon出品用アカウントへのアクセス権が付与されます" in text
        assert "shippinno" not in text
        assert c.simulator.events_of("consent_shown")[0]["developer_name"] == "evil-corp"


class TestCompletion:
    def test_the_completion_page_shows_every_credential(self, make_client):
        """The completion page shows the seller ID, marketplace ID and the granted row's MWS auth
        token."""
        c = make_client()
        c.sign_in()
        fill_form(c)
        text = page_text(c.follow(consent(c, 1, 2)).text)
        token = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token
        assert "手続きが完了しました。" in text
        assert (
            "shippinno は今後、あなたの出品用アカウントで"
            "マーケットプレイスWebサービスにアクセスすることができます。" in text
        )
        assert "次の出品用アカウントの認証情報：" in text
        assert f"出品者ID: {DEMO_SELLER_ID}" in text
        assert "マーケットプレイスID: A1VC38T7YXB528" in text
        assert f"出品者-開発者 認証情報 MWS認証トークン: {token}" in text
        assert "Eメールでは送信されません" in text

    def test_the_marketplace_id_is_the_one_picked(self, make_client):
        """The completion page's marketplace ID is the marketplace chosen on the picker."""
        c = make_client("picker")
        c.sign_in(pick=(DEMO_SELLER_ID, "US"))
        fill_form(c)
        assert "マーケットプレイスID: ATVPDKIKX0DER" in page_text(c.follow(consent(c, 1, 2)).text)

    def test_a_malformed_token_fault_shows_a_token_of_the_wrong_shape(self, make_client):
        """The `malformed_token` fault shows a token of the wrong shape and no well-formed one."""
        c = make_client(faults=Faults(malformed_token=True))
        c.sign_in()
        fill_form(c)
        text = page_text(c.follow(consent(c, 1, 2)).text)
        assert "MWS認証トークン: amzn.mws.not-a-token" in text
        assert not TOKEN.search(text)

    def test_the_new_row_appears_in_the_current_table(self, make_client):
        """After a grant, the developer's row is in the permissions page's current table."""
        c = make_client()
        c.sign_in()
        fill_form(c)
        consent(c, 1, 2)
        assert f"{OUR_DEVELOPER_ID} shippinno" in page_text(c.get(paths.HOME).text)

    def test_granting_again_keeps_the_token(self, make_client):
        """Granting a developer already granted keeps its token and adds no row."""
        c = make_client("granted")
        c.sign_in()
        token = c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token
        fill_form(c)
        consent(c, 1, 2)
        assert c.simulator.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID).token == token
        assert len(c.simulator.seller(DEMO_SELLER_ID).developers) == 2

    def test_english_completion_texts(self, make_client):
        """The English completion page labels the seller ID, marketplace ID and MWS auth token in
        English."""
        c = make_client(language="en")
        c.sign_in()
        fill_form(c)
        text = page_text(c.follow(consent(c, 1, 2)).text)
        assert f"Seller ID: {DEMO_SELLER_ID}" in text
        assert "Marketplace ID: A1VC38T7YXB528" in text
        assert "MWS Auth Token: amzn.mws." in text


class TestEnglishGrantFlow:
    def test_the_form_labels_and_button_are_english(self, make_client):
        """The English developer form's labels and button are in English."""
        c = make_client(language="en")
        c.sign_in()
        html = c.get(paths.AUTHORIZE).text
        assert '<label for="developerName">Developer\'s Name</label>' in html.replace("&#39;", "'")
        assert '<label for="devMWSAccountId">Developer Account Number</label>' in html
        assert ">Next</button>" in html

    def test_the_consent_page_is_english(self, make_client):
        """The English consent page says the developer will be given access."""
        c = make_client(language="en")
        c.sign_in()
        fill_form(c)
        text = page_text(c.get(paths.CONSENT).text)
        assert "shippinno will be given access to your Amazon seller account" in text
