"""Tests for automation.settings: settings, account profiles and the accounts file.

Accounts are resolved as the site's (`flows.site.SellerAccount`), as the command line does; the
last tests check the engine's own profile and a site adding fields of another module.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel, SecretStr, field_validator

from automation import settings as settings_module
from automation.accounts import AccountProfile
from automation.accounts import resolve_account as engine_resolve_account
from automation.errors import InvalidInput
from automation.files import ensure_state_dir, write_private
from automation.log import redact
from automation.settings import Settings, SiteSettings, load_settings, load_site_settings
from flows.site import (
    SellerAccount,
    SellerCentralFields,
    SellerCentralSettings,
    load_accounts,
    resolve_account,
)

PASSWORD = "correct horse battery"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def default_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A complete default account in the environment."""
    monkeypatch.setenv("SELLERAUTH_EMAIL", "seller@example.com")
    monkeypatch.setenv("SELLERAUTH_PASSWORD", PASSWORD)


def _profile(**overrides: str) -> SellerAccount:
    return resolve_account(load_settings(), None, **overrides)


def _refusal(**overrides: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        _profile(**overrides)
    return caught.value


# One variable per group of `Settings`, with a value other than its default.
_ONE_PER_GROUP: dict[type, tuple[str, str, str, object]] = {
    settings_module.SignInSettings: ("SELLERAUTH_EMAIL", "s@example.com", "email", "s@example.com"),
    settings_module.PlaceSettings: ("SELLERAUTH_STATE_DIR", "/tmp/x", "state_dir", Path("/tmp/x")),
    settings_module.BrowserSettings: ("SELLERAUTH_HEADED", "1", "headed", True),
    settings_module.TimingSettings: ("SELLERAUTH_TIMEOUT_MS", "1234", "timeout_ms", 1234),
    settings_module.RetrySettings: ("SELLERAUTH_STEP_RETRIES", "5", "step_retries", 5),
    settings_module.LogSettings: ("SELLERAUTH_LOG_LEVEL", "DEBUG", "log_level", "debug"),
    settings_module.StoreSettings: (
        "SELLERAUTH_LOCK_WAIT_SECONDS",
        "2.5",
        "lock_wait_seconds",
        2.5,
    ),
    settings_module.ServeSettings: (
        "SELLERAUTH_SERVE_TOKEN",
        "a-token-of-twenty-chars",
        "serve_token",
        SecretStr("a-token-of-twenty-chars"),
    ),
}


class TestSettingsGroups:
    def test_the_groups_make_up_the_settings(self) -> None:
        """Every field of `Settings` belongs to exactly one group, and `Settings` is each one."""
        fields = [name for group in _ONE_PER_GROUP for name in group.model_fields]
        assert sorted(fields) == sorted(Settings.model_fields)
        assert len(fields) == len(set(fields))
        assert all(issubclass(Settings, group) for group in _ONE_PER_GROUP)

    @pytest.mark.parametrize("group", list(_ONE_PER_GROUP), ids=lambda g: g.__name__)
    def test_a_grouped_field_keeps_its_flat_variable(
        self, group: type, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A field of any group is still read from SELLERAUTH_<FIELD> and read as
        `settings.<field>`, validated by its group."""
        variable, value, field, expected = _ONE_PER_GROUP[group]
        assert field in group.model_fields  # type: ignore[attr-defined]
        assert getattr(load_settings(), field) != expected
        monkeypatch.setenv(variable, value)
        assert getattr(load_settings(), field) == expected


class TestSettingsDefaults:
    def test_defaults(self) -> None:
        """Without any variable, every setting has its documented default."""
        s = load_settings()
        assert (s.email, s.password, s.totp_secret) == (None, None, None)
        assert (s.accounts_file, s.browser_path, s.secrets_dir) == (None, None, None)
        assert (s.headed, s.block_resources) == (False, False)
        assert (s.log_format, s.log_level) == ("auto", None)
        assert (s.timeout_ms, s.signin_max_steps) == (30000, 12)
        assert (s.human_wait_seconds, s.otp_min_remaining_seconds) == (600, 1)

    def test_state_dir_follows_xdg_state_home(self, tmp_path: Path) -> None:
        """The state directory is $XDG_STATE_HOME/sellerauth."""
        assert load_settings().state_dir == tmp_path / "xdg-state" / "sellerauth"

    def test_state_dir_without_xdg(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """Without XDG_STATE_HOME the state directory is ~/.local/state/sellerauth."""
        monkeypatch.delenv("XDG_STATE_HOME")
        monkeypatch.setenv("HOME", str(tmp_path))
        assert load_settings().state_dir == tmp_path / ".local" / "state" / "sellerauth"

    def test_accounts_file_found_in_cwd(self) -> None:
        """An accounts.toml in the current directory is the default accounts file."""
        Path("accounts.toml").write_text("")
        assert load_settings().accounts_file == Path("accounts.toml")

    def test_environment_and_dotenv(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SELLERAUTH_* variables and a .env file are both read."""
        monkeypatch.setenv("SELLERAUTH_TIMEOUT_MS", "5000")
        Path(".env").write_text("SELLERAUTH_HEADED=true\nUNRELATED=1\n")
        s = load_settings()
        assert (s.timeout_ms, s.headed) == (5000, True)

    def test_overrides_win_and_none_is_not_given(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Overrides beat the environment; an override of None leaves the setting alone."""
        monkeypatch.setenv("SELLERAUTH_TIMEOUT_MS", "5000")
        s = load_settings(timeout_ms=1000, headed=None)
        assert (s.timeout_ms, s.headed) == (1000, False)

    @pytest.mark.parametrize(
        ("variable", "value", "field"),
        [
            ("SELLERAUTH_TIMEOUT_MS", "soon", "timeout_ms"),
            ("SELLERAUTH_TIMEOUT_MS", "0", "timeout_ms"),
            ("SELLERAUTH_HEADED", "perhaps", "headed"),
            ("SELLERAUTH_LOG_FORMAT", "xml", "log_format"),
            ("SELLERAUTH_LOG_LEVEL", "loud", "log_level"),
        ],
    )
    def test_invalid_setting_names_variable(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
    ) -> None:
        """A malformed variable is InvalidInput naming the field and the variable."""
        monkeypatch.setenv(variable, value)
        with pytest.raises(InvalidInput) as caught:
            load_settings()
        assert caught.value.field == field
        assert variable in caught.value.message

    def test_secrets_dir_supplies_default_secrets(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """SELLERAUTH_SECRETS_DIR/sellerauth_password is the default account's password."""
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "sellerauth_password").write_text(PASSWORD + "\n")
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(secrets))
        s = load_settings()
        assert s.secrets_dir == secrets
        assert s.password is not None and s.password.get_secret_value() == PASSWORD

    def test_run_secrets_used_when_present(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """/run/secrets is the secrets directory when it exists and none is configured."""
        secrets = tmp_path / "run-secrets"
        secrets.mkdir()
        monkeypatch.setattr(settings_module, "DEFAULT_SECRETS_DIR", secrets)
        assert load_settings().secrets_dir == secrets

    def test_missing_secrets_dir_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """A configured secrets directory that does not exist is InvalidInput on secrets_dir."""
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(tmp_path / "nowhere"))
        with pytest.raises(InvalidInput) as caught:
            load_settings()
        assert caught.value.field == "secrets_dir"


class TestEnsureStateDir:
    def test_creates_private_directory(self, tmp_path: Path) -> None:
        """A missing state directory is created with mode 0700."""
        path = ensure_state_dir(tmp_path / "a" / "state")
        assert stat.S_IMODE(path.stat().st_mode) == 0o700

    def test_unusable_directory_refused(self, tmp_path: Path) -> None:
        """A state directory that cannot be created is InvalidInput on state_dir."""
        blocker = tmp_path / "file"
        blocker.write_text("")
        with pytest.raises(InvalidInput) as caught:
            ensure_state_dir(blocker / "state")
        assert caught.value.field == "state_dir"
        assert "SELLERAUTH_STATE_DIR" in caught.value.message


class TestWritePrivate:
    def test_file_mode_0600(self, tmp_path: Path) -> None:
        """A private file is written with mode 0600 in a 0700 directory."""
        path = write_private(tmp_path / "d" / "f.json", "{}")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.usefixtures("default_env")
class TestDefaultAccount:
    def test_built_from_environment(self) -> None:
        """The default account is named `default` and takes SELLERAUTH_EMAIL and friends."""
        profile = _profile()
        assert profile.name == "default"
        assert profile.email == "seller@example.com"
        assert profile.password.get_secret_value() == PASSWORD
        assert profile.totp_secret is None
        assert profile.base_url == "https://sellercentral.amazon.co.jp"
        assert (profile.developer_name, profile.developer_id) == ("shippinno", "5259-6479-4073")

    def test_properties(self) -> None:
        """The profile knows its marketplace ID and the developer ID's digits."""
        profile = _profile()
        assert profile.marketplace_id == "A1VC38T7YXB528"
        assert profile.developer_digits == "525964794073"

    def test_missing_email(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without an e-mail the error names SELLERAUTH_EMAIL and how to set it."""
        monkeypatch.delenv("SELLERAUTH_EMAIL")
        refusal = _refusal()
        assert refusal.field == "email"
        assert "SELLERAUTH_EMAIL is not set" in refusal.message

    def test_missing_password(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a password the error names SELLERAUTH_PASSWORD and .env."""
        monkeypatch.delenv("SELLERAUTH_PASSWORD")
        refusal = _refusal()
        assert refusal.field == "password"
        assert "SELLERAUTH_PASSWORD is not set" in refusal.message and ".env" in refusal.message

    def test_marketplace_chooses_host(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a base URL, the marketplace's own host is used."""
        monkeypatch.setenv("SELLERAUTH_MARKETPLACE", "us")
        profile = _profile()
        assert (profile.marketplace, profile.base_url) == ("US", "https://sellercentral.amazon.com")
        assert profile.marketplace_id == "ATVPDKIKX0DER"

    def test_explicit_base_url_wins_over_marketplace(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SELLERAUTH_BASE_URL is kept whatever the marketplace."""
        monkeypatch.setenv("SELLERAUTH_MARKETPLACE", "US")
        monkeypatch.setenv("SELLERAUTH_BASE_URL", "http://127.0.0.1:8765/")
        assert _profile().base_url == "http://127.0.0.1:8765"

    def test_overrides_win(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Command-line overrides beat the environment; None overrides are ignored."""
        monkeypatch.setenv("SELLERAUTH_DEVELOPER_ID", "111122223333")
        profile = resolve_account(
            load_settings(), None, developer_id="444455556666", developer_name=None
        )
        assert (profile.developer_id, profile.developer_name) == ("4444-5555-6666", "shippinno")

    def test_secrets_registered_for_redaction(self) -> None:
        """Resolving an account registers its password with the log redactor."""
        _profile()
        assert redact(f"typed {PASSWORD}") == "typed ***"

    @pytest.mark.parametrize(
        "value", ["5259-6479-4073", "525964794073", "5259-64794073", "５２５９－６４７９－４０７３"]
    )
    def test_developer_id_forms_accepted(self, value: str) -> None:
        """12 digits (full-width too), hyphens optional, become NNNN-NNNN-NNNN."""
        assert _profile(developer_id=value).developer_id == "5259-6479-4073"

    @pytest.mark.parametrize(
        "value", ["5259-6479-407", "5259-6479-40733", "abcd-efgh-ijkl", "5259_6479_4073", " "]
    )
    def test_developer_id_forms_refused(self, value: str) -> None:
        """A malformed developer ID is refused naming the field and its option."""
        refusal = _refusal(developer_id=value)
        assert refusal.field == "developer_id"
        assert "--developer-id" in refusal.message and "12 digits" in refusal.message

    def test_developer_id_from_environment_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A bad SELLERAUTH_DEVELOPER_ID is reported under that variable's name."""
        monkeypatch.setenv("SELLERAUTH_DEVELOPER_ID", "12-34")
        assert "SELLERAUTH_DEVELOPER_ID" in _refusal().message

    @pytest.mark.parametrize(
        "value", ["seller", "seller@", "@example.com", "sel ler@example.com", "seller@example"]
    )
    def test_email_shapes_refused(self, value: str) -> None:
        """Something that is not an e-mail address is refused on `email`."""
        assert _refusal(email=value).field == "email"

    def test_unknown_marketplace(self) -> None:
        """An unknown marketplace code is refused on `marketplace`, listing valid codes."""
        refusal = _refusal(marketplace="XX")
        assert refusal.field == "marketplace"
        assert "JP" in refusal.message

    @pytest.mark.parametrize(
        "url",
        [
            "http://sellercentral.amazon.co.jp",
            "http://10.0.0.1:8765",
            "ftp://sellercentral.amazon.co.jp",
            "sellercentral.amazon.co.jp",
            "https://sellercentral.amazon.co.jp/?x=1",
        ],
    )
    def test_base_url_refused(self, url: str) -> None:
        """A base URL that is not https (or plain http off loopback) is refused on `base_url`."""
        assert _refusal(base_url=url).field == "base_url"

    @pytest.mark.parametrize(
        "url",
        ["http://127.0.0.1:8765", "http://127.9.9.9", "http://localhost:8765", "http://[::1]:8765"],
    )
    def test_loopback_http_allowed(self, url: str) -> None:
        """Plain http is allowed on loopback, for the simulator."""
        assert _profile(base_url=url).base_url == url

    def test_totp_secret_normalised(self) -> None:
        """A TOTP secret loses its spaces and is upper-cased."""
        spaced = " ".join(TOTP[i : i + 4].lower() for i in range(0, len(TOTP), 4))
        profile = _profile(totp_secret=spaced)
        assert profile.totp_secret is not None
        assert profile.totp_secret.get_secret_value() == TOTP

    @pytest.mark.parametrize(
        "secret", ["NOT-BASE32-AT-ALL!!", "JBSWY3DP", "JBSWY3DPEHPK3PXP1", "JBSWY3DPEHPK3PXPA"]
    )
    def test_bad_totp_secret(self, secret: str) -> None:
        """A secret that is not base32 is refused on `totp_secret` without showing it."""
        refusal = _refusal(totp_secret=secret)
        assert refusal.field == "totp_secret"
        assert secret not in refusal.message

    def test_refusal_never_shows_password(self) -> None:
        """No refusal message carries the password."""
        assert PASSWORD not in _refusal(developer_id="1").message


GOOD_ACCOUNTS = """
[accounts.acme-jp]
email = "ops@acme.example"
account_name = "Acme Japan"
developer_id = "111122223333"

[accounts.beta]
email = "ops@beta.example"
marketplace = "US"
"""


def _accounts(text: str) -> Settings:
    Path("accounts.toml").write_text(text, encoding="utf-8")
    return load_settings()


def _file_refusal(text: str) -> InvalidInput:
    settings = _accounts(text)
    with pytest.raises(InvalidInput) as caught:
        resolve_account(settings, "acme")
    return caught.value


class TestAccountsFile:
    def test_secrets_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A named account's secrets come from SELLERAUTH_ACCOUNTS__<NAME>__PASSWORD etc."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME_JP__PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME_JP__TOTP_SECRET", TOTP)
        profile = resolve_account(_accounts(GOOD_ACCOUNTS), "acme-jp")
        assert (profile.name, profile.email, profile.account_name) == (
            "acme-jp",
            "ops@acme.example",
            "Acme Japan",
        )
        assert profile.password.get_secret_value() == PASSWORD
        assert profile.totp_secret is not None
        assert profile.developer_id == "1111-2222-3333"

    def test_secrets_from_secrets_dir(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """A named account's secrets may be files <secrets_dir>/<name>.password and .totp_secret."""
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "beta.password").write_text(PASSWORD + "\n")
        (secrets / "beta.totp_secret").write_text(TOTP + "\n")
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(secrets))
        profile = resolve_account(_accounts(GOOD_ACCOUNTS), "beta")
        assert profile.password.get_secret_value() == PASSWORD
        assert profile.totp_secret is not None and profile.totp_secret.get_secret_value() == TOTP
        assert (profile.marketplace, profile.base_url) == ("US", "https://sellercentral.amazon.com")

    def test_environment_beats_secrets_dir(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """The environment variable wins over the secrets file."""
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "beta.password").write_text("from the file")
        monkeypatch.setenv("SELLERAUTH_SECRETS_DIR", str(secrets))
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__BETA__PASSWORD", PASSWORD)
        profile = resolve_account(_accounts(GOOD_ACCOUNTS), "beta")
        assert profile.password.get_secret_value() == PASSWORD

    def test_inherits_shared_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Developer and base URL settings apply to accounts whose table does not set them."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__BETA__PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_DEVELOPER_NAME", "other-dev")
        monkeypatch.setenv("SELLERAUTH_BASE_URL", "http://127.0.0.1:8765")
        profile = resolve_account(_accounts(GOOD_ACCOUNTS), "beta")
        assert (profile.developer_name, profile.base_url) == ("other-dev", "http://127.0.0.1:8765")

    def test_overrides_win_over_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Command-line overrides beat the account's table."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME_JP__PASSWORD", PASSWORD)
        profile = resolve_account(_accounts(GOOD_ACCOUNTS), "acme-jp", developer_id="999988887777")
        assert profile.developer_id == "9999-8888-7777"

    def test_missing_password_names_variable(self) -> None:
        """A named account without a password names its variable and secrets file."""
        with pytest.raises(InvalidInput) as caught:
            resolve_account(_accounts(GOOD_ACCOUNTS), "acme-jp")
        assert caught.value.field == "password"
        assert "SELLERAUTH_ACCOUNTS__ACME_JP__PASSWORD" in caught.value.message
        assert "acme-jp.password" in caught.value.message

    def test_bad_value_names_file_and_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A bad value in a table is reported with the file and the table it came from."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWORD", PASSWORD)
        refusal = _file_refusal('[accounts.acme]\nemail = "a@b.example"\ndeveloper_id = "12"\n')
        assert refusal.field == "developer_id"
        assert "[accounts.acme] developer_id" in refusal.message

    def test_missing_email(self) -> None:
        """A table without an e-mail is refused on `email`."""
        refusal = _file_refusal('[accounts.acme]\nmarketplace = "JP"\n')
        assert refusal.field == "email"

    def test_toml_syntax_error(self) -> None:
        """A file that is not TOML is refused on `accounts_file`, with the line."""
        refusal = _file_refusal('[accounts.acme]\nemail = "a@b.example\n')
        assert refusal.field == "accounts_file"
        assert "not valid TOML" in refusal.message and "line 2" in refusal.message

    def test_duplicate_table(self) -> None:
        """TOML itself refuses an account defined twice."""
        text = '[accounts.acme]\nemail = "a@b.example"\n[accounts.acme]\nemail = "c@d.example"\n'
        assert _file_refusal(text).field == "accounts_file"

    def test_names_equal_once_normalised(self) -> None:
        """Two names that share an environment-variable form are refused."""
        text = (
            '[accounts.acme-jp]\nemail = "a@b.example"\n[accounts.ACME_JP]\nemail = "c@d.example"\n'
        )
        refusal = _file_refusal(text)
        assert refusal.field == "accounts_file"
        assert "rename one" in refusal.message

    def test_unknown_key(self) -> None:
        """An unknown key is refused, naming it and the keys allowed."""
        refusal = _file_refusal('[accounts.acme]\nemail = "a@b.example"\nemial = "x"\n')
        assert refusal.field == "accounts_file"
        assert "'emial'" in refusal.message and "developer_id" in refusal.message

    @pytest.mark.parametrize("key", ["password", "totp_secret"])
    def test_secret_in_file_refused(self, key: str) -> None:
        """A secret in the accounts file is refused with where secrets go, never echoed."""
        refusal = _file_refusal(f'[accounts.acme]\nemail = "a@b.example"\n{key} = "{TOTP}"\n')
        assert refusal.field == key
        assert f"SELLERAUTH_ACCOUNTS__ACME__{key.upper()}" in refusal.message
        assert TOTP not in refusal.message

    def test_unknown_top_level_key(self) -> None:
        """Only [accounts.<name>] tables may be in the file."""
        assert _file_refusal('[acme]\nemail = "a@b.example"\n').field == "accounts_file"

    def test_non_string_value(self) -> None:
        """A value that is not a quoted string is refused on its key."""
        refusal = _file_refusal(
            '[accounts.acme]\nemail = "a@b.example"\ndeveloper_id = 525964794073\n'
        )
        assert refusal.field == "developer_id"

    def test_unknown_account(self) -> None:
        """An account not in the file is refused on `account`, listing those that are."""
        refusal = _file_refusal(GOOD_ACCOUNTS)
        assert refusal.field == "account"
        assert "acme-jp" in refusal.message and "beta" in refusal.message

    def test_no_accounts_file(self) -> None:
        """Asking for a named account without an accounts file says how to make one."""
        with pytest.raises(InvalidInput) as caught:
            resolve_account(load_settings(), "acme")
        assert caught.value.field == "accounts_file"

    def test_configured_file_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A configured accounts file that does not exist is refused on `accounts_file`."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS_FILE", "missing.toml")
        with pytest.raises(InvalidInput) as caught:
            resolve_account(load_settings(), "acme")
        assert caught.value.field == "accounts_file"

    def test_unknown_account_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A misspelt per-account variable is refused as soon as an account is resolved (the
        account model says which exist), naming it and never quoting its value."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWRD", PASSWORD)
        settings = _accounts(GOOD_ACCOUNTS)
        for resolve in (lambda: resolve_account(settings, "beta"), lambda: load_accounts(settings)):
            with pytest.raises(InvalidInput) as caught:
                resolve()
            assert caught.value.field == "accounts"
            message = caught.value.message
            assert "SELLERAUTH_ACCOUNTS__ACME__PASSWRD is not a known setting" in message
            assert "PASSWORD, TOTP_SECRET, LWA_CLIENT_SECRET" in message
            assert PASSWORD not in message

    def test_default_account_alongside_file(self, default_env: None) -> None:
        """Without a name the default account is used even when an accounts file exists."""
        assert resolve_account(_accounts(GOOD_ACCOUNTS)).name == "default"


