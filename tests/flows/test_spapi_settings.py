"""SP-API settings: validated before a browser starts, each problem naming its variable; and
the renewal rules, without a browser."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from automation.errors import InvalidInput, NotAuthorized
from flows.spapi.app_renew import decide_renewal
from flows.spapi.results import AppRow
from flows.spapi.settings import load_app_settings, spapi_endpoint_for

APP_ID = "amzn1.sp.solution.3f6c2b1e-8d4a-4c5b-9e7f-0a1b2c3d4e5f"
CLIENT_ID = "amzn1.application-oa2-client.5e1d7c0a9b8f4e2d8c6b4a2f0e1d3c5b"
SECRET = "amzn1.oa2-cs.v1.settings-test-secret-value"
ENV = {
    "SELLERAUTH_APP_ID": APP_ID,
    "SELLERAUTH_APP_NAME": "Shippinno Connector",
    "SELLERAUTH_REDIRECT_URI": "https://app.example.com/spapi/callback",
    "SELLERAUTH_LWA_CLIENT_ID": CLIENT_ID,
    "SELLERAUTH_LWA_CLIENT_SECRET": SECRET,
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    return monkeypatch


class TestAppSettings:
    def test_from_the_environment_with_defaults(self, env) -> None:
        app = load_app_settings()
        assert app.app_id == APP_ID and app.app_draft is False
        assert app.lwa_token_url == "https://api.amazon.com/auth/o2/token"
        assert app.lwa_client_secret.get_secret_value() == SECRET
        assert SECRET not in repr(app)
        assert app.endpoint_for("JP") == "https://sellingpartnerapi-fe.amazon.com"

    def test_older_app_ids_are_accepted(self, env) -> None:
        older = "amzn1.sellerapps.app.3f6c2b1e-8d4a-4c5b-9e7f-0a1b2c3d4e5f"
        assert load_app_settings(app_id=older).app_id == older

    def test_an_lwa_client_id_as_app_id_is_refused_saying_which_is_which(self, env) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_app_settings(app_id=CLIENT_ID)
        assert caught.value.field == "app_id"
        message = caught.value.message
        assert "SELLERAUTH_APP_ID" in message and "LWA client ID" in message
        assert "SELLERAUTH_LWA_CLIENT_ID" in message and "amzn1.sp.solution" in message

    def test_an_app_id_as_client_id_is_refused(self, env) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_app_settings(lwa_client_id=APP_ID)
        assert caught.value.field == "lwa_client_id"
        assert "SELLERAUTH_APP_ID" in caught.value.message

    @pytest.mark.parametrize(
        ("uri", "says"),
        [
            ("http://app.example.com/cb", "https"),
            ("https://app.example.com/cb#top", "'#'"),
            ("not a url", "URL"),
        ],
    )
    def test_redirect_uri_rules(self, env, uri: str, says: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_app_settings(redirect_uri=uri)
        assert "SELLERAUTH_REDIRECT_URI" in caught.value.message and says in caught.value.message

    def test_loopback_http_is_allowed_for_the_simulator(self, env) -> None:
        app = load_app_settings(
            redirect_uri="http://127.0.0.1:8765/cb",
            lwa_token_url="http://127.0.0.1:8765/auth/o2/token",
            spapi_endpoint="http://localhost:8765/",
        )
        assert app.endpoint_for("US") == "http://localhost:8765"

    def test_token_url_must_be_https_elsewhere(self, env) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_app_settings(lwa_token_url="http://api.amazon.com/auth/o2/token")
        assert "SELLERAUTH_LWA_TOKEN_URL" in caught.value.message

    def test_missing_values_are_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_app_settings()
        for name in ("APP_ID", "APP_NAME", "LWA_CLIENT_ID", "LWA_CLIENT_SECRET"):
            assert f"SELLERAUTH_{name} is required" in caught.value.message

    def test_redirect_uri_is_required(self, env) -> None:
        env.delenv("SELLERAUTH_REDIRECT_URI")
        with pytest.raises(InvalidInput) as caught:
            load_app_settings()
        assert "SELLERAUTH_REDIRECT_URI is required" in caught.value.message

    def test_the_secret_from_a_secrets_dir(self, env, tmp_path: Path) -> None:
        env.delenv("SELLERAUTH_LWA_CLIENT_SECRET")
        (tmp_path / "sellerauth_lwa_client_secret").write_text("from-a-file-secret-0001")
        app = load_app_settings(secrets_dir=tmp_path)
        assert app.lwa_client_secret.get_secret_value() == "from-a-file-secret-0001"

    def test_an_account_override_wins(self, env) -> None:
        app = load_app_settings(app_name="Other Name", app_draft=True)
        assert app.app_name == "Other Name" and app.app_draft is True

    @pytest.mark.parametrize(
        ("marketplace", "host"),
        [("JP", "fe"), ("US", "na"), ("UK", "eu"), ("DE", "eu"), ("AU", "fe")],
    )
    def test_endpoint_by_region(self, marketplace: str, host: str) -> None:
        assert spapi_endpoint_for(marketplace) == f"https://sellingpartnerapi-{host}.amazon.com"


def row(status: str, expires_in: int | None) -> AppRow:
    today = date(2026, 11, 30)
    expires = today + timedelta(days=expires_in) if expires_in is not None else None
    return AppRow(app_name="A", developer="D", status=status, expires_at=expires, ours=True)


class TestDecideRenewal:
    TODAY = date(2026, 11, 30)

    @pytest.mark.parametrize(
        ("status", "expires_in", "force", "action"),
        [
            ("active", 200, False, "none"),
            ("active", 30, False, "reauthorized"),
            ("active", 31, False, "none"),
            ("active", 200, True, "reauthorized"),
            ("active", None, False, "reauthorized"),
            ("expired", -3, False, "enabled"),
            ("disabled", 100, True, "enabled"),
        ],
    )
    def test_rules(self, status, expires_in, force, action) -> None:
        assert decide_renewal(row(status, expires_in), self.TODAY, 30, force) == action

    def test_a_disabled_app_is_not_undone_without_force(self) -> None:
        with pytest.raises(NotAuthorized):
            decide_renewal(row("disabled", 100), self.TODAY)


class TestReadDate:
    @pytest.mark.parametrize(
        "text",
        ["2027年3月6日", "Mar 6, 2027", "6 Mar 2027", "2027-03-06", "2027/03/06", "3/6/2027"],
    )
    def test_formats(self, text: str) -> None:
        from flows.spapi.pages.apps import read_date

        assert read_date(text) == date(2027, 3, 6)

    @pytest.mark.parametrize("text", ["", "-", "soon", "2027-13-40"])
    def test_no_date(self, text: str) -> None:
        from flows.spapi.pages.apps import read_date

        assert read_date(text) is None


class TestNamesOnly:
    @pytest.mark.parametrize(
        ("names", "ok"),
        [
            (["Shippinno Connector"], True),
            (["Shippinno Connector with", "Shippinno Connector"], True),
            (["Evil Scraper"], False),
            (["Evil Scraper", "Shippinno Connector"], False),
            (["Shippinno"], False),
            (["Shippinno Connector Pro", "Shippinno Connector"], False),
            (["Shippinno Connector", "Shippinno Connector-Pro"], False),
            (["Shippinno Connectorに今すぐログイン", "Shippinno Connector"], True),
            (["私は、Amazonに対し、Shippinno Connector", "Shippinno Connector"], True),
            (["Super Shippinno Connector", "Shippinno Connector"], False),
            ([], False),
        ],
    )
    def test_consent_names_our_app_only(self, names: list[str], ok: bool) -> None:
        from flows.spapi.consent import names_only

        assert names_only(names, "Shippinno Connector") is ok
