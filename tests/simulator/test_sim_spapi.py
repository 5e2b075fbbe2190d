"""SP-API pages of the simulator: consent, confirm hop, interstitial, redirect, Manage Your
Apps, and the LWA token and Sellers API endpoints with their rules."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from fixtures.simulator.scenarios import DEMO_SELLER_ID
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LOGIN_URI,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)
from fixtures.simulator.testing import page_text

CONSENT = "/apps/authorize/consent"


def consent_url(**extra: str) -> str:
    return CONSENT + "?" + urlencode({"application_id": DEMO_APP_ID, "state": "s1", **extra})


def redirect_of(c, response) -> str:
    """Follow Seller Central's hops to the redirect URI (a page's script or a 302)."""
    for _ in range(10):
        if response.status_code in (302, 303):
            location = response.headers["Location"]
            if location.startswith("https://"):
                return location
            response = c.get(location)
            continue
        match = re.search(r'location\.replace\(("[^"]*")\)', response.text)
        assert match, page_text(response.text)
        target = match.group(1).strip('"').replace("\\u0026", "&")
        if target.startswith("https://"):
            return target
        response = c.get(target)
    raise AssertionError("no redirect")


def authorize(c, **consent_args: str) -> dict[str, str]:
    page = c.sign_in(consent_url(**consent_args))
    assert "Authorize" in page_text(page.text) or "を承認" in page_text(page.text)
    response = c.post(CONSENT, {"consent": "1", "application_id": DEMO_APP_ID})
    url = redirect_of(c, response)
    assert url.startswith(DEMO_REDIRECT_URI + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def exchange(c, code: str, secret: str = DEMO_LWA_CLIENT_SECRET, **extra: str):
    return c.post(
        "/auth/o2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO_REDIRECT_URI,
            "client_id": DEMO_LWA_CLIENT_ID,
            "client_secret": secret,
            **extra,
        },
    )


class TestConsent:
    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_checkbox_consent_names_the_app_and_confirm_starts_disabled(
        self, make_client, language
    ):
        """Variant A: the app's name, the statement, a disabled Confirm until ticked."""
        c = make_client("spapi", language=language)
        text_html = c.sign_in(consent_url()).text
        text = page_text(text_html)
        assert DEMO_APP_NAME in text
        assert ("I direct Amazon to provide" in text) or ("指示します" in text)
        assert re.search(r"<button type=\"submit\"[^>]*disabled", text_html)

    def test_an_unticked_box_consents_nothing(self, make_client):
        """Posting without the box shows the page again and authorizes nothing."""
        c = make_client("spapi")
        c.sign_in(consent_url())
        response = c.post(CONSENT, {"application_id": DEMO_APP_ID})
        assert response.status_code == 200
        assert c.simulator.events_of("spapi_consent") == []

    def test_consent_redirects_with_state_seller_and_code(self, make_client):
        """After consent: the redirect URI with our state, the seller ID and a code."""
        c = make_client("spapi")
        query = authorize(c)
        assert query["state"] == "s1"
        assert query["selling_partner_id"] == DEMO_SELLER_ID
        assert query["spapi_oauth_code"]
        apps = c.simulator.seller(DEMO_SELLER_ID).apps
        assert any(a.app_id == DEMO_APP_ID for a in apps)

    def test_redirect_by_302(self, make_client):
        """The `302` knob reaches the redirect URI by an HTTP redirect."""
        c = make_client("spapi", spapi={"redirect_by": "302"})
        c.sign_in(consent_url())
        response = c.follow(c.post(CONSENT, {"consent": "1"}))
        match = re.search(r'location\.replace\(("[^"]*")\)', response.text)
        assert match and match.group(1).strip('"') == "/apps/authorize/redirect"
        hop = c.get("/apps/authorize/redirect")
        assert hop.status_code == 302
        assert hop.headers["Location"].startswith(DEMO_REDIRECT_URI + "?")

    def test_blank_interstitial_until_reloaded(self, make_client):
        """The interstitial fault: blank for N loads, then the page that moves on."""
        c = make_client("spapi", language="en", spapi={"blank_interstitial": 2})
        c.sign_in(consent_url())
        c.post(CONSENT, {"consent": "1"})
        assert page_text(c.get("/apps/authorize/status").text) == ""
        assert page_text(c.get("/apps/authorize/status").text) == ""
        shown = page_text(c.get("/apps/authorize/status").text)
        assert f"We are authorizing {DEMO_APP_NAME} to access your seller data." in shown
        assert [e["blank"] for e in c.simulator.events_of("spapi_interstitial")] == [
            True,
            True,
            False,
        ]

    def test_login_variant_goes_through_the_app_and_the_confirm_hop(self, make_client):
        """Variant B: the login URI gets amazon_state; the confirm hop with it consents."""
        c = make_client("spapi", spapi={"variant": "login"}, language="en")
        html = c.sign_in(consent_url()).text
        assert f"Log in to {DEMO_APP_NAME} now" in page_text(html)
        href = re.search(r'data-href="([^"]*)"', html).group(1).replace("&amp;", "&")
        assert href.startswith(DEMO_LOGIN_URI + "?")
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        assert query["selling_partner_id"] == DEMO_SELLER_ID
        callback = query["amazon_callback_uri"]
        assert callback.endswith(f"/apps/authorize/confirm/{DEMO_APP_ID}")
        back = urlencode({"amazon_state": query["amazon_state"], "state": "mine"})
        response = c.get(urlsplit(callback).path + "?" + back)
        url = redirect_of(c, response)
        assert parse_qs(urlsplit(url).query)["state"] == ["mine"]
        assert c.simulator.events_of("spapi_consent")[0]["via"] == "login"

    def test_amazon_state_lives_five_minutes(self, make_client, clock):
        """An amazon_state older than five minutes is refused at the confirm hop."""
        c = make_client("spapi", spapi={"variant": "login"})
        html = c.sign_in(consent_url()).text
        href = re.search(r'data-href="([^"]*)"', html).group(1).replace("&amp;", "&")
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        clock.advance(301)
        back = urlencode({"amazon_state": query["amazon_state"], "state": "mine"})
        response = c.get(f"/apps/authorize/confirm/{DEMO_APP_ID}?{back}")
        assert "MD9999" in page_text(response.text)
        assert c.simulator.events_of("spapi_consent") == []


