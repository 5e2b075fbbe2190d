"""`batch register` over sellers meeting pages only a person may pass and Amazon's refusals:
the former count as needing a person (exit 3), the latter as failures with their own codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario

from .conftest import Fleet, sellerauth


@pytest.fixture
def page_fleet(tmp_path: Path) -> Iterator[Any]:
    """`page_fleet({"shop": "scenario", ...})`: one simulator per account, an accounts file."""
    servers: list[SimulatorServer] = []

    def make(accounts: dict[str, str]) -> tuple[Fleet, dict[str, Simulator]]:
        root = tmp_path / f"fleet-{len(servers)}"
        secrets = root / "secrets"
        secrets.mkdir(parents=True)
        tables, sims = [], {}
        for name, scenario in accounts.items():
            simulator = Simulator(build_scenario(scenario))
            server = SimulatorServer(simulator).start()
            servers.append(server)
            sims[name] = simulator
            login = simulator.scenario.logins[0]
            tables.append(
                f'[accounts.{name}]\nemail = "{login.email}"\nbase_url = "{server.url}"\n'
            )
            (secrets / f"{name}.password").write_text(login.password)
            (secrets / f"{name}.totp_secret").write_text(login.totp_secret or "")
        (root / "accounts.toml").write_text("\n".join(tables))
        return Fleet(root=root, sellers=[]), sims

    yield make
    for server in servers:
        server.stop()


class TestBatchOnPageKinds:
    def test_challenges_need_a_person_and_refusals_fail_with_their_codes(self, page_fleet) -> None:
        fleet, sims = page_fleet(
            {
                "fresh": "demo",
                "passkey": "passkey-forced",
                "shopping": "continue-shopping",
                "md9000": "md9000",
                "secondary": "no-permission",
            }
        )
        done = sellerauth(fleet, "batch", "register", "--json", SELLERAUTH_TIMEOUT_MS="30000")
        lines = done.by_account()
        assert done.returncode == 1, done.stderr[-3000:]
        assert lines["fresh"]["state"] == "done"
        for name in ("passkey", "shopping"):
            assert lines[name]["state"] == "needs_person"
            assert lines[name]["error"]["code"] == "needs_person"
        assert lines["md9000"]["state"] == "failed"
        assert lines["md9000"]["error"]["code"] == "refused"
        assert lines["md9000"]["error"]["amazon_code"] == "MD9000"
        assert lines["secondary"]["error"]["code"] == "not_permitted"
        # Answered at once, never retried.
        for name in ("passkey", "shopping", "md9000", "secondary"):
            assert lines[name]["seconds"] < 20, lines[name]  # the timeout is 30 s
        assert len(sims["md9000"].events_of("refusal_shown")) == 1
        assert sims["shopping"].events_of("bot_check_clicked") == []
        assert sims["passkey"].events_of("passkey_clicked") == []

    def test_only_challenges_exit_3(self, page_fleet) -> None:
        fleet, _ = page_fleet({"fresh": "demo", "captcha": "captcha-503"})
        done = sellerauth(fleet, "batch", "register", "--json", SELLERAUTH_TIMEOUT_MS="30000")
        lines = done.by_account()
        assert done.returncode == 3, done.stderr[-3000:]
        assert lines["captcha"]["state"] == "needs_person"
        assert lines["fresh"]["state"] == "done"
