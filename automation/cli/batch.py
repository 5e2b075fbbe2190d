"""`sellerauth batch <job>`: every account of the accounts file, unattended."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import params
from automation.cli.output import exit_with
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.commands import CommandSpec, Site

BATCH_HELP = (
    "Run {jobs} over every account of the accounts file, unattended.\n\n"
    "Exit status: 0 every account done, 1 any failed, 3 none failed but some need a person, "
    "2 bad input (nothing run), 130 stopped by Ctrl-C, 143 stopped by SIGTERM (both: accounts "
    "in progress finish, the run ID to resume is printed)."
)

OnlyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--only", metavar="NAMES", help="Only these accounts (comma-separated; may be repeated)."
    ),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option(
        "--concurrency", "-c", min=1, max=32, help="Accounts at a time, one browser each."
    ),
]
ResumeOpt = Annotated[
    str | None,
    typer.Option(
        "--resume",
        metavar="RUN_ID",
        help="Finish run RUN_ID: skip its accounts that have a result; the run's own command, "
        "options and accounts are used.",
    ),
]
ShardOpt = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="K/N",
        help="Run only shard K (0 to N-1) of N, split by a stable hash of the account name "
        "(default: JOB_COMPLETION_INDEX/JOB_COMPLETIONS when set).",
    ),
]
LinesOpt = Annotated[
    bool,
    typer.Option("--json", help="One JSON line per finished account even on a terminal."),
]
ListOpt = Annotated[
    bool,
    typer.Option("--list", help="Print the accounts this batch would run, and exit."),
]


def batch_app(site: Site) -> typer.Typer:
    """`sellerauth batch` with one subcommand per job of `site` that runs in batches."""
    specs = [spec for spec in site.commands if spec.batch]
    jobs = ", ".join(s.name for s in specs[:-1]) + (" or " if len(specs) > 1 else "")
    app = typer.Typer(
        help=BATCH_HELP.format(jobs=jobs + specs[-1].name) if specs else "No batch jobs.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for spec in specs:
        app.command(spec.name)(_command(site, spec))
    return app


def _command(site: Site, spec: CommandSpec[Any, Any]) -> Any:
    signature = [
        params.param("accounts_file", params.AccountsFileOpt),
        params.param("only", OnlyOpt),
        params.param("concurrency", ConcurrencyOpt, 2),
        params.param("resume", ResumeOpt),
        params.param("shard", ShardOpt),
        *params.model_params(spec.options, batch=True),
        params.param("as_json", LinesOpt, False),
        params.param("list_only", ListOpt, False),
    ]

    def body(values: dict[str, Any]) -> None:
        options = params.split(values, spec.options)
        try:
            spec.parse_options(options)
        except SellerAuthError as error:
            exit_with(error, "-", False)
        run(site, spec, options, values)

    help_text = spec.batch_help or spec.help
    return params.command_function(spec.name, help_text, signature, body)


def run(
    site: Site, spec: CommandSpec[Any, Any], options: dict[str, Any], values: dict[str, Any]
) -> None:
    """Run the batch; leave with its exit status."""
    from automation.cli.batch_run import BatchRequest, run_batch

    request = BatchRequest(
        site=site,
        spec=spec,
        options=options,
        accounts_file=values["accounts_file"],
        only=values["only"],
        concurrency=values["concurrency"],
        resume=values["resume"],
        shard=values["shard"],
        json_lines=values["as_json"] or not sys.stdout.isatty(),
        list_only=values["list_only"],
    )
    try:
        status = run_batch(request)
    except SellerAuthError as error:
        exit_with(error, "-", False)
    except KeyboardInterrupt:  # Ctrl-C before the run had an ID (planning, opening the store)
        typer.echo("sellerauth: stopped before any account started", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(status)
