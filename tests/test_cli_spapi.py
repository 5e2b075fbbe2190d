"""`sellerauth authorize|app-status|app-renew` (and their batches) as scripts run them: one JSON
object, the refresh token only on `--json` stdout and encrypted in the store, the audit trail,
bad settings refused before a browser starts."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.settings import load_settings
from automation.store import Store
from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.scenarios import DEMO_SELLER_ID
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)
from tests.test_cli import login_env, sellerauth

JP = "A1VC38T7YXB528"


@pytest.fixture
def spapi_site() -> Iterator[tuple[Simulator, str]]:
    """The `spapi` scenario on the real clock (the command runs in another process)."""
    simulator = Simulator(build_scenario("spapi"))
    with SimulatorServer(simulator) as server:
        yield simulator, server.url


def app_env(url: str, **changes: str) -> dict[str, str]:
    """The simulator's app, its LWA token endpoint and Sellers API, as SELLERAUTH_* settings."""
    env = {
        "SELLERAUTH_APP_ID": DEMO_APP_ID,
        "SELLERAUTH_APP_NAME": DEMO_APP_NAME,
        "SELLERAUTH_REDIRECT_URI": DEMO_REDIRECT_URI,
        "SELLERAUTH_LWA_CLIENT_ID": DEMO_LWA_CLIENT_ID,
        "SELLERAUTH_LWA_CLIENT_SECRET": DEMO_LWA_CLIENT_SECRET,
        "SELLERAUTH_LWA_TOKEN_URL": url + "/auth/o2/token",
        "SELLERAUTH_SPAPI_ENDPOINT": url,
        "SELLERAUTH_INTERSTITIAL_WAIT_MS": "5000",
    }
    env.update(changes)
    return env


def env_for(simulator: Simulator, url: str, **changes: str) -> dict[str, str]:
    return {**login_env(simulator), **app_env(url), **changes}


def issued_refresh_tokens(simulator: Simulator) -> list[str]:
    """The refresh tokens the simulated LWA gave for authorization codes, in order."""
    return [
        e["refresh_token"]
        for e in simulator.events_of("lwa_token")
        if e["grant_type"] == "authorization_code" and e["ok"]
    ]


def store_bytes(state_dir: Path) -> bytes:
    """Every byte the store wrote (database, write-ahead log)."""
    return b"".join(p.read_bytes() for p in state_dir.glob("sellerauth.db*"))


def open_store(state_dir: Path) -> Store:
    return Store.open(load_settings(state_dir=state_dir))


