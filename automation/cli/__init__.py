"""The command-line builder: `build_app(site)` makes the `sellerauth` command from a site's jobs.

The modules by concern: `output` (JSON and people's output, errors), `params` (options, and
those built from a job's options model), `single` (one account), `batch` (many), `accounts`,
`history` (audit trail and export), `record` (HAR recordings). The engine names no job:
everything comes from the `Site` the composition root hands over.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from automation.commands import Site

DebugOpt = Annotated[
    bool,
    typer.Option("--debug", help="On an unexpected error, print its traceback (stderr)."),
]


def version_text() -> str:
    """`sellerauth 1.2.3`: the installed distribution's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"sellerauth {version('sellerauth')}"
    except PackageNotFoundError:
        return "sellerauth (version unknown: not installed)"


def _print_version(given: bool) -> None:
    if given:
        typer.echo(version_text())
        raise typer.Exit(0)


NewStoreOpt = Annotated[
    bool,
    typer.Option(
        "--new-store",
        help="Start a new, empty store where a state directory in use lost its own "
        "(SELLERAUTH_NEW_STORE=1).",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Log errors only (stderr)."),
]
VerboseOpt = Annotated[
    int,
    typer.Option(
        "--verbose",
        "-v",
        count=True,
        show_default=False,
        help="Log every step (-v: info), or more (-vv: debug). Logs go to stderr only. "
        "Without -q or -v: SELLERAUTH_LOG_LEVEL, else warnings and errors on a terminal, "
        "info otherwise.",
    ),
]

VersionOpt = Annotated[
    bool,
    typer.Option(
        "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
    ),
]


def build_app(site: Site) -> typer.Typer:
    """The command line of `site`: a command and a batch command per job, plus `accounts`,
    `history`, `export` and (when the site records) `record`."""
    from automation.cli import accounts, batch, doctor, fleet, history, record, single

    app = typer.Typer(
        help=site.help,
        no_args_is_help=True,
        add_completion=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        debug: DebugOpt = False,
        new_store: NewStoreOpt = False,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = 0,
        version: VersionOpt = False,
    ) -> None:
        """The global options (the help is the site's)."""
        from automation.log import set_cli_level

        if quiet and verbose:
            raise typer.BadParameter("-q and -v contradict each other: give one")
        set_cli_level("error" if quiet else {0: None, 1: "info"}.get(verbose, "debug"))

    single.add_commands(app, site)
    if site.record is not None:
        record.add_command(app, site, site.record)
    app.add_typer(accounts.accounts_app(site), name="accounts")
    app.add_typer(batch.batch_app(site), name="batch")
    history.add_commands(app, site)
    fleet.add_commands(app, site)
    doctor.add_commands(app, site)
    return app


def run(app: typer.Typer, args: Sequence[str] | None = None) -> int:
    """Run the command line; whatever escapes a command (a bug included) is reported as one
    `internal` error (the JSON object with --json), its traceback only with --debug.
    Returns the exit status."""
    from automation.cli.output import internal_error

    argv = list(sys.argv[1:] if args is None else args)
    # --debug is global: accepted anywhere on the line, taken out before the command sees it.
    debug = "--debug" in argv
    # --new-store is global too: it becomes the setting SELLERAUTH_NEW_STORE of this process.
    if "--new-store" in argv:
        os.environ["SELLERAUTH_NEW_STORE"] = "1"
    argv = [arg for arg in argv if arg not in ("--debug", "--new-store")]
    try:
        app(args=argv, prog_name="sellerauth")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as problem:
        return internal_error(problem, as_json="--json" in argv, debug=debug)
    return 0