class TestRefusals:
    @pytest.mark.parametrize(
        ("knobs", "args", "code"),
        [
            ({"draft": True}, {}, "MD1000"),
            ({}, {"redirect_uri": "https://elsewhere.test/cb"}, "MD5101"),
            ({}, {"redirect_uri": DEMO_REDIRECT_URI + "#x"}, "MD5110"),
            ({"md_error": "MD9000"}, {}, "MD9000"),
            ({"redirect_uris": []}, {}, "MD9100"),
        ],
    )
    def test_error_codes(self, make_client, knobs, args, code):
        """Each refusal: `Something went wrong`, the app ID and `Error Code: MD…`."""
        c = make_client("spapi", language="en", spapi=knobs)
        text = page_text(c.sign_in(consent_url(**args)).text)
        assert "Something went wrong" in text
        assert f"App ID: {DEMO_APP_ID}" in text
        assert re.search(rf"Error Code:\s*{code}", text)

    def test_draft_with_version_beta_is_served(self, make_client):
        """A draft app's consent works with version=beta."""
        c = make_client("spapi", spapi={"draft": True})
        assert "Something" not in page_text(c.sign_in(consent_url(version="beta")).text)

    def test_unknown_app_is_md4100(self, make_client):
        """Consent for an app ID the simulator does not know is refused with MD4100."""
        c = make_client("spapi", language="en")
        text = page_text(c.sign_in(CONSENT + "?application_id=amzn1.sp.solution.x&state=s").text)
        assert "MD4100" in text

    def test_invalid_access(self, make_client):
        """The `invalid_access` knob answers consent with `Invalid Access`."""
        c = make_client("spapi", language="en", spapi={"invalid_access": True})
        text = page_text(c.sign_in(consent_url()).text)
        assert "Invalid Access" in text


