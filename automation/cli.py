"""The `sellerauth` command: validates input, runs a flow, prints a table or one JSON object."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from automation.settings import AccountProfile, Settings

HELP = """Give a developer access to Amazon Seller Central accounts, read back the seller ID,
marketplace ID and MWS auth token, and keep that access from expiring.

The default account comes from SELLERAUTH_EMAIL, SELLERAUTH_PASSWORD and SELLERAUTH_TOTP_SECRET
(environment or .env); named accounts from accounts.toml (--account NAME).

Try it offline first: `sellerauth sim` serves a Seller Central simulator and prints the
commands to run against it.
"""

app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False, rich_markup_mode=None)

AccountOpt = Annotated[
    str | None,
    typer.Option("--account", "-a", help="Named account from the accounts file (default: env)."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="Seller Central URL, e.g. https://sellercentral.amazon.co.jp."),
]
DevNameOpt = Annotated[
    str | None,
    typer.Option("--developer-name", help="Developer name to grant (default shippinno)."),
]
DevIdOpt = Annotated[
    str | None,
    typer.Option("--developer-id", help="Developer ID, 12 digits (default 5259-6479-4073)."),
]
HeadedOpt = Annotated[
    bool,
    typer.Option("--headed", help="Show the browser; you finish captchas and e-mailed codes."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON object on stdout (for scripts).")
]


def main() -> None:
    """Console-script entry point."""
    app()


@app.command()
def register(
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    developer_name: DevNameOpt = None,
    developer_id: DevIdOpt = None,
    headed: HeadedOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Grant the developer access to the seller's account and read back its MWS auth token.

    Idempotent: when the developer already has access, the token is read and nothing granted;
    when the access expired, it is restored.
    """
    from flows import register as flow

    overrides = {
        "base_url": base_url,
        "developer_name": developer_name,
        "developer_id": developer_id,
    }
    _execute(account, overrides, headed, as_json, flow.run, _print_register)


