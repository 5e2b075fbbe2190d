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
    "sellerauth authorize --headed  # SP-API: once per seller, with the app's settings set",
    "sellerauth batch app-renew  # nightly: re-authorize the app where it is due",
)
"""The closing hint: the first sign-in, then what a scheduler runs (README "Scheduling")."""


def run_demo() -> int:
    """Start the simulator, run register twice, status and renew, then the SP-API jobs
    (authorize, app-status, app-renew), and print what happened."""
    from automation.log import configure_logging
    from automation.runner import run_one
    from automation.settings import load_settings
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario
    from flows.mws.register import SPEC as REGISTER
    from flows.mws.renew import SPEC as RENEW
    from flows.mws.status import SPEC as STATUS
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
        status = _spapi_demo(console, settings)
        if status:
            return status
        closing_hint(console)
    return 0


def closing_hint(console: Console) -> None:
    """What to run against the real site; each command on one line, never wrapped."""
    console.rule("against the real site")
    console.print(
        "Put the seller's e-mail, password and TOTP secret in the environment (or .env), "
        "sign in once with a browser window to watch, then schedule the batch to keep the "
        'access from expiring (SP-API: the app\'s settings first, README "SP-API settings"):'
    )
    for line in REAL_SITE_COMMANDS:
        console.print("  " + line, soft_wrap=True, highlight=False, markup=False)


def _spapi_demo(console: Console, settings: Any) -> int:
    """authorize, app-status, app-renew (a dry run, then a renewal) on the `spapi` scenario;
    the refresh token shown masked. 0, or the exit status of the step that failed."""
    from automation.commands import Command
    from automation.runner import run_one
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario
    from fixtures.simulator import spapi_model as app
    from flows.site import resolve_account
    from flows.spapi.app_renew import SPEC as APP_RENEW
    from flows.spapi.app_status import SPEC as APP_STATUS
    from flows.spapi.authorize import SPEC as AUTHORIZE
    from flows.spapi.options import AppJobOptions
    from flows.spapi.reporting import mask_token
    from flows.spapi.settings import load_app_settings

    simulator = Simulator(build_scenario("spapi"))
    login = simulator.scenario.logins[0]
    with SimulatorServer(simulator) as server:
        console.rule("SP-API: authorize the developer's app")
        console.print(
            f"A second simulated Seller Central ({server.url}) serves the SP-API pages: the "
            f"consent page for the app '{app.DEMO_APP_NAME}', Manage Your Apps, and Login with "
            "Amazon's token endpoint and the Sellers API."
        )
        account = resolve_account(
            settings,
            None,
            email=login.email,
            password=login.password,
            totp_secret=login.totp_secret,
            base_url=server.url,
        )
        app_settings = load_app_settings(
            app_id=app.DEMO_APP_ID,
            app_name=app.DEMO_APP_NAME,
            redirect_uri=app.DEMO_REDIRECT_URI,
            lwa_client_id=app.DEMO_LWA_CLIENT_ID,
            lwa_client_secret=app.DEMO_LWA_CLIENT_SECRET,
            lwa_token_url=server.url + "/auth/o2/token",
            spapi_endpoint=server.url,
        )
        steps: list[tuple[str, str, CommandSpec[Any, Any], dict[str, Any]]] = [
            ("authorize", "consent, catch the code, exchange it, prove the token", AUTHORIZE, {}),
            ("app-status", "every app in Manage Your Apps, ours marked", APP_STATUS, {}),
            (
                "app-renew --dry-run",
                "nothing is due: it was just authorized",
                APP_RENEW,
                {"dry_run": True},
            ),
            (
                "app-renew --force",
                "Re-authorize now, a new refresh token",
                APP_RENEW,
                {"force": True},
            ),
        ]
        for number, (name, why, spec, options) in enumerate(steps, 5):
            console.rule(f"{number}. sellerauth {name}: {why}")
            before = len(simulator.events)
            command = spec.command(options)
            assert isinstance(command.options, AppJobOptions)
            ready = Command(spec, command.options.ready(app_settings, None))
            try:
                result = run_one(ready.flow(), settings, account)
            except SellerAuthError as error:
                console.print(f"[red]failed: [{error.code}] {error}[/red]")
                return error.exit_status
            data = result.model_dump(mode="json")
            table = Table(show_header=False)
            for key, value in data.items():
                if key == "refresh_token":
                    value = f"{mask_token(value)} (masked here; --json prints it in full)"
                elif key == "apps":
                    value = "\n".join(
                        f"{a['app_name']} by {a['developer']}: {a['status']}, expires "
                        f"{a['expires_at'] or '-'}{'  <- ours' if a['ours'] else ''}"
                        for a in value
                    )
                table.add_row(key, str(value))
            console.print(table)
            seen = [e["kind"] for e in simulator.events[before:] if e["kind"] != "request"]
            console.print(f"[dim]the simulator saw: {', '.join(seen) or 'page views only'}[/dim]")
    return 0
