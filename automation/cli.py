"""The `sellerauth` command: validates input, runs a flow, prints a table or one JSON object."""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from automation.commands import Command
    from automation.settings import AccountProfile, Settings
    from automation.store import State, Store

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
    typer.Option(
        "--account",
        "-a",
        metavar="NAME",
        help="Named account from the accounts file (default: env).",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help="Seller Central URL, e.g. https://sellercentral.amazon.co.jp.",
    ),
]
DevNameOpt = Annotated[
    str | None,
    typer.Option(
        "--developer-name", metavar="NAME", help="Developer name to grant (default shippinno)."
    ),
]
DevIdOpt = Annotated[
    str | None,
    typer.Option(
        "--developer-id", metavar="ID", help="Developer ID, 12 digits (default 5259-6479-4073)."
    ),
]
HeadedOpt = Annotated[
    bool,
    typer.Option("--headed", help="Show the browser; you finish captchas and e-mailed codes."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON object on stdout (for scripts).")
]
RenewWithinOpt = Annotated[
    int,
    typer.Option(
        "--renew-within",
        min=0,
        metavar="DAYS",
        help="Renew when access expires within DAYS (Amazon starts reminding at 30).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Renew even when not due.")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Say what would be done; click nothing.")
]
AssistOpt = Annotated[
    bool,
    typer.Option(
        "--assist",
        help="Sit with the seller: show the browser, wait (up to SELLERAUTH_HUMAN_WAIT_SECONDS) "
        "while you answer a captcha or an e-mailed code, and ask for the OTP here when no "
        "TOTP secret is set.",
    ),
]
EvidenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        metavar="DIR",
        help="Keep proof of what was done: masked screenshots of each step and steps.json.",
    ),
]
TraceOpt = Annotated[
    Path | None,
    typer.Option(
        "--trace",
        metavar="FILE",
        help="Write a Playwright trace (open with `playwright show-trace`); secrets removed.",
    ),
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
    assist: AssistOpt = False,
    evidence: EvidenceOpt = None,
    trace: TraceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grant the developer access to the seller's account and read back its MWS auth token.

    Idempotent: when the developer already has access, the token is read and nothing granted;
    when the access expired, it is restored.
    """
    from automation.commands import Command

    overrides = {
        "base_url": base_url,
        "developer_name": developer_name,
        "developer_id": developer_id,
    }
    attended = Attended(headed or assist, evidence, trace)
    _execute(account, overrides, attended, as_json, Command("register"), _print_register)


@app.command()
def status(
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    headed: HeadedOpt = False,
    assist: AssistOpt = False,
    evidence: EvidenceOpt = None,
    trace: TraceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List every developer with access to the seller's account, and when it expires."""
    from automation.commands import Command

    attended = Attended(headed or assist, evidence, trace)
    _execute(account, {"base_url": base_url}, attended, as_json, Command("status"), _print_status)


@app.command()
def renew(
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    renew_within: RenewWithinOpt = 30,
    force: ForceOpt = False,
    dry_run: DryRunOpt = False,
    disable_confirmation: Annotated[
        bool,
        typer.Option(
            "--disable-confirmation",
            help="Also switch off the seller's developer access confirmation (無効にする), so "
            "access stops expiring. Changes a security setting: only when the seller asked.",
        ),
    ] = False,
    headed: HeadedOpt = False,
    assist: AssistOpt = False,
    evidence: EvidenceOpt = None,
    trace: TraceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Renew (アクセス権を承認) or restore (アクセス権を復元) the developer's access when needed.

    Acts only on the configured developer's row, and only when its access expires within
    --renew-within days, has expired, or --force is given. Never revokes anything.
    """
    from automation.commands import Command

    command = Command(
        "renew",
        {
            "renew_within": renew_within,
            "force": force,
            "dry_run": dry_run,
            "disable_confirmation": disable_confirmation,
        },
    )
    attended = Attended(headed or assist, evidence, trace)
    _execute(account, {"base_url": base_url}, attended, as_json, command, _print_renew)


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
def record(
    flow: Annotated[
        str, typer.Argument(metavar="FLOW", help="register, status or renew.")
    ] = "status",
    out: Annotated[
        Path,
        typer.Option("--out", metavar="FILE.har.zip", help="Where to write the recording."),
    ] = Path("recording.har.zip"),
    account: AccountOpt = None,
    base_url: BaseUrlOpt = None,
    headed: HeadedOpt = False,
    assist: AssistOpt = False,
) -> None:
    """Record a flow's network traffic as a HAR archive for replay tests, secrets replaced.

    Starts from a fresh sign-in (the saved session is neither used nor changed). register and
    renew really act on the account while they are recorded. See docs/recording.md.
    """
    from automation.commands import Command
    from automation.log import configure_logging
    from automation.settings import ensure_state_dir, load_settings, resolve_account
    from flows.recording import read_meta
    from flows.recording import record as record_flow

    if flow not in ("register", "status", "renew"):
        _fail_input(f"Unknown flow '{flow}': use register, status or renew.", as_json=False)
    if not out.name.endswith(".har.zip"):
        _fail_input(f"--out {out}: the file name must end with .har.zip.", as_json=False)
    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        profile = resolve_account(settings, account, **({"base_url": base_url} if base_url else {}))
        ensure_state_dir(settings.state_dir)
    except SellerAuthError as error:
        _report_error(error, account or "default", as_json=False)
        raise typer.Exit(error.exit_status) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    watched = headed or assist
    try:
        record_flow(
            Command(flow).flow(),
            flow,
            settings,
            profile,
            out,
            headed=watched,
            human=_watching_person(settings) if watched else None,
        )
    except SellerAuthError as error:
        _report_error(error, profile.name, as_json=False)
        raise typer.Exit(error.exit_status) from None
    expected = read_meta(out)["expected"]
    typer.echo(f"recorded {flow} for {profile.name} to {out} (secrets replaced)")
    typer.echo(json.dumps(expected, ensure_ascii=False))


@app.command()
def demo() -> None:
    """Run register, status and renew against the bundled simulator, and explain each step."""
    from automation.demo import run_demo

    raise typer.Exit(run_demo())


# -- many accounts -----------------------------------------------------------------------------

accounts_app = typer.Typer(
    help="The accounts file (accounts.toml): one [accounts.<name>] table per seller.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
batch_app = typer.Typer(
    help="Run register, status or renew over every account of the accounts file, unattended.\n\n"
    "Exit status: 0 every account done, 1 any failed, 3 none failed but some need a person, "
    "2 bad input (nothing run), 130 stopped.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(accounts_app, name="accounts")
app.add_typer(batch_app, name="batch")

AccountsFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--accounts",
        help="Accounts file (default: SELLERAUTH_ACCOUNTS_FILE, else ./accounts.toml).",
    ),
]
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


@accounts_app.command("check")
def accounts_check(accounts_file: AccountsFileOpt = None, as_json: JsonOpt = False) -> None:
    """Check the accounts file and say, per account, what is missing; starts no browser.

    Exit status 2 when the file or any account has a problem, else 0.
    """
    from automation.plan import check_accounts

    settings = _settings_or_exit(as_json, accounts_file=accounts_file)
    try:
        checks = check_accounts(settings)
    except SellerAuthError as error:
        _report_error(error, "-", as_json)
        raise typer.Exit(error.exit_status) from None
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in checks], ensure_ascii=False))
    else:
        _print_checks(checks, settings)
    if not checks or any(not c.ok for c in checks):
        raise typer.Exit(2)


@batch_app.command("register")
def batch_register(
    accounts_file: AccountsFileOpt = None,
    only: OnlyOpt = None,
    concurrency: ConcurrencyOpt = 2,
    resume: ResumeOpt = None,
    shard: ShardOpt = None,
    as_json: LinesOpt = False,
    list_only: ListOpt = False,
) -> None:
    """Grant the developer access on every account (idempotent); tokens go to the store."""
    _batch("register", {}, accounts_file, only, concurrency, resume, shard, as_json, list_only)


@batch_app.command("status")
def batch_status(
    accounts_file: AccountsFileOpt = None,
    only: OnlyOpt = None,
    concurrency: ConcurrencyOpt = 2,
    resume: ResumeOpt = None,
    shard: ShardOpt = None,
    as_json: LinesOpt = False,
    list_only: ListOpt = False,
) -> None:
    """Read every account's permissions screen."""
    _batch("status", {}, accounts_file, only, concurrency, resume, shard, as_json, list_only)


@batch_app.command("renew")
def batch_renew(
    accounts_file: AccountsFileOpt = None,
    only: OnlyOpt = None,
    concurrency: ConcurrencyOpt = 2,
    resume: ResumeOpt = None,
    shard: ShardOpt = None,
    renew_within: RenewWithinOpt = 30,
    force: ForceOpt = False,
    dry_run: DryRunOpt = False,
    as_json: LinesOpt = False,
    list_only: ListOpt = False,
) -> None:
    """Renew or restore the developer's access on every account where it is due."""
    options = {"renew_within": renew_within, "force": force, "dry_run": dry_run}
    _batch(
        "renew",
        options,
        accounts_file,
        only,
        concurrency,
        resume,
        shard,
        as_json,
        list_only,
    )


@app.command()
def history(
    account: Annotated[
        str | None, typer.Option("--account", "-a", metavar="NAME", help="Only this account.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="The last N events.")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """The audit trail: every grant, renewal, restore and confirmation change, oldest first."""
    from automation.report import history_json, history_table

    settings = _settings_or_exit(as_json)
    store = _store_or_exit(settings, as_json)
    with store:
        records = store.audit(account, limit)
    if as_json:
        typer.echo(json.dumps(history_json(records), ensure_ascii=False))
    elif not records:
        typer.echo("No action recorded yet" + (f" for {account}." if account else "."), err=True)
    else:
        _console().print(history_table(records))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Include the MWS auth tokens (decrypted).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to FILE (mode 0600), not stdout.")
    ] = None,
) -> None:
    """The latest known state of every account: its last result and the values read.

    Tokens only with --reveal; without it the store's encrypted tokens are not even decrypted.
    """
    from automation.report import export_text
    from automation.settings import write_private
    from automation.store import latest_per_account

    if fmt not in ("csv", "json"):
        _fail_input(f"--format must be csv or json, not {fmt!r}", as_json=False)
    settings = _settings_or_exit(False)
    store = _store_or_exit(settings, False)
    try:
        with store:
            rows = latest_per_account(store.account_results(reveal=reveal))
    except SellerAuthError as error:
        _report_error(error, "-", False)
        raise typer.Exit(error.exit_status) from None
    text = export_text(rows, fmt)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_private(out.expanduser(), text)
        typer.echo(f"{len(rows)} accounts written to {out}", err=True)


def _settings_or_exit(as_json: bool, **overrides: Any) -> Settings:
    from automation.log import configure_logging
    from automation.settings import load_settings

    try:
        settings = load_settings(**overrides)
        configure_logging(settings.log_format, settings.log_level)
    except SellerAuthError as error:
        _report_error(error, "-", as_json)
        raise typer.Exit(error.exit_status) from None
    return settings


def _store_or_exit(settings: Settings, as_json: bool) -> Store:
    from automation.settings import ensure_state_dir
    from automation.store import Store

    try:
        ensure_state_dir(settings.state_dir)
        return Store.open(settings)
    except SellerAuthError as error:
        _report_error(error, "-", as_json)
        raise typer.Exit(error.exit_status) from None


def _batch(
    name: str,
    options: dict[str, Any],
    accounts_file: Path | None,
    only: list[str] | None,
    concurrency: int,
    resume: str | None,
    shard: str | None,
    as_json: bool,
    list_only: bool,
) -> None:
    from automation.batch_command import BatchRequest, run_batch

    request = BatchRequest(
        command=name,
        options=options,
        accounts_file=accounts_file,
        only=only,
        concurrency=concurrency,
        resume=resume,
        shard=shard,
        json_lines=as_json or not sys.stdout.isatty(),
        list_only=list_only,
    )
    try:
        status = run_batch(request)
    except SellerAuthError as error:
        _report_error(error, "-", False)
        raise typer.Exit(error.exit_status) from None
    except KeyboardInterrupt:  # the second Ctrl-C: accounts in progress get no result
        typer.echo("sellerauth: stopped at once; resume the run with --resume RUN_ID", err=True)
        sys.stdout.flush()
        # Workers are still in their browsers: leave without the interpreter's teardown,
        # which can crash under a running Playwright thread. Results written are committed.
        os._exit(130)
    raise typer.Exit(status)


# -- running a flow --------------------------------------------------------------------------


@dataclass(frozen=True)
class Attended:
    """How a single-account run is watched and what it leaves behind."""

    # A person watches the browser window and the terminal (--headed or --assist): they answer
    # what only people may (captchas, e-mailed codes, an OTP without a TOTP secret).
    watched: bool = False
    evidence: Path | None = None
    trace: Path | None = None


def _execute(
    account_name: str | None,
    overrides: dict[str, str | None],
    attended: Attended,
    as_json: bool,
    command: Command,
    render: Callable[[BaseModel, AccountProfile, Settings], None],
) -> None:
    """Run one command for one account, record it in the store, and print its result."""
    from automation.log import configure_logging
    from automation.settings import ensure_state_dir, load_settings, resolve_account
    from automation.store import Store

    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        account = resolve_account(
            settings, account_name, **{k: v for k, v in overrides.items() if v is not None}
        )
        ensure_state_dir(settings.state_dir)
        store = Store.open(settings)
    except SellerAuthError as error:
        _report_error(error, account_name or "default", as_json)
        raise typer.Exit(error.exit_status) from None
    with store:
        recorder = _Recorder(store, command, account.name)
        result = run_flow(
            command.flow(),
            settings,
            account,
            attended=attended,
            as_json=as_json,
            on_error=recorder.failed,
        )
        recorder.done(result)
    if as_json:
        typer.echo(result.model_dump_json())
    else:
        render(result, account, settings)


class _Recorder:
    """Writes a single-account run to the store; a store problem is logged, never fatal."""

    def __init__(self, store: Store, command: Command, account: str) -> None:
        self.store, self.command, self.account = store, command, account
        self.run_id: str | None = None
        self.started = time.monotonic()
        try:
            run = store.create_run(command.name, command.options, [account], kind="single")
            store.start_result(run.run_id, account)
            self.run_id = run.run_id
        except Exception as problem:
            _store_warning(problem)

    def done(self, result: BaseModel) -> None:
        from automation.store import split_secrets

        data, secrets = split_secrets(result)
        self._finish("done", data=data, secrets=secrets, audit=self.command.audit(data))

    def failed(self, error: SellerAuthError) -> None:
        from automation.batch import failure

        outcome = failure(self.account, error)
        self._finish(outcome.state, error=outcome.error)

    def _finish(self, state: State, **fields: Any) -> None:
        if self.run_id is None:
            return
        try:
            seconds = round(time.monotonic() - self.started, 3)
            self.store.finish_result(self.run_id, self.account, state, seconds=seconds, **fields)
            self.store.finish_run(self.run_id)
        except Exception as problem:
            _store_warning(problem)


def _store_warning(problem: Exception) -> None:
    from automation.log import get_logger

    get_logger(__name__).warning(
        "store_write_failed", problem=type(problem).__name__, detail=str(problem)
    )


def run_flow(
    flow: Callable[..., BaseModel],
    settings: Settings,
    account: AccountProfile,
    *,
    attended: Attended,
    as_json: bool,
    on_error: Callable[[SellerAuthError], None] | None = None,
    **kwargs: Any,
) -> BaseModel:
    """Run one flow for one account; on failure print the error and exit with its status."""
    from automation.runner import Recording, run_one

    try:
        return run_one(
            flow,
            settings,
            account,
            headed=attended.watched,
            human=_watching_person(settings) if attended.watched else None,
            ask_otp=_otp_prompt if attended.watched and sys.stdin.isatty() else None,
            evidence_dir=attended.evidence,
            recording=Recording(trace=attended.trace),
            **kwargs,
        )
    except SellerAuthError as error:
        if on_error is not None:
            on_error(error)
        _report_error(error, account.name, as_json)
        raise typer.Exit(error.exit_status) from None
    except KeyboardInterrupt:
        from automation.errors import Interrupted

        stopped = Interrupted("Stopped by the operator; the saved session is kept.")
        if on_error is not None:
            on_error(stopped)
        _report_error(stopped, account.name, as_json)
        raise typer.Exit(stopped.exit_status) from None


def _otp_prompt() -> str:
    """Ask the operator for the one-time password, without echoing it."""
    return str(typer.prompt("One-time password (OTP) from the seller's device", hide_input=True))


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


def _print_checks(checks: list[Any], settings: Settings) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"accounts in {settings.accounts_file}", title_justify="left")
    for column in ("account", "e-mail", "marketplace", "TOTP", "what is missing or wrong"):
        table.add_column(column, overflow="fold")
    for check in checks:
        notes = [f"[red]{escape(p)}[/red]" for p in check.problems]
        notes += [f"[yellow]{escape(w)}[/yellow]" for w in check.warnings]
        table.add_row(
            escape(check.name),
            escape(check.email or "-"),
            escape(check.marketplace or "-"),
            "yes" if check.totp else "no",
            "\n".join(notes) or "[green]ok[/green]",
        )
    _console().print(table)
    bad = sum(not c.ok for c in checks)
    if not checks:
        _console().print("The accounts file has no [accounts.<name>] table.", style="red")
    elif bad:
        _console().print(f"{bad} of {len(checks)} accounts cannot run.", style="red")
    else:
        _console().print(f"All {len(checks)} accounts can run.", style="green")


if __name__ == "__main__":
    main()
