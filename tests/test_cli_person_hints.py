"""A needs-a-person stop names the exact command to run with a person watching, and when the
cause is a missing TOTP secret it says so, naming the setting."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from automation import runner
from automation.errors import NeedsPerson
from automation.outcome import run_account
from automation.settings import load_settings
from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from tests.cli import sellerauth


@pytest.mark.parametrize(
    ("account", "command"),
    [("s5", "sellerauth renew --account s5 --assist"), ("default", "sellerauth renew --assist")],
)
def test_a_needs_person_stop_ends_with_the_exact_command(
    account: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def asks_a_person(*_: Any) -> None:
        raise NeedsPerson("Amazon asks for a captcha. Run this account again with --headed.")

    monkeypatch.setattr(runner, "run_one", asks_a_person)
    job = SimpleNamespace(name="renew", flow=lambda **_: None, needs_browser=True)
    settings = load_settings(state_dir=tmp_path)
    profile = SimpleNamespace(name=account, identity_key=lambda: "{}")
    outcome = run_account(job, settings, profile, runner.RunOptions())  # type: ignore[arg-type]
    assert outcome.state == "needs_person" and outcome.error is not None
    assert outcome.error["message"].endswith(f"The command: `{command}`.")
    assert str(outcome.exception).endswith(f"`{command}`.")


@pytest.mark.browser
def test_a_missing_totp_secret_is_named_with_its_setting_and_command(tmp_path: Path) -> None:
    """Unattended, 2SV on and no TOTP secret: exit 3, the cause, the setting, the command;
    for the default account and for a named one."""
    (tmp_path / "accounts.toml").write_text('[accounts.s5]\nemail = "seller@example.com"\n')
    simulator = Simulator(build_scenario("demo"))
    login = simulator.scenario.logins[0]
    with SimulatorServer(simulator) as server:
        default = sellerauth(
            "status",
            "--base-url",
            server.url,
            state_dir=tmp_path / "a",
            env={"SELLERAUTH_EMAIL": login.email, "SELLERAUTH_PASSWORD": login.password},
        )
        named = sellerauth(
            "renew",
            "--account",
            "s5",
            "--base-url",
            server.url,
            state_dir=tmp_path / "b",
            env={
                "SELLERAUTH_ACCOUNTS_FILE": str(tmp_path / "accounts.toml"),
                "SELLERAUTH_ACCOUNTS__S5__PASSWORD": login.password,
            },
        )
    assert default.returncode == 3, default.stderr
    assert "No TOTP secret is configured for account default" in default.stderr
    assert "set SELLERAUTH_TOTP_SECRET" in default.stderr
    assert "The command: `sellerauth status --assist`." in default.stderr
    assert named.returncode == 3, named.stderr
    assert "set SELLERAUTH_ACCOUNTS__S5__TOTP_SECRET" in named.stderr
    assert "<secrets dir>/s5.totp_secret" in named.stderr
    assert "The command: `sellerauth renew --account s5 --assist`." in named.stderr