class TestManageYourApps:
    @pytest.mark.parametrize("markup", ["table", "grid"])
    def test_rows_and_their_buttons(self, make_client, markup):
        """Every app with developer, status and dates; Re-authorize / Enable / Disable."""
        c = make_client("spapi-expiring", language="en", spapi={"markup": markup})
        text = page_text(c.sign_in("/apps/manage").text)
        for name in ("Inventory Helper", DEMO_APP_NAME, "Repricer Pro"):
            assert name in text
        assert "Re-authorize" in text and "Enable Authorization" in text
        assert "Disable authorization" in text and "Expired" in text

    def test_paging(self, make_client):
        """With many apps ours is on the second page of Manage Your Apps, reached by `Next`."""
        c = make_client("spapi-many-apps", language="en")
        first = page_text(c.sign_in("/apps/manage").text)
        assert DEMO_APP_NAME not in first and "Next" in first
        assert DEMO_APP_NAME in page_text(c.get("/apps/manage?page=2").text)

    def test_reauthorize_goes_to_consent_and_renews_a_year(self, make_client, clock):
        """`Re-authorize` leads to consent, and consenting sets our app's expiry a year ahead."""
        c = make_client("spapi-expiring")
        c.sign_in("/apps/manage")
        hop = c.get(f"/apps/manage/authorize?appId={DEMO_APP_ID}&action=reauthorize")
        assert hop.headers["Location"].startswith(CONSENT)
        c.follow(hop)
        c.post(CONSENT, {"consent": "1"})
        ours = next(a for a in c.simulator.seller(DEMO_SELLER_ID).apps if a.app_id == DEMO_APP_ID)
        assert (ours.expires_at - c.simulator.now()).days == 365


class TestLwa:
    def test_code_exchange_refresh_and_sellers_call(self, make_client):
        """A code gives a refresh token once; its access token is what the Sellers API takes."""
        c = make_client("spapi")
        code = authorize(c)["spapi_oauth_code"]
        first = exchange(c, code)
        assert first.status_code == 200
        refresh = first.json["refresh_token"]
        assert refresh.startswith("Atzr|")
        again = exchange(c, code)
        assert again.status_code == 400 and again.json["error"] == "invalid_grant"
        basic = base64.b64encode(f"{DEMO_LWA_CLIENT_ID}:{DEMO_LWA_CLIENT_SECRET}".encode()).decode()
        access = c.post(
            "/auth/o2/token",
            {"grant_type": "refresh_token", "refresh_token": refresh},
            headers={"Authorization": f"Basic {basic}"},
        ).json["access_token"]
        sellers = c.get(
            "/sellers/v1/marketplaceParticipations", headers={"x-amz-access-token": access}
        )
        assert sellers.json["payload"][0]["marketplace"]["id"] == "A1VC38T7YXB528"
        assert c.get("/sellers/v1/marketplaceParticipations").status_code == 403

    def test_code_expires_after_five_minutes(self, make_client, clock):
        """A code exchanged after five minutes on the simulator's clock is refused with
        `invalid_grant`."""
        c = make_client("spapi")
        code = authorize(c)["spapi_oauth_code"]
        clock.advance(301)
        response = exchange(c, code)
        assert response.status_code == 400 and response.json["error"] == "invalid_grant"

    def test_wrong_client_secret_is_invalid_client(self, make_client):
        """An exchange with a wrong client secret is refused 401 with `invalid_client`."""
        c = make_client("spapi")
        code = authorize(c)["spapi_oauth_code"]
        response = exchange(c, code, secret="wrong")
        assert response.status_code == 401 and response.json["error"] == "invalid_client"
