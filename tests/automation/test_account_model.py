"""The engine learns an account's keys from the account model it is handed, and from nothing
else: which keys `[accounts.<name>]` may hold, which are secrets (never in the file, read from
`SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` or the secrets dir) and which per-account variables
exist. Two tiny site models stand in for a site; no `flows` module is imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from automation.accounts import AccountProfile, load_accounts, read_accounts_file, resolve_account
from automation.errors import InvalidInput
from automation.log import redact
from automation.settings import load_settings

PASSWORD = "pw-tiny-model-0001"
API_KEY = "tiny-api-key-value-0001"


class ShopAccount(AccountProfile):
    """A site whose accounts carry a shop code and a secret API key."""

    shop_code: str | None = None
    api_key: SecretStr | None = None


class RegionAccount(AccountProfile):
    """Another site, with a region and no secret of its own."""

    region: str = "eu"


def _write(text: str) -> None:
    Path("accounts.toml").write_text(text, encoding="utf-8")


class TestKeySets:
    def test_keys_come_from_the_fields(self) -> None:
        """Plain fields are file keys; fields typed SecretStr are secrets, the engine's first."""
        assert ShopAccount.file_keys() == ("email", "shop_code")
        assert ShopAccount.secret_keys() == ("password", "totp_secret", "api_key")
        assert RegionAccount.file_keys() == ("email", "region")
        assert RegionAccount.secret_keys() == ("password", "totp_secret")
        assert AccountProfile.file_keys() == ("email",)

    def test_each_model_sees_its_own_keys_only(self) -> None:
        """Declaring one site's model adds nothing to another's or to the engine's: a shop
        code is accepted for ShopAccount only, a region for RegionAccount only."""
        _write('[accounts.acme]\nemail = "a@acme.example"\nshop_code = "S-1"\n')
        path = Path("accounts.toml")
        assert read_accounts_file(path, ShopAccount) == {
            "acme": {"email": "a@acme.example", "shop_code": "S-1"}
        }
        for other in (RegionAccount, AccountProfile):
            with pytest.raises(InvalidInput) as caught:
                read_accounts_file(path, other)
            assert "unknown key 'shop_code'" in caught.value.message
            assert caught.value.message.endswith(f"use {', '.join(other.file_keys())}")


class TestSiteSecrets:
    def test_a_site_secret_in_the_file_is_refused(self) -> None:
        """The model's own secret is refused in the file like a password, naming where it goes
        and never quoting it."""
        _write(f'[accounts.acme]\nemail = "a@acme.example"\napi_key = "{API_KEY}"\n')
        with pytest.raises(InvalidInput) as caught:
            resolve_account(load_settings(), "acme", model=ShopAccount)
        assert caught.value.field == "api_key"
        assert "SELLERAUTH_ACCOUNTS__ACME__API_KEY" in caught.value.message
        assert "<secrets dir>/acme.api_key" in caught.value.message
        assert API_KEY not in caught.value.message

    def test_a_site_secret_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SELLERAUTH_ACCOUNTS__<NAME>__API_KEY lands on the profile, registered for
        redaction."""
        _write('[accounts.acme]\nemail = "a@acme.example"\nshop_code = "S-1"\n')
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__API_KEY", API_KEY)
        profile = resolve_account(load_settings(), "acme", model=ShopAccount)
        assert profile.shop_code == "S-1"
        assert profile.api_key is not None and profile.api_key.get_secret_value() == API_KEY
        assert API_KEY not in repr(profile) and API_KEY not in redact(f"key={API_KEY}")

    def test_a_site_secret_from_the_secrets_dir(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """<secrets dir>/<name>.api_key is the account's key when no variable sets it."""
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "acme.password").write_text(PASSWORD + "\n")
        (secrets / "acme.api_key").write_text(API_KEY + "\n")
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(secrets))
        _write('[accounts.acme]\nemail = "a@acme.example"\n')
        profile = resolve_account(load_settings(), "acme", model=ShopAccount)
        assert profile.api_key is not None and profile.api_key.get_secret_value() == API_KEY

    def test_an_unset_site_secret_is_none(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An account without the site's secret resolves; the field is None."""
        _write('[accounts.acme]\nemail = "a@acme.example"\n')
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWORD", PASSWORD)
        assert resolve_account(load_settings(), "acme", model=ShopAccount).api_key is None


class TestAccountVariables:
    def test_a_variable_is_known_only_to_the_model_declaring_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """SELLERAUTH_ACCOUNTS__ACME__API_KEY is ShopAccount's; resolving with a model without
        that secret refuses it, naming the variable and the model's own, value unquoted."""
        _write('[accounts.acme]\nemail = "a@acme.example"\n')
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__API_KEY", API_KEY)
        settings = load_settings()  # settings alone do not judge the account variables
        assert isinstance(load_accounts(settings, ShopAccount)["acme"], ShopAccount)
        with pytest.raises(InvalidInput) as caught:
            load_accounts(settings, RegionAccount)
        assert caught.value.field == "accounts"
        message = caught.value.message
        assert "SELLERAUTH_ACCOUNTS__ACME__API_KEY is not a known setting" in message
        assert "PASSWORD, TOTP_SECRET)" in message and API_KEY not in message

    def test_the_default_account_takes_its_site_secret_too(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The default account (SELLERAUTH_EMAIL ...) reads the site's secret from
        SELLERAUTH_ACCOUNTS__DEFAULT__<KEY>, as a named one does."""
        monkeypatch.setenv("SELLERAUTH_EMAIL", "seller@example.com")
        monkeypatch.setenv("SELLERAUTH_PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__DEFAULT__API_KEY", API_KEY)
        profile = resolve_account(load_settings(), None, model=ShopAccount)
        assert profile.api_key is not None and profile.api_key.get_secret_value() == API_KEY
