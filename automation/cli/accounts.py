"""`sellerauth accounts check`: the accounts file, account by account, without a browser."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import params
from automation.cli.output import console, exit_with, report_error
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.commands import CommandSpec, Site
    from automation.plan import AccountProbe
    from automation.settings import Settings


JobOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--job",
        metavar="JOB",
        help="Also check each account's settings for this job (a command name) as the job does "
        "before a browser starts, even where none are configured; repeatable.",
    ),
]


def accounts_app(site: Site) -> typer.Typer:
    """`accounts check` for the accounts of `site` (its account model)."""
    app = typer.Typer(
        help="The accounts file (accounts.toml): one [accounts.<name>] table per seller.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @app.command("check")
    def accounts_check(
        accounts_file: params.AccountsFileOpt = None,
        as_json: params.JsonOpt = False,
        job: JobOpt = None,
    ) -> None:
        """Check the accounts file and say, per account, what is missing; starts no browser.

        Every problem of the file is reported in one run, and each account's site settings
        when they are configured (a problem that would stop a job before its browser starts).
        With --json, one object: {"ok": bool, "file": path, "accounts": [per account: ok,
        problems, warnings, ...], "errors": [problems of the file itself, each {"code",
        "message", "field"}]}. Exit status 2 when the file or any account has a problem,
        else 0.
        """
        try:
            specs = [site.spec(name) for name in job or ()]
        except SellerAuthError as error:
            exit_with(error, "-", as_json)
        check(site.account_model, accounts_file, as_json, [job_probe(spec) for spec in specs])

    return app


def job_probe(spec: CommandSpec[Any, Any]) -> AccountProbe:
    """What stops `spec`'s job for one account before a browser starts: its `prepare` with
    the default options and no store (nothing when the job has no `prepare`)."""

    def probe(settings: Settings, profile: AccountProfile) -> list[str]:
        if spec.prepare is None:
            return []
        try:
            spec.command().prepared(settings, profile, None)
        except SellerAuthError as problem:
            return [problem.message]
        return []

    return probe


def check(
    model: type[AccountProfile],
    accounts_file: Any,
    as_json: bool,
    probes: Sequence[AccountProbe] = (),
) -> None:
    """`accounts check`: each account of the file resolved as `model` and tried by `probes`;
    exits 2 on a problem."""
    from automation.plan import check_accounts

    settings = settings_or_exit(as_json, accounts_file=accounts_file)
    checks: list[Any] = []
    errors: list[SellerAuthError] = []
    try:
        checks = check_accounts(settings, model, probes)
    except SellerAuthError as problem:
        errors = file_problems(settings, model) or [problem]
    ok = bool(checks) and not errors and all(c.ok for c in checks)
    if as_json:
        from automation.log import redact

        body = {
            "ok": ok,
            "file": str(settings.accounts_file) if settings.accounts_file else None,
            "accounts": [c.to_dict() for c in checks],
            "errors": [{**e.to_dict(), "message": redact(e.message)} for e in errors],
        }
        typer.echo(json.dumps(body, ensure_ascii=False))
    elif errors:
        for each in errors:
            report_error(each, "-", as_json=False)
        typer.echo(
            f"{len(errors)} {plural(len(errors), 'problem')} in the accounts file.", err=True
        )
    else:
        _print_checks(checks, settings, model.check_columns)
    if not ok:
        raise typer.Exit(2)


def file_problems(settings: Settings, model: type[AccountProfile]) -> list[SellerAuthError]:
    """Every structural problem of the accounts file (each table, each key against `model`,
    names that clash), not just the first; [] when the file cannot be read at all (the
    caller's error says why)."""
    import tomllib

    from automation.accounts import check_accounts_data, env_key

    path = settings.accounts_file
    if path is None:
        return []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return []
    found: list[SellerAuthError] = []

    def check(piece: dict[str, Any]) -> bool:
        try:
            check_accounts_data(piece, path, model)
        except SellerAuthError as error:
            if all(error.message != seen.message for seen in found):
                found.append(error)
            return False
        return True

    check({key: value for key, value in data.items() if key != "accounts"})
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        check({"accounts": accounts})
        return found
    seen: dict[str, str] = {}
    for name, table in accounts.items():
        if not isinstance(table, dict):
            check({"accounts": {name: table}})
            continue
        if check({"accounts": {name: {}}}):  # the name itself, then each key
            for key, value in table.items():
                check({"accounts": {name: {key: value}}})
        other = seen.setdefault(env_key(name), name)
        if other != name:
            check({"accounts": {other: {}, name: {}}})
    return found


def plural(count: int, word: str) -> str:
    """`1 account`, `2 accounts`."""
    return word if count == 1 else word + "s"


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
        out.print("The accounts file has no [accounts.<name>] table.", style="red", markup=False)
    elif bad:
        out.print(
            f"{bad} of {len(checks)} {plural(len(checks), 'account')} cannot run.", style="red"
        )
    elif len(checks) == 1:
        out.print("The account can run.", style="green")
    else:
        out.print(f"All {len(checks)} accounts can run.", style="green")