class TestLoadAccounts:
    def test_each_account_resolved_or_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every account of the file comes back as a profile or the problem that stops it."""
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__BETA__PASSWORD", PASSWORD)
        results = load_accounts(_accounts(GOOD_ACCOUNTS))
        assert isinstance(results["beta"], SellerAccount)
        problem = results["acme-jp"]
        assert isinstance(problem, InvalidInput) and problem.field == "password"

    def test_no_file_no_accounts(self) -> None:
        """Without an accounts file there are no accounts."""
        assert load_accounts(load_settings()) == {}

    def test_broken_file_raises(self) -> None:
        """A broken file is refused as a whole."""
        with pytest.raises(InvalidInput):
            load_accounts(_accounts("[accounts.acme\n"))


class TestSiteDefaults:
    def test_seller_central_defaults(self, default_env: None) -> None:
        """Without any variable, an account signs in to the JP host and grants shippinno."""
        shared = load_site_settings(SellerCentralSettings, load_settings())
        assert shared.model_dump() == dict.fromkeys(SellerCentralSettings.model_fields)
        profile = _profile()
        assert (profile.marketplace, profile.base_url) == (
            "JP",
            "https://sellercentral.amazon.co.jp",
        )
        assert (profile.developer_name, profile.developer_id) == ("shippinno", "5259-6479-4073")
        assert profile.account_name is None

    def test_engine_settings_hold_no_site_field(self) -> None:
        """The engine's settings have none of the site's account fields (they live in flows/)."""
        assert not set(SellerAccount.site_fields()) & set(Settings.model_fields)


class _AppFields(BaseModel):
    """A second site module's per-account field, as another flows module would add one."""

    app_id: str | None = None

    @field_validator("app_id")
    @classmethod
    def _shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("app-"):
            raise ValueError("must start with app-")
        return value


