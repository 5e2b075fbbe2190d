"""The `sellerauth` console script: the site's jobs handed to the engine, plus `sim` and `demo`.

Dependencies point one way: this package imports `automation`, `flows` and `fixtures`;
`flows` imports `automation`; `automation` imports none of them (tests/test_layering.py).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import build_app, run
from automation.cli.output import fail_input
from automation.commands import RecordHook, Site
from flows import site as seller_central
from flows.authorize import APP_RENEW, APP_STATUS, AUTHORIZE
from flows.permissions import RENEW, STATUS
from flows.register import SPEC as REGISTER

if TYPE_CHECKING:
    from automation.commands import Command
    from automation.settings import AccountProfile, Settings

# The jobs, in the order `sellerauth --help` lists them.
COMMANDS = (REGISTER, STATUS, RENEW, AUTHORIZE, APP_STATUS, APP_RENEW)


def record_job(
    command: Command, settings: Settings, account: AccountProfile, out: Path, **run: Any
) -> dict[str, Any]:
    """Record `command` for `account` into `out` (.har.zip); the result the replay expects."""
    from flows.recording import read_meta, record

    record(command.flow(), command.name, settings, account, out, **run)
    expected: dict[str, Any] = read_meta(out)["expected"]
    return expected


SITE = Site(
    commands=COMMANDS,
    help=seller_central.HELP,
    account_overrides=seller_central.SiteOverrides,
    watching_person=seller_central.watching_person,
    record=RecordHook(record=record_job, default="status"),
)


def sim(
    port: Annotated[
        int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    scenario: Annotated[
        str, typer.Option("--scenario", help="Scenario name (see --list).")
    ] = "demo",
    language: Annotated[
        str | None, typer.Option("--language", help="ja or en (default: the scenario's).")
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option("--variant", help="Sign-in variant: two_step, one_page or unified."),
    ] = None,
    list_scenarios: Annotated[bool, typer.Option("--list", help="List the scenarios.")] = False,
) -> None:
    """Serve the Seller Central simulator on 127.0.0.1 for QA and demos (Ctrl-C stops it)."""
    from fixtures.simulator import SCENARIOS, Simulator, SimulatorServer, build_scenario

    if list_scenarios:
        for name in SCENARIOS:
            typer.echo(name)
        return
    if scenario not in SCENARIOS:
        fail_input(f"Unknown scenario '{scenario}'. Known: {', '.join(SCENARIOS)}.", as_json=False)
    overrides: dict[str, Any] = {}
    if language:
        overrides["language"] = language
    if variant:
        overrides["signin_variant"] = variant
    simulator = Simulator(build_scenario(scenario, **overrides))
    server = SimulatorServer(simulator, port=port)
    server.start()
    typer.echo(f"Seller Central simulator '{scenario}' on {server.url}")
    typer.echo(f"  control page: {server.url}/__sim/")
    for login in simulator.scenario.logins:
        typer.echo(f"  login {login.email}  password {login.password}")
        if login.totp_secret:
            typer.echo(f"        TOTP secret {login.totp_secret}")
    first = simulator.scenario.logins[0]
    typer.echo("\nTry, in another terminal:")
    typer.echo(
        f"  SELLERAUTH_EMAIL={first.email} SELLERAUTH_PASSWORD={first.password} "
        + (f"SELLERAUTH_TOTP_SECRET={first.totp_secret} " if first.totp_secret else "")
        + f"sellerauth register --base-url {server.url}"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        server.stop()


def demo() -> None:
    """Run register, status, renew, then authorize, app-status and app-renew against the
    bundled simulator, and explain each step."""
    from sellerauth.demo import run_demo

    raise typer.Exit(run_demo())


def build() -> typer.Typer:
    """The whole command line: the engine's, built from `SITE`, with `sim` and `demo`."""
    app = build_app(SITE)
    app.command()(sim)
    app.command()(demo)
    return app


def main() -> None:
    """Console-script entry point; exits with the command's status."""
    sys.exit(run(build()))
