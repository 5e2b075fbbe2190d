"""`make demo`: the main job against the bundled simulator, step by step, in plain words."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from automation.commands import CommandSpec
from automation.errors import SellerAuthError

REAL_SITE_COMMANDS = (
    "SELLERAUTH_EMAIL=... SELLERAUTH_PASSWORD=... SELLERAUTH_TOTP_SECRET=... "
    "sellerauth register --headed",
    "sellerauth batch renew  # nightly: every account of accounts.toml where it is due",
)
"""The closing hint: the first sign-in, then what a scheduler runs (README "Scheduling")."""


def run_demo() -> int:
    """Start the simulator, run register twice, status and renew, and print what happened."""
    from automation.log import configure_logging
    from automation.runner import run_one
    from automation.settings import load_settings
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario
    from flows.permissions import RENEW, STATUS
    from flows.register import SPEC as REGISTER
    from flows.site import resolve_account

    console = Console()
    simulator = Simulator(build_scenario("demo"))
    login = simulator.scenario.logins[0]
    with SimulatorServer(simulator) as server, tempfile.TemporaryDirectory() as state:
        console.rule("sellerauth demo")
        console.print(
            f"A simulated Seller Central runs on {server.url}. Its seller {login.email} has "
            "two-step verification on; the bot signs in with the password and a TOTP code, "
            "as it would on the real site."
        )
        settings = load_settings(state_dir=Path(state), log_format="console", log_level="warning")
        configure_logging(settings.log_format, settings.log_level)
        account = resolve_account(
            settings,
            None,
            email=login.email,
            password=login.password,
            totp_secret=login.totp_secret,
            base_url=server.url,
        )
        steps: list[tuple[str, str, CommandSpec[Any, Any]]] = [
            ("register", "give shippinno access and read back the credentials", REGISTER),
            ("register again", "idempotent: nothing is granted twice", REGISTER),
            ("status", "every developer on the permissions screen", STATUS),
            ("renew", "renew only when access expires within 30 days", RENEW),
        ]
        for number, (name, why, spec) in enumerate(steps, 1):
            console.rule(f"{number}. sellerauth {name}: {why}")
            before = len(simulator.events)
            try:
                result = run_one(spec.command().flow(), settings, account)
            except SellerAuthError as error:
                console.print(f"[red]failed: [{error.code}] {error}[/red]")
                return error.exit_status
            data = result.model_dump(mode="json")
            table = Table(show_header=False)
            for key, value in data.items():
                if key == "developers":
                    value = ", ".join(
                        f"{d['developer_id']} {d['nickname']} ({d['state']}, expires "
                        f"{d['expires_at'] or '-'})"
                        for d in value
                    )
                table.add_row(key, str(value))
            console.print(table)
            seen = [e["kind"] for e in simulator.events[before:] if e["kind"] != "request"]
            console.print(f"[dim]the simulator saw: {', '.join(seen) or 'page views only'}[/dim]")
        closing_hint(console)
    return 0


def closing_hint(console: Console) -> None:
    """What to run against the real site; each command on one line, never wrapped."""
    console.rule("against the real site")
    console.print(
        "Put the seller's e-mail, password and TOTP secret in the environment (or .env), "
        "sign in once with a browser window to watch, then schedule the batch to keep the "
        "access from expiring:"
    )
    for line in REAL_SITE_COMMANDS:
        console.print("  " + line, soft_wrap=True, highlight=False, markup=False)
