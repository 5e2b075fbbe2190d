"""The `sellerauth` console script: the site's jobs handed to the engine, plus `sim` and `demo`.

Dependencies point one way: this package imports `automation`, `flows` and `fixtures`;
`flows` imports `automation`; `automation` imports none of them (tests/test_layering.py).
"""

from __future__ import annotations

import atexit
import gc
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import build_app, run
from automation.cli.output import fail_input
from automation.cli.params import command_function
from automation.commands import RecordHook, Site
from flows import site as seller_central
from flows import triage
from flows.mws import register, renew, status
from flows.signin.person import watching_person
from flows.spapi import app_check, app_renew, app_status, authorize

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.commands import Command
    from automation.settings import Settings

# The jobs, in the order `sellerauth --help` lists them.
COMMANDS = tuple(
    job.SPEC for job in (register, status, renew, authorize, app_status, app_renew, app_check)
)
# The jobs that need the SP-API app's settings besides the sign-in.
APP_JOBS = frozenset(job.SPEC.name for job in (authorize, app_status, app_renew, app_check))


def record_job(
    command: Command, settings: Settings, account: AccountProfile, out: Path, **run: Any
) -> dict[str, Any]:
    """Record `command` for `account` into `out` (.har.zip); the result the replay expects."""
    from flows.recording import read_meta, record

    record(
        command.flow(), command.name, settings, seller_central.seller_account(account), out, **run
    )
    expected: dict[str, Any] = read_meta(out)["expected"]
    return expected


SITE = Site(
    commands=COMMANDS,
    help=seller_central.HELP,
    account_overrides=seller_central.SiteOverrides,
    watching_person=watching_person,
    record=RecordHook(record=record_job, default="status"),
    account_model=seller_central.SellerAccount,
    triage=triage.triage_of,
    grant_labels=seller_central.GRANT_LABELS,
    renew_window_days=seller_central.RENEW_WITHIN_DAYS,
    error_detail_keys=seller_central.ERROR_DETAIL_KEYS,
    resolved_by=seller_central.RESOLVED_BY,
    account_wide_codes=seller_central.SIGN_IN_CODES,
)


def _sim_params() -> list[Any]:
    """`sim`'s options, from the simulator's own declaration (fixtures/simulator/options.py)."""
    from automation.cli.params import param
    from fixtures.simulator.options import OPTIONS

    made = []
    for option in OPTIONS:
        shown = f" One of: {', '.join(option.choices)}." if option.choices else ""
        typed: Any = list[str] | None if option.many else option.kind | None
        made.append(
            param(
                option.dest,
                Annotated[
                    typed,
                    typer.Option(option.flag, help=option.help + shown, metavar=option.metavar),
                ],
                None if option.many else option.default,
            )
        )
    made.append(
        param(
            "list_scenarios",
            Annotated[bool, typer.Option("--list", help="List the scenarios and exit.")],
            False,
        )
    )
    made.append(
        param(
            "print_env",
            Annotated[
                bool,
                typer.Option(
                    "--print-env",
                    help="Print the settings a job needs against this simulator, one "
                    "`export VAR=value` a line, and exit without serving: "
                    'eval "$(sellerauth sim --print-env --port 8765)". Needs --port N (not 0).',
                ),
            ],
            False,
        )
    )
    jobs = ", ".join(spec.name for spec in COMMANDS)
    made.append(
        param(
            "job",
            Annotated[
                str | None,
                typer.Option(
                    "--job",
                    metavar="JOB",
                    help=f"With --print-env: only what JOB needs ({jobs}); default: every job.",
                ),
            ],
            None,
        )
    )
    return made


def _print_env(scenario: Any, values: dict[str, Any]) -> None:
    """`sim --print-env`: the settings for `eval`, the simulator not started."""
    from fixtures.simulator.account import export_lines, job_env

    job = values["job"]
    if job is not None and job not in {spec.name for spec in COMMANDS}:
        jobs = ", ".join(spec.name for spec in COMMANDS)
        fail_input(f"--job {job!r}: must be one of: {jobs}", as_json=False)
    if not values["port"]:
        fail_input(
            "--print-env needs the port the simulator serves on: give --port N (not 0), the "
            "same as the `sellerauth sim` that serves it",
            as_json=False,
        )
    url = f"http://{values['host']}:{values['port']}"
    env = job_env(scenario, url, app=job is None or job in APP_JOBS)
    typer.echo("\n".join(export_lines(env)))


def _sim(values: dict[str, Any]) -> None:
    from fixtures.simulator import Simulator, SimulatorServer
    from fixtures.simulator.options import BadOption, banner, scenario_from, scenario_lines

    if values.pop("list_scenarios"):
        typer.echo("\n".join(scenario_lines()))
        return
    print_env = values.pop("print_env")
    try:
        scenario = scenario_from(values)
    except BadOption as problem:
        fail_input(str(problem), as_json=False)
    if print_env:
        _print_env(scenario, values)
        return
    if values["job"] is not None:
        fail_input("--job goes with --print-env", as_json=False)
    simulator = Simulator(scenario)
    server = SimulatorServer(simulator, host=values["host"], port=values["port"])
    server.start()
    typer.echo("\n".join(banner(scenario, server.url)))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        server.stop()


SIM_HELP = "Serve the Seller Central simulator for QA and demos (Ctrl-C stops it)."


def demo() -> None:
    """Run register, status, renew, then authorize, app-status and app-renew against the
    bundled simulator, and explain each step."""
    from sellerauth.demo import run_demo

    raise typer.Exit(run_demo())


def build(argv: Sequence[str] | None = None) -> typer.Typer:
    """The whole command line: the engine's, built from `SITE`, with `sim` and `demo`.

    `argv`, when given, is the command line about to run: unless it names `sim`, the
    simulator's options are left out, since declaring them imports the simulator (and Flask).
    """
    app = build_app(SITE)
    params = _sim_params() if argv is None or "sim" in argv else []
    app.command("sim")(command_function("sim", SIM_HELP, params, _sim))
    app.command()(demo)
    return app


def main() -> None:
    """Console-script entry point; exits with the command's status.

    The objects of a finished command are not collected one by one at exit (`gc.freeze`,
    run after every other exit handler): the operating system frees them at once. That
    collection alone took 0.3–0.5 s of a `status` run.
    """
    atexit.register(gc.freeze)  # registered first, so it runs last
    sys.exit(run(build(sys.argv[1:])))