class _AppSettings(SiteSettings):
    app_id: str | None = None


class _ExtendedAccount(SellerCentralFields, _AppFields, AccountProfile):
    shared_settings: ClassVar[tuple[type[SiteSettings], ...]] = (
        SellerCentralSettings,
        _AppSettings,
    )


class TestAccountModel:
    def test_engine_profile_is_neutral(self, default_env: None) -> None:
        """Without a site model an account is who signs in, nothing more; the accounts file
        then accepts `email` only."""
        profile = engine_resolve_account(load_settings())
        assert set(type(profile).model_fields) == {"name", "email", "password", "totp_secret"}
        Path("accounts.toml").write_text(
            '[accounts.acme]\nemail = "a@acme.example"\nmarketplace = "US"\n', encoding="utf-8"
        )
        with pytest.raises(InvalidInput) as caught:
            engine_resolve_account(load_settings(), "acme")
        assert "unknown key 'marketplace': use email" in caught.value.message

    def test_another_module_adds_fields(
        self, default_env: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A field another module adds is inherited from SELLERAUTH_<FIELD>, accepted in the
        accounts file and on the command line, and validated naming where it came from."""
        monkeypatch.setenv("SELLERAUTH_APP_ID", "app-shared")
        Path("accounts.toml").write_text(
            '[accounts.acme]\nemail = "a@acme.example"\nmarketplace = "US"\n'
            '[accounts.beta]\nemail = "b@beta.example"\napp_id = "wrong"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__ACME__PASSWORD", PASSWORD)
        monkeypatch.setenv("SELLERAUTH_ACCOUNTS__BETA__PASSWORD", PASSWORD)
        settings = load_settings()
        acme = engine_resolve_account(settings, "acme", model=_ExtendedAccount)
        assert (acme.app_id, acme.marketplace) == ("app-shared", "US")
        assert acme.base_url == "https://sellercentral.amazon.com"
        given = engine_resolve_account(settings, "acme", model=_ExtendedAccount, app_id="app-cli")
        assert given.app_id == "app-cli"
        with pytest.raises(InvalidInput) as caught:
            engine_resolve_account(settings, "beta", model=_ExtendedAccount)
        assert caught.value.field == "app_id"
        assert "[accounts.beta] app_id) must start with app-" in caught.value.message
