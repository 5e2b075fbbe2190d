"""`sellerauth history` (the audit trail) and `sellerauth export` (each account's last state)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli.accounts import plural, settings_or_exit
from automation.cli.output import console, exit_with, fail_input
from automation.cli.params import JsonOpt
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.commands import Site
    from automation.settings import Settings
    from automation.store import Store


def add_commands(app: typer.Typer, site: Site) -> None:
    """Add `history` and `export`; the export lists the jobs' own columns first."""
    first = list(dict.fromkeys(c for spec in site.commands for c in spec.export_columns))
    grant_fields = {spec.name: spec.grant_field for spec in site.commands if spec.grant_field}

    @app.command()
    def history(
        account: Annotated[
            str | None, typer.Option("--account", "-a", metavar="NAME", help="Only this account.")
        ] = None,
        limit: Annotated[int, typer.Option("--limit", min=1, help="The last N events.")] = 200,
        only_open: Annotated[
            bool,
            typer.Option(
                "--open",
                help="Only the actions clicked whose effect was never read back (the run "
                "died or stopped in between): outcome unknown.",
            ),
        ] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """The audit trail: every action the jobs took on an account, oldest first, then the
        actions whose outcome is unknown (clicked, never read back)."""
        from automation.report import history_json, history_table

        settings = settings_or_exit(as_json)
        store = store_or_exit(settings, as_json)
        try:
            with store:
                records = [] if only_open else store.audit(account, limit)
                unknown = store.intents(account, only_open=True)
        except SellerAuthError as error:
            exit_with(error, "-", as_json)
        if as_json:
            shown = history_json(records) + [_open_json(i) for i in unknown]
            typer.echo(json.dumps(shown, ensure_ascii=False))
            return
        if only_open and not unknown:
            typer.echo("No action with an unknown outcome.", err=True)
        elif not only_open and not records:
            typer.echo(
                "No action recorded yet" + (f" for {account}." if account else "."), err=True
            )
        elif records:
            console().print(history_table(records))
        if unknown:
            console().print(_open_table(unknown))

    @app.command()
    def export(
        fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
        reveal: Annotated[
            bool, typer.Option("--reveal", help="Include the secrets read back (decrypted).")
        ] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write to FILE (mode 0600), not stdout.")
        ] = None,
    ) -> None:
        """The latest known state of every account: its last result and the values read, a
        row per grant (our developer's access, each SP-API app).

        Secrets only with --reveal; without it the store's encrypted ones are not even
        decrypted.
        """
        from automation.files import write_private
        from automation.report import export_text
        from automation.store import latest_per_account
        from automation.store.export import UNDECRYPTABLE, UNDECRYPTABLE_TEXT

        if fmt not in ("csv", "json"):
            fail_input(f"--format must be csv or json, not {fmt!r}", as_json=False)
        settings = settings_or_exit(False)
        store = store_or_exit(settings, False)
        try:
            with store:
                rows = latest_per_account(store.account_results(reveal=reveal), grant_fields)
        except SellerAuthError as error:
            exit_with(error, "-", False)
        unrevealed = [row["account"] for row in rows if row.get(UNDECRYPTABLE)]
        if unrevealed:
            typer.echo(
                f"warning: {len(unrevealed)} {plural(len(unrevealed), 'row')} "
                f"({', '.join(unrevealed)}): {UNDECRYPTABLE_TEXT} (column {UNDECRYPTABLE}); "
                "the other values are shown",
                err=True,
            )
        text = export_text(rows, fmt, first)
        if out is None:
            typer.echo(text, nl=False)
        else:
            try:
                write_private(out.expanduser(), text)
            except SellerAuthError as error:  # store_failed naming the file
                exit_with(error, "-", False)
            accounts = len({row.get("account") for row in rows})
            typer.echo(
                f"{len(rows)} {plural(len(rows), 'row')} "
                f"({accounts} {plural(accounts, 'account')}) written to {out}",
                err=True,
            )


def _open_json(intent: Any) -> dict[str, Any]:
    return {
        "at": intent.at,
        "run_id": intent.run_id,
        "account": intent.account,
        "action": intent.action,
        "developer_id": intent.developer_id,
        "after": None,
        "outcome": intent.shown_outcome,
    }


def _open_table(intents: list[Any]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title="clicked, outcome unknown (never read back): check the account",
        title_justify="left",
    )
    for column in ("when (UTC)", "run", "account", "action", "developer"):
        table.add_column(column, overflow="fold")
    for i in intents:
        cells = (i.at[:19].replace("T", " "), i.run_id, i.account, i.action, i.developer_id)
        table.add_row(*(escape(c or "-") for c in cells))
    return table


def store_or_exit(settings: Settings, as_json: bool) -> Store:
    """The existing store, for reading: neither a store nor a key is ever created (a mistyped
    SELLERAUTH_STATE_DIR must not look like an empty history). A missing store or key is an
    InvalidInput (exit 2) naming the path; any other problem is reported and exits too."""
    from automation.errors import InvalidInput
    from automation.store import KEY_FILE, STORE_FILE, Store
    from automation.store.backend import location
    from automation.store.keys import holds_encrypted_values, key_missing
    from automation.store.opening import store_exists

    path = settings.state_dir / STORE_FILE
    try:
        where = location(settings)
        if where.path is None:
            if not store_exists(where):
                raise InvalidInput(
                    f"no store in {where.shown}: nothing has run with this "
                    "SELLERAUTH_STORE_URL (check it; the commands record into the store they "
                    "run with)",
                    field="store_url",
                )
            return Store.open(settings)
        if not path.is_file():
            raise InvalidInput(
                f"no store at {path}: nothing has run with SELLERAUTH_STATE_DIR="
                f"{settings.state_dir} (check its spelling; the commands record into the state "
                "directory they run with)",
                field="state_dir",
            )
        key = settings.state_dir / KEY_FILE
        if settings.store_key is None and not key.is_file():
            if holds_encrypted_values(path):
                raise key_missing(path, str(key), "missing")
            raise InvalidInput(
                f"the store {path} has no key beside it ({key}) and SELLERAUTH_STORE_KEY is "
                "not set: point SELLERAUTH_STORE_KEY at the key it was written with",
                field="store_key",
            )
        return Store.open(settings)
    except SellerAuthError as error:
        exit_with(error, "-", as_json)
    except OSError as problem:  # an unreadable state directory: no bug, a setup to fix
        exit_with(_unreadable(settings.state_dir, problem), "-", as_json)


def _unreadable(state_dir: Path, problem: OSError) -> SellerAuthError:
    from automation.errors import InvalidInput

    where = problem.filename or state_dir
    return InvalidInput(
        f"the state directory {state_dir} cannot be read ({problem.strerror or problem}: "
        f"{where}): make it readable by this user (or point SELLERAUTH_STATE_DIR elsewhere)",
        field="state_dir",
    )