@pytest.mark.browser
class TestAuthorizeCommand:
    def test_json_contract_token_stored_encrypted_and_known_next_time(
        self, spapi_site, tmp_path
    ) -> None:
        """--json prints the contract with the refresh token; logs do not; the store holds it
        encrypted and audits the consent; a second run finds it working: no new consent."""
        simulator, url = spapi_site
        env = env_for(simulator, url)
        done = sellerauth("authorize", "--json", "--base-url", url, state_dir=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        [token] = issued_refresh_tokens(simulator)
        assert {k: result[k] for k in ("account", "outcome", "app_id")} == {
            "account": "default",
            "outcome": "authorized",
            "app_id": DEMO_APP_ID,
        }
        assert result["selling_partner_id"] == DEMO_SELLER_ID
        assert result["marketplace_ids"] == [JP]
        assert result["expires_at"] and result["refresh_token"] == token
        assert token not in done.stderr and DEMO_LWA_CLIENT_SECRET not in done.stdout + done.stderr
        assert token.encode() not in store_bytes(tmp_path)
        assert len(simulator.events_of("spapi_consent")) == 1
        with open_store(tmp_path) as store:
            [stored] = store.secret_history("default", "refresh_token", app_id=DEMO_APP_ID)
            events = store.audit("default")
        assert stored.value == token and stored.replaced_by is None
        assert [(e.action, e.developer_id) for e in events] == [("authorize", DEMO_APP_ID)]
        assert events[0].after["selling_partner_id"] == DEMO_SELLER_ID
        assert token not in json.dumps(events[0].after)

        again = sellerauth("authorize", "--json", "--base-url", url, state_dir=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        second = json.loads(again.stdout)
        assert second["outcome"] == "already_authorized"
        assert second["refresh_token"] == token
        assert len(simulator.events_of("spapi_consent")) == 1
        with open_store(tmp_path) as store:
            assert len(store.audit("default")) == 1

    def test_terminal_output_masks_the_token(self, spapi_site, tmp_path) -> None:
        """Without --json a person sees the selling partner ID and a masked token only."""
        simulator, url = spapi_site
        done = sellerauth(
            "authorize", "--base-url", url, state_dir=tmp_path, env=env_for(simulator, url)
        )
        assert done.returncode == 0, done.stderr
        [token] = issued_refresh_tokens(simulator)
        assert DEMO_SELLER_ID in done.stdout
        assert token not in done.stdout + done.stderr
        assert f"Atzr|…{token[-4:]}" in done.stdout

    def test_export_reveal_includes_the_refresh_token(self, spapi_site, tmp_path) -> None:
        """`export` leaves the refresh token out; `export --reveal` decrypts it."""
        simulator, url = spapi_site
        env = env_for(simulator, url)
        done = sellerauth(
            "authorize", "--json", "--no-verify", "--base-url", url, state_dir=tmp_path, env=env
        )
        assert done.returncode == 0, done.stderr
        token = json.loads(done.stdout)["refresh_token"]
        assert simulator.events_of("sellers_call") == []
        hidden = sellerauth("export", "--format", "json", state_dir=tmp_path, env=env)
        assert token not in hidden.stdout
        shown = sellerauth("export", "--format", "json", "--reveal", state_dir=tmp_path, env=env)
        [row] = json.loads(shown.stdout)
        assert row["refresh_token"] == token and row["selling_partner_id"] == DEMO_SELLER_ID


@pytest.mark.browser
class TestAppCommands:
    def test_app_status_json(self, tmp_path) -> None:
        """app-status --json lists every row of Manage Your Apps, ours marked."""
        simulator = Simulator(build_scenario("spapi-expiring"))
        with SimulatorServer(simulator) as server:
            done = sellerauth(
                "app-status",
                "--json",
                "--base-url",
                server.url,
                state_dir=tmp_path,
                env=env_for(simulator, server.url),
            )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["account"] == "default"
        apps = result["apps"]
        seller_apps = simulator.scenario.logins[0].sellers[0].apps
        assert sorted(a["app_name"] for a in apps) == sorted(a.app_name for a in seller_apps)
        [ours] = [a for a in apps if a["ours"]]
        assert ours["app_name"] == DEMO_APP_NAME and ours["status"] == "active"
        assert set(ours) >= {"developer", "authorized_at", "expires_at"}
        assert simulator.events_of("spapi_app_action") == []

    def test_dry_run_then_renewal_replaces_the_stored_token(self, spapi_site, tmp_path) -> None:
        """A dry run clicks nothing; a (forced) renewal consents once, stores the new token
        and marks the one authorize stored replaced, in the store and the audit trail."""
        simulator, url = spapi_site
        env = env_for(simulator, url)
        first = sellerauth("authorize", "--json", "--base-url", url, state_dir=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        old = json.loads(first.stdout)["refresh_token"]

        dry = sellerauth(
            "app-renew", "--json", "--dry-run", "--base-url", url, state_dir=tmp_path, env=env
        )
        assert dry.returncode == 0, dry.stderr
        planned = json.loads(dry.stdout)
        assert planned["action"] == "none" and planned["dry_run"] is True
        assert simulator.events_of("spapi_app_action") == []

        consents = len(simulator.events_of("spapi_consent"))
        done = sellerauth(
            "app-renew", "--json", "--force", "--base-url", url, state_dir=tmp_path, env=env
        )
        assert done.returncode == 0, done.stderr
        renewed = json.loads(done.stdout)
        new = issued_refresh_tokens(simulator)[-1]
        assert renewed["action"] == "reauthorized" and renewed["refresh_token"] == new != old
        assert renewed["selling_partner_id"] == DEMO_SELLER_ID and renewed["expires_at"]
        assert len(simulator.events_of("spapi_consent")) == consents + 1
        actions = [e["action"] for e in simulator.events_of("spapi_app_action")]
        assert "disable" not in actions
        assert new not in done.stderr and new.encode() not in store_bytes(tmp_path)
        with open_store(tmp_path) as store:
            latest, previous = store.secret_history("default", "refresh_token", app_id=DEMO_APP_ID)
            events = store.audit("default")
        assert (latest.value, previous.value) == (new, old)
        assert latest.replaced_by is None and previous.replaced_by == latest.run_id
        assert [e.action for e in events] == ["authorize", "reauthorize"]
        assert events[1].after["replaces"] == previous.run_id

    def test_renewal_when_due_without_force(self, tmp_path) -> None:
        """An app expiring within the window is re-authorized: one consent, a year ahead."""
        simulator = Simulator(build_scenario("spapi-expiring"))
        with SimulatorServer(simulator) as server:
            env = env_for(simulator, server.url)
            dry = sellerauth(
                "app-renew", "--json", "--dry-run", "--base-url", server.url,
                state_dir=tmp_path, env=env,
            )  # fmt: skip
            assert json.loads(dry.stdout)["would_do"] == ["reauthorize"], dry.stderr
            done = sellerauth(
                "app-renew", "--json", "--base-url", server.url, state_dir=tmp_path, env=env
            )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["action"] == "reauthorized"
        assert len(simulator.events_of("spapi_consent")) == 1


@pytest.mark.browser
def test_batch_authorize_two_accounts_lines_carry_no_token(tmp_path) -> None:
    """`batch authorize` over two sellers (app keys in their accounts-file tables, client
    secrets their own): both done, no refresh token or client secret in the lines or logs."""
    scenario = build_scenario("spapi")
    second = copy.deepcopy(scenario.logins[0])
    second.email = "shop-b@example.com"
    second.sellers[0].seller_id = "A2SIMJPSHOPB0X2"
    scenario.logins.append(second)
    simulator = Simulator(scenario)
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "shop-a.lwa_client_secret").write_text(DEMO_LWA_CLIENT_SECRET)
    accounts = tmp_path / "accounts.toml"
    with SimulatorServer(simulator) as server:
        env = app_env(server.url)
        del env["SELLERAUTH_LWA_CLIENT_SECRET"], env["SELLERAUTH_APP_NAME"]
        env.update(
            SELLERAUTH_ACCOUNTS_FILE=str(accounts),
            SELLERAUTH_SECRETS_DIR=str(secrets_dir),
            SELLERAUTH_ACCOUNTS__SHOP_B__LWA_CLIENT_SECRET=DEMO_LWA_CLIENT_SECRET,
        )
        lines = []
        for name, login in (("shop-a", scenario.logins[0]), ("shop-b", second)):
            lines += [
                f"[accounts.{name}]",
                f'email = "{login.email}"',
                f'base_url = "{server.url}"',
                f'app_name = "{DEMO_APP_NAME}"',
                "",
            ]
            key = name.upper().replace("-", "_")
            env[f"SELLERAUTH_ACCOUNTS__{key}__PASSWORD"] = login.password
            env[f"SELLERAUTH_ACCOUNTS__{key}__TOTP_SECRET"] = login.totp_secret or ""
        accounts.write_text("\n".join(lines))
        done = sellerauth("batch", "authorize", "--json", state_dir=tmp_path / "state", env=env)
    output = done.stdout + done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert {r["account"]: r["state"] for r in results} == {"shop-a": "done", "shop-b": "done"}, (
        output
    )
    assert done.returncode == 0
    sellers = {r["account"]: r["result"]["selling_partner_id"] for r in results}
    assert sellers == {"shop-a": DEMO_SELLER_ID, "shop-b": "A2SIMJPSHOPB0X2"}
    tokens = issued_refresh_tokens(simulator)
    assert len(tokens) == 2 and len(simulator.events_of("spapi_consent")) == 2
    for token in tokens:
        assert token not in output
    assert DEMO_LWA_CLIENT_SECRET not in output
    assert all("refresh_token" not in r["result"] for r in results)
    with open_store(tmp_path / "state") as store:
        stored = {
            name: store.secret_history(name, "refresh_token", app_id=DEMO_APP_ID)[0].value
            for name in ("shop-a", "shop-b")
        }
    assert sorted(stored.values()) == sorted(tokens)
    left = [f for f in (tmp_path / "state").rglob("*") if f.is_file()]
    for file in left:
        data = file.read_bytes()
        for secret in [*tokens, DEMO_LWA_CLIENT_SECRET]:
            assert secret.encode() not in data, file


@pytest.mark.browser
def test_app_id_given_an_lwa_client_id_is_refused_before_a_browser(tmp_path) -> None:
    """The LWA client ID in SELLERAUTH_APP_ID: exit 2 naming the field, no page loaded."""
    simulator = Simulator(build_scenario("spapi"))
    with SimulatorServer(simulator) as server:
        env = env_for(simulator, server.url, SELLERAUTH_APP_ID=DEMO_LWA_CLIENT_ID)
        for command in ("authorize", "app-status", "app-renew"):
            done = sellerauth(
                command, "--json", "--base-url", server.url, state_dir=tmp_path, env=env
            )
            assert done.returncode == 2, done.stderr
            error = json.loads(done.stdout)["error"]
            assert error["code"] == "invalid_input"
            assert "SELLERAUTH_APP_ID" in error["message"]
            assert "SELLERAUTH_LWA_CLIENT_ID" in error["message"]
            assert DEMO_LWA_CLIENT_SECRET not in done.stdout + done.stderr
    assert simulator.events == []


def test_batch_refuses_a_setting_every_account_shares_before_anything_runs(tmp_path) -> None:
    """A bad SELLERAUTH_APP_ID refuses the whole batch: exit 2 naming it, no run recorded."""
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.shop-a]\nemail = "a@example.com"\n')
    env = {
        **app_env("http://127.0.0.1:9"),
        "SELLERAUTH_APP_ID": DEMO_LWA_CLIENT_ID,
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SHOP_A__PASSWORD": "pw-shop-a-0001",
    }
    done = sellerauth("batch", "authorize", "--json", state_dir=tmp_path / "state", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SELLERAUTH_APP_ID" in done.stderr
    with open_store(tmp_path / "state") as store:
        assert store.runs() == []


ACCOUNTS_WITH_SPAPI = (
    '[accounts.mws-only]\nemail = "m@example.com"\n\n'
    '[accounts.own-app]\nemail = "o@example.com"\napp_name = "Acme Connector"\n\n'
    f'[accounts.bad-app]\nemail = "b@example.com"\napp_id = "{DEMO_LWA_CLIENT_ID}"\n'
)
OWN_SECRET = "amzn1.oa2-cs.v1.own-app-secret-for-accounts-check"


def accounts_check(tmp_path: Path, *args: str, **env: str) -> tuple[int, dict, str]:
    """`accounts check --json` over ACCOUNTS_WITH_SPAPI (every password set): the exit
    status, the report by account, and everything printed."""
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(ACCOUNTS_WITH_SPAPI)
    passwords = {
        f"SELLERAUTH_ACCOUNTS__{name}__PASSWORD": f"pw-{name.lower()}-0001"
        for name in ("MWS_ONLY", "OWN_APP", "BAD_APP")
    }
    done = sellerauth(
        "accounts",
        "check",
        "--json",
        *args,
        state_dir=tmp_path / "state",
        env={"SELLERAUTH_ACCOUNTS_FILE": str(accounts), **passwords, **env},
    )
    report = json.loads(done.stdout)
    by_account = {check["account"]: check for check in report["accounts"]}
    return done.returncode, by_account, done.stdout + done.stderr


def test_accounts_check_reports_spapi_settings_per_account(tmp_path) -> None:
    """With the app configured, `accounts check` checks each account's SP-API settings as
    `authorize` does: the bad app ID is named with its file and table, the account with its
    own app name and client secret passes, and no secret is printed."""
    status, checks, printed = accounts_check(
        tmp_path,
        **app_env("http://127.0.0.1:9"),
        SELLERAUTH_ACCOUNTS__OWN_APP__LWA_CLIENT_SECRET=OWN_SECRET,
    )
    assert status == 2
    assert checks["mws-only"]["ok"] and checks["own-app"]["ok"], checks
    [problem] = checks["bad-app"]["problems"]
    assert "[accounts.bad-app] app_id" in problem and "SELLERAUTH_APP_ID is invalid" in problem
    assert "SELLERAUTH_LWA_CLIENT_ID" in problem  # says which is which
    for secret in (OWN_SECRET, DEMO_LWA_CLIENT_SECRET, "pw-mws_only-0001"):
        assert secret not in printed


def test_accounts_check_leaves_sp_api_alone_where_unused_unless_asked(tmp_path) -> None:
    """With no app configured anywhere an account without SP-API settings is fine, one with
    some is told what is missing; `--job authorize` asks it of every account."""
    status, checks, _ = accounts_check(tmp_path)
    assert status == 2
    assert checks["mws-only"]["ok"], checks["mws-only"]
    assert "SELLERAUTH_LWA_CLIENT_ID is required" in " ".join(checks["own-app"]["problems"])
    status, checks, _ = accounts_check(tmp_path, "--job", "authorize")
    assert status == 2
    [problem] = checks["mws-only"]["problems"]
    assert "SELLERAUTH_APP_ID is required" in problem
    assert len(checks["own-app"]["problems"]) == 1  # the same problem is not reported twice


def test_accounts_check_refuses_an_unknown_job(tmp_path) -> None:
    """`--job` takes a command's name; another is refused with exit 2 naming the known ones."""
    done = sellerauth(
        "accounts", "check", "--json", "--job", "nope", state_dir=tmp_path / "state", env={}
    )
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert "'nope'" in error["message"] and "authorize" in error["message"]
