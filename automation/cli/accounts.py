"""`sellerauth accounts check`: the accounts file, account by account, without a browser."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from automation.cli import params
from automation.cli.output import console, exit_with
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.commands import Site
    from automation.settings import AccountProfile, Settings


def accounts_app(site: Site) -> typer.Typer:
    """`accounts check` for the accounts of `site` (its account model)."""
    app = typer.Typer(
        help="The accounts file (accounts.toml): one [accounts.<name>] table per seller.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @app.command("check")
    def accounts_check(
        accounts_file: params.AccountsFileOpt = None, as_json: params.JsonOpt = False
    ) -> None:
        """Check the accounts file and say, per account, what is missing; starts no browser.

        Exit status 2 when the file or any account has a problem, else 0.
        """
        check(site.account_model, accounts_file, as_json)

    return app


def check(model: type[AccountProfile], accounts_file: Any, as_json: bool) -> None:
    """`accounts check`: each account of the file resolved as `model`; exits 2 on a problem."""
    from automation.plan import check_accounts

    settings = settings_or_exit(as_json, accounts_file=accounts_file)
    try:
        checks = check_accounts(settings, model)
    except SellerAuthError as error:
        exit_with(error, "-", as_json)
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in checks], ensure_ascii=False))
    else:
        _print_checks(checks, settings, model.check_columns)
    if not checks or any(not c.ok for c in checks):
        raise typer.Exit(2)


def settings_or_exit(as_json: bool, **overrides: Any) -> Settings:
    """The settings, logging configured; a bad setting is reported and exits 2."""
    from automation.log import configure_logging
    from automation.settings import load_settings

    try:
        settings = load_settings(**overrides)
        configure_logging(settings.log_format, settings.log_level)
    except SellerAuthError as error:
        exit_with(error, "-", as_json)
    return settings


def _print_checks(checks: list[Any], settings: Settings, columns: tuple[str, ...]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"accounts in {settings.accounts_file}", title_justify="left")
    for column in ("account", "e-mail", *columns, "TOTP", "what is missing or wrong"):
        table.add_column(column, overflow="fold")
    for check in checks:
        notes = [f"[red]{escape(p)}[/red]" for p in check.problems]
        notes += [f"[yellow]{escape(w)}[/yellow]" for w in check.warnings]
        table.add_row(
            escape(check.name),
            escape(check.email or "-"),
            *(escape(check.fields.get(column) or "-") for column in columns),
            "yes" if check.totp else "no",
            "\n".join(notes) or "[green]ok[/green]",
        )
    out = console()
    out.print(table)
    bad = sum(not c.ok for c in checks)
    if not checks:
        out.print("The accounts file has no [accounts.<name>] table.", style="red")
    elif bad:
        out.print(f"{bad} of {len(checks)} accounts cannot run.", style="red")
    else:
        out.print(f"All {len(checks)} accounts can run.", style="green")
