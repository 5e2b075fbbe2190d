"""Several sellers on one simulator (issue 26, item 7): the `sellers` scenario, and the accounts
file and settings docs/simulator.md gives for it, used as written by `sellerauth batch status`
and `batch authorize` against one simulator. Each account signs in as its own seller, reads
its own seller's pages, and gets a refresh token LWA issued for its own seller."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.account import accounts_env, accounts_toml, app_env, export_lines
from fixtures.simulator.options import banner
from fixtures.simulator.scenarios import SELLERS
from tests.cli import ROOT, pasted, sellerauth
from tests.test_cli_spapi import issued_refresh_tokens, open_store

DOC = (ROOT / "docs" / "simulator.md").read_text()
SECTION = DOC.split("## Several sellers", 1)[1].split("\n## ", 1)[0]
DOC_PORT_URL = "http://127.0.0.1:8765"
OUR_DEVELOPER = "5259-6479-4073"


def documented_toml() -> str:
    return re.search(r"```toml\n(.*?)```", SECTION, re.S).group(1)  # type: ignore[union-attr]


def documented_exports() -> dict[str, str]:
    """The `export NAME=value` lines of the section's shell block, as the shell reads them."""
    block = re.search(r"```sh\n(.*?)```", SECTION, re.S).group(1)  # type: ignore[union-attr]
    env: dict[str, str] = {}
    for line in block.splitlines():
        if line.startswith("export "):
            assignments, _ = pasted(line.removeprefix("export "))
            env.update(assignments)
    return env


class TestTheScenario:
    def test_each_login_is_its_own_seller(self) -> None:
        scenario = build_scenario("sellers")
        assert [login.account for login in scenario.logins] == ["shop-a", "shop-b", "shop-c"]
        emails = {login.email for login in scenario.logins}
        sellers = {login.sellers[0].seller_id for login in scenario.logins}
        assert len(emails) == len(sellers) == len(scenario.logins) == len(SELLERS)
        tokens = [d.token for login in scenario.logins for d in login.sellers[0].developers]
        assert len(set(tokens)) == len(tokens)

    def test_the_docs_show_the_simulators_accounts_file_and_secrets(self) -> None:
        scenario = build_scenario("sellers")
        assert documented_toml() == accounts_toml(scenario, DOC_PORT_URL)
        exports = documented_exports()
        assert exports.pop("SELLERAUTH_ACCOUNTS_FILE") == "accounts.toml"
        assert exports == accounts_env(scenario)
        printed = "\n".join(banner(scenario, DOC_PORT_URL))
        assert all(line in printed for line in export_lines(accounts_env(scenario)))
        assert '[accounts.shop-b]\n  email = "shop-b@example.com"' in printed

    def test_the_documented_file_parses_as_three_accounts(self) -> None:
        parsed = tomllib.loads(documented_toml())
        assert sorted(parsed["accounts"]) == ["shop-a", "shop-b", "shop-c"]


@pytest.mark.browser
def test_batch_status_and_authorize_with_the_documented_file(tmp_path) -> None:
    simulator = Simulator(build_scenario("sellers"))
    with SimulatorServer(simulator) as server:
        (tmp_path / "accounts.toml").write_text(documented_toml().replace(DOC_PORT_URL, server.url))
        env = {**documented_exports(), **app_env(server.url)}
        env["SELLERAUTH_ACCOUNTS_FILE"] = str(tmp_path / "accounts.toml")
        state = tmp_path / "state"
        status = sellerauth("batch", "status", "--json", state_dir=state, env=env)
        authorized = sellerauth("batch", "authorize", "--json", state_dir=state, env=env)
    for done in (status, authorized):
        assert done.returncode == 0, done.stdout + done.stderr
    lines = [json.loads(line) for line in status.stdout.splitlines() if line.startswith("{")]
    seen = {line["account"]: line["result"] for line in lines}
    expected = {account: seller_id for account, _, _, _, seller_id, _, _ in SELLERS}
    assert {name: result["seller_id"] for name, result in seen.items()} == expected
    ours = {
        name: [d for d in result["developers"] if d["developer_id"] == OUR_DEVELOPER]
        for name, result in seen.items()
    }
    assert [len(ours[name]) for name in ("shop-a", "shop-b", "shop-c")] == [0, 1, 1]

    lines = [json.loads(line) for line in authorized.stdout.splitlines() if line.startswith("{")]
    partners = {line["account"]: line["result"]["selling_partner_id"] for line in lines}
    assert partners == expected
    # The simulator's side: every login signed in as itself (the second batch on the sessions
    # the first saved); one consent per seller; LWA issued one refresh token per seller, each
    # for that seller.
    signed_in = [e["email"] for e in simulator.events_of("signin_success")]
    assert sorted(signed_in) == sorted(login.email for login in simulator.scenario.logins)
    consents = simulator.events_of("spapi_consent")
    assert sorted(e["seller_id"] for e in consents) == sorted(expected.values())
    tokens = issued_refresh_tokens(simulator)
    owners = {simulator.spapi_state.refresh_tokens[t][0] for t in tokens}
    assert len(tokens) == 3 and owners == set(expected.values())
    with open_store(state) as store:
        for name, seller_id in expected.items():
            kept = store.secret_history(name, "refresh_token")[0].value
            assert simulator.spapi_state.refresh_tokens[kept][0] == seller_id
