"""The SP-API jobs as the engine runs them, without a browser: per-account app settings, the
preparation before a browser starts, the stored refresh token's history, audit rules, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import InvalidInput
from automation.settings import load_settings
from automation.store import Store
from flows.site import resolve_account
from flows.spapi.app_renew import SPEC as APP_RENEW
from flows.spapi.app_status import SPEC as APP_STATUS
from flows.spapi.authorize import SPEC as AUTHORIZE
from flows.spapi.options import AppJobOptions
from flows.spapi.reporting import (
    audit_app_renew,
    audit_authorize,
    mask_token,
    summarise_app_renew,
    summarise_authorize,
)
from flows.spapi.settings import app_settings_for

APP_ID = "amzn1.sp.solution.3f6c2b1e-8d4a-4c5b-9e7f-0a1b2c3d4e5f"
OTHER_APP = "amzn1.sp.solution.00000000-1111-4222-8333-444444444444"
CLIENT_ID = "amzn1.application-oa2-client.5e1d7c0a9b8f4e2d8c6b4a2f0e1d3c5b"
SECRET = "amzn1.oa2-cs.v1.wiring-test-secret-value"
ACME_SECRET = "amzn1.oa2-cs.v1.acme-own-secret-value"
TOKEN_A = "Atzr|IwEBIFirstRefreshTokenOfTheWiringTest0000"
TOKEN_B = "Atzr|IwEBISecondRefreshTokenOfTheWiringTest111"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The app in SELLERAUTH_*, an accounts file with `acme`, a state dir; the file's path."""
    for key, value in {
        "SELLERAUTH_APP_ID": APP_ID,
        "SELLERAUTH_APP_NAME": "Shippinno Connector",
        "SELLERAUTH_REDIRECT_URI": "https://app.example.com/spapi/callback",
        "SELLERAUTH_LWA_CLIENT_ID": CLIENT_ID,
        "SELLERAUTH_LWA_CLIENT_SECRET": SECRET,
        "SELLERAUTH_STATE_DIR": str(tmp_path / "state"),
        "SELLERAUTH_ACCOUNTS__ACME__PASSWORD": "pw-acme-0001",
    }.items():
        monkeypatch.setenv(key, value)
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.acme]\nemail = "ops@acme.example.com"\n')
    monkeypatch.setenv("SELLERAUTH_ACCOUNTS_FILE", str(accounts))
    return accounts


def acme():  # type: ignore[no-untyped-def]
    settings = load_settings()
    return settings, resolve_account(settings, "acme")


class TestPerAccountAppSettings:
    def test_the_accounts_file_and_the_accounts_secret_win(self, env, monkeypatch) -> None:
        """`[accounts.acme]` app keys and SELLERAUTH_ACCOUNTS__ACME__LWA_CLIENT_SECRET over
        the SELLERAUTH_* values; the profile itself is unchanged."""
        env.write_text(
            '[accounts.acme]\nemail = "ops@acme.example.com"\n'
            f'app_id = "{OTHER_APP}"\napp_name = "Acme Connector"\napp_draft = "1"\n'
        )
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__LWA_CLIENT_SECRET", ACME_SECRET)
        settings, account = acme()
        app = app_settings_for(settings, account)
        assert (app.app_id, app.app_name, app.app_draft) == (OTHER_APP, "Acme Connector", True)
        assert app.lwa_client_secret.get_secret_value() == ACME_SECRET
        assert app.lwa_client_id == CLIENT_ID

    def test_the_secret_from_the_secrets_dir(self, env, monkeypatch, tmp_path) -> None:
        """<secrets dir>/acme.lwa_client_secret is acme's client secret."""
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "acme.lwa_client_secret").write_text(ACME_SECRET + "\n")
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(secrets))
        settings, account = acme()
        assert app_settings_for(settings, account).lwa_client_secret.get_secret_value() == (
            ACME_SECRET
        )

    def test_a_client_secret_in_the_file_is_refused(self, env) -> None:
        """The client secret never goes in the accounts file: refused, not quoted."""
        env.write_text(
            '[accounts.acme]\nemail = "ops@acme.example.com"\n'
            f'lwa_client_secret = "{ACME_SECRET}"\n'
        )
        with pytest.raises(InvalidInput) as caught:
            acme()
        assert caught.value.field == "lwa_client_secret"
        assert ACME_SECRET not in caught.value.message

    def test_a_bad_value_in_the_file_names_the_file(self, env) -> None:
        """An LWA client ID as acme's app_id: the file, the table and the variable named."""
        env.write_text(f'[accounts.acme]\nemail = "ops@acme.example.com"\napp_id = "{CLIENT_ID}"\n')
        settings, account = acme()
        with pytest.raises(InvalidInput) as caught:
            app_settings_for(settings, account)
        assert caught.value.field == "app_id"
        assert "[accounts.acme] app_id" in caught.value.message
        assert str(env) in caught.value.message

    def test_an_unknown_key_is_still_refused(self, env) -> None:
        env.write_text('[accounts.acme]\nemail = "ops@acme.example.com"\napp_idd = "x"\n')
        with pytest.raises(InvalidInput) as caught:
            acme()
        assert "app_idd" in caught.value.message and "app_id" in caught.value.message