@app.command()
def status(
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    headed: HeadedOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """List every developer with access to the seller's account, and when it expires."""
    from flows import permissions

    _execute(
        account, {"base_url": base_url}, headed, as_json, permissions.run_status, _print_status
    )


@app.command()
def renew(
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    renew_within: Annotated[
        int, typer.Option("--renew-within", min=0, help="Renew when expiring within DAYS.")
    ] = 30,
    force: Annotated[bool, typer.Option("--force", help="Renew even when not due.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be done; click nothing.")
    ] = False,
    disable_confirmation: Annotated[
        bool,
        typer.Option(
            "--disable-confirmation",
            help="Also switch off the seller's developer access confirmation (無効にする), so "
            "access stops expiring. Changes a security setting: only when the seller asked.",
        ),
    ] = False,
    headed: HeadedOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Renew (アクセス権を承認) or restore (アクセス権を復元) the developer's access when needed.

    Acts only on the configured developer's row, and only when its access expires within
    --renew-within days, has expired, or --force is given. Never revokes anything.
    """
    from flows import permissions

    flow = functools.partial(
        permissions.run_renew,
        renew_within=renew_within,
        force=force,
        dry_run=dry_run,
        disable_confirmation=disable_confirmation,
    )
    _execute(account, {"base_url": base_url}, headed, as_json, flow, _print_renew)


@app.command()
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
        _fail_input(f"Unknown scenario '{scenario}'. Known: {', '.join(SCENARIOS)}.", as_json=False)
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


@app.command()
def demo() -> None:
    """Run register, status and renew against the bundled simulator, and explain each step."""
    from automation.demo import run_demo

    raise typer.Exit(run_demo())


# -- running a flow --------------------------------------------------------------------------


def _execute(
    account_name: str | None,
    overrides: dict[str, str | None],
    headed: bool,
    as_json: bool,
    flow: Callable[..., BaseModel],
    render: Callable[[BaseModel, AccountProfile, Settings], None],
) -> None:
    from automation.log import configure_logging
    from automation.settings import ensure_state_dir, load_settings, resolve_account

    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        account = resolve_account(
            settings, account_name, **{k: v for k, v in overrides.items() if v is not None}
        )
        ensure_state_dir(settings.state_dir)
    except SellerAuthError as error:
        _report_error(error, account_name or "default", as_json)
        raise typer.Exit(error.exit_status) from None
    result = run_flow(flow, settings, account, headed=headed, as_json=as_json)
    if as_json:
        typer.echo(result.model_dump_json())
    else:
        render(result, account, settings)


def run_flow(
    flow: Callable[..., BaseModel],
    settings: Settings,
    account: AccountProfile,
    *,
    headed: bool,
    as_json: bool,
    **kwargs: Any,
) -> BaseModel:
    """Run one flow for one account; on failure print the error and exit with its status."""
    from automation.runner import run_one

    try:
        human = _watching_person(settings) if headed else None
        return run_one(flow, settings, account, headed=headed, human=human, **kwargs)
    except SellerAuthError as error:
        _report_error(error, account.name, as_json)
        raise typer.Exit(error.exit_status) from None
    except KeyboardInterrupt:
        _report_error(
            SellerAuthError("Stopped by the operator; the saved session is kept."),
            account.name,
            as_json,
        )
        raise typer.Exit(130) from None


def _watching_person(settings: Settings) -> Callable[..., None]:
    from flows.signin import wait_for_person

    return functools.partial(wait_for_person, timeout_s=settings.human_wait_seconds)


def _report_error(error: SellerAuthError, account: str, as_json: bool) -> None:
    from automation.log import redact

    data = error.to_dict()
    data["message"] = redact(data["message"])
    if as_json:
        typer.echo(json.dumps({"account": account, "error": data}, ensure_ascii=False))
    else:
        typer.echo(f"error [{error.code}] {account}: {redact(str(error))}", err=True)


def _fail_input(message: str, as_json: bool) -> None:
    from automation.errors import InvalidInput

    error = InvalidInput(message)
    _report_error(error, "-", as_json)
    raise typer.Exit(error.exit_status)


# -- output for people -----------------------------------------------------------------------


def _console() -> Console:
    from rich.console import Console

    return Console()


def _print_register(result: BaseModel, account: AccountProfile, settings: Settings) -> None:
    from rich.table import Table

    data = result.model_dump(mode="json")
    outcome_text = {
        "granted": "access granted",
        "already_granted": "already had access: nothing granted",
        "restored": "expired access restored",
    }[data["outcome"]]
    table = Table(title=f"{account.name}: {outcome_text}", show_header=False)
    for key in ("seller_id", "marketplace_id", "developer_id", "mws_auth_token"):
        table.add_row(key.replace("_", " "), str(data[key]))
    _console().print(table)
    _console().print("The MWS auth token is shown once here; store it safely.", style="dim")


def _print_status(result: BaseModel, account: AccountProfile, settings: Settings) -> None:
    from datetime import date

    from rich.table import Table

    data = result.model_dump(mode="json")
    ours = "".join(c for c in account.developer_id if c.isdigit())
    table = Table(
        title=f"{account.name}: seller {data['seller_id']}, access confirmation "
        f"{data['access_confirmation']}"
    )
    for column in ("developer ID", "nickname", "state", "granted", "expires", "days left"):
        table.add_column(column)
    for dev in data["developers"]:
        expires = dev["expires_at"]
        days = str((date.fromisoformat(expires) - date.today()).days) if expires else "-"
        mine = "".join(c for c in dev["developer_id"] if c.isdigit()) == ours
        table.add_row(
            dev["developer_id"],
            dev["nickname"],
            dev["state"],
            (dev["granted_at"] or "-")[:10],
            expires or "-",
            days,
            style="bold green" if mine else None,
        )
    _console().print(table)


def _print_renew(result: BaseModel, account: AccountProfile, settings: Settings) -> None:
    data = result.model_dump(mode="json")
    verb = {"renewed": "renewed", "restored": "restored", "none": "nothing to do"}[data["action"]]
    if data.get("dry_run"):
        verb = f"would be {data['action']}" if data["action"] != "none" else "nothing to do"
    expiry = data["expires_at"] or "never (confirmation disabled)"
    _console().print(
        f"{account.name}: developer {data['developer_id']}: {verb}; access expires {expiry}."
    )


if __name__ == "__main__":
    main()