class TestPrepare:
    def test_a_bad_setting_refuses_every_job_before_a_browser(self, env, monkeypatch) -> None:
        monkeypatch.setenv("SELLERAUTH_APP_ID", CLIENT_ID)
        settings, account = acme()
        for spec in (AUTHORIZE, APP_STATUS, APP_RENEW):
            with pytest.raises(InvalidInput) as caught:
                spec.command().prepared(settings, account, None)
            assert caught.value.field == "app_id"

    def test_the_last_stored_token_of_this_app_is_known(self, env) -> None:
        """The newest refresh token stored for (account, app) is handed to the flow, with the
        run it came from; another app's token is not; nothing of it is recorded as options."""
        settings, account = acme()
        with Store.open(settings) as store:
            first = _stored(store, TOKEN_A, APP_ID)
            _stored(store, TOKEN_B, OTHER_APP)
            command = AUTHORIZE.command({"renew_within": 10}).prepared(settings, account, store)
        options = command.options
        assert isinstance(options, AppJobOptions)
        assert options.known is not None
        assert options.known.refresh_token.get_secret_value() == TOKEN_A
        assert options.known.selling_partner_id == "A1SIMJPDEMO0X1"
        assert options.replaces == first
        recorded = str(command.recorded_options())
        assert recorded == "{'renew_within': 10, 'no_verify': False}"
        assert SECRET not in repr(options)


def _stored(store: Store, token: str, app_id: str) -> str:
    run = store.create_run("authorize", {}, ["acme"], kind="single")
    data = {"account": "acme", "outcome": "authorized", "app_id": app_id}
    data["selling_partner_id"] = "A1SIMJPDEMO0X1"
    store.finish_result(run.run_id, "acme", "done", data=data, secrets={"refresh_token": token})
    return run.run_id


class TestSecretHistory:
    def test_each_new_value_replaces_the_one_before(self, env) -> None:
        """Newest first; a repeat of the same token replaces nothing; other apps apart."""
        settings, _ = acme()
        with Store.open(settings) as store:
            one = _stored(store, TOKEN_A, APP_ID)
            _stored(store, TOKEN_A, APP_ID)  # already_authorized: the same token again
            two = _stored(store, TOKEN_B, APP_ID)
            _stored(store, "Atzr|other-app-token-000000000000", OTHER_APP)
            history = store.secret_history("acme", "refresh_token", app_id=APP_ID)
        assert [(h.run_id, h.value, h.replaced_by) for h in history] == [
            (two, TOKEN_B, None),
            (one, TOKEN_A, two),
        ]


class TestAuditAndSummaries:
    def test_authorize_audits_a_new_consent_only(self) -> None:
        data = {
            "outcome": "authorized",
            "app_id": APP_ID,
            "selling_partner_id": "A1SIMJPDEMO0X1",
            "marketplace_ids": ["A1VC38T7YXB528"],
            "expires_at": "2027-11-30",
        }
        [event] = audit_authorize(data, AUTHORIZE.command().options)
        assert (event.action, event.developer_id) == ("authorize", APP_ID)
        assert event.after["selling_partner_id"] == "A1SIMJPDEMO0X1"
        assert event.after["replaces"] is None
        assert audit_authorize({**data, "outcome": "already_authorized"}, None) == []
        assert summarise_authorize(data, None) == (
            "authorized A1SIMJPDEMO0X1 (A1VC38T7YXB528)",
            "2027-11-30",
        )

    @pytest.mark.parametrize(
        ("action", "dry_run", "audited"),
        [
            ("reauthorized", False, ["reauthorize"]),
            ("enabled", False, ["enable"]),
            ("none", False, []),
            ("none", True, []),
        ],
    )
    def test_app_renew_audits_clicks_only(self, action, dry_run, audited) -> None:
        data = {"action": action, "dry_run": dry_run, "app_id": APP_ID, "expires_at": None}
        events = audit_app_renew(data, APP_RENEW.command().options)
        assert [e.action for e in events] == audited

    def test_a_dry_run_summary_says_what_would_be_done(self) -> None:
        """`would_do` is a list, as `renew`'s; an older result's past-tense word still reads."""
        data = {"action": "none", "would_do": ["reauthorize"], "dry_run": True, "expires_at": None}
        assert summarise_app_renew(data, None) == ("dry run: would reauthorize", "-")
        older = data | {"would_do": "reauthorized"}
        assert summarise_app_renew(older, None) == ("dry run: would reauthorize", "-")
        nothing = data | {"would_do": []}
        assert summarise_app_renew(nothing, None) == ("dry run: nothing due", "-")

    def test_the_token_is_masked_to_its_kind_and_last_four(self) -> None:
        assert mask_token(TOKEN_A) == "Atzr|…0000"
        assert mask_token("short") == "****" and mask_token(None) == "-"
