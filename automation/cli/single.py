"""`sellerauth <job>`: one account, recorded in the store, its result printed."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from automation.cli import params
from automation.cli.output import console, exit_with, report_error
from automation.cli.stop import Stop
from automation.errors import Interrupted, SellerAuthError, Terminated

if TYPE_CHECKING:
    from automation.commands import Command, CommandSpec, Site
    from automation.settings import Settings
    from automation.store import Store


@dataclass(frozen=True)
class Attended:
    """How a single-account run is watched and what it leaves behind."""

    # A person watches the browser window and the terminal (--headed or --assist): they answer
    # what only people may (captchas, e-mailed codes, an OTP without a TOTP secret).
    watched: bool = False
    evidence: Path | None = None
    trace: Path | None = None


def add_commands(app: typer.Typer, site: Site) -> None:
    """Add `sellerauth <job>` for every job of `site`."""
    for spec in site.commands:
        app.command(spec.name)(_command(site, spec))


def _command(site: Site, spec: CommandSpec[Any, Any]) -> Any:
    signature = [
        params.param("account", params.AccountOpt),
        *params.model_params(spec.account_overrides),
        *params.model_params(spec.options),
        params.param("headed", params.HeadedOpt, False),
        params.param("assist", params.AssistOpt, False),
        params.param("evidence", params.EvidenceOpt),
        params.param("trace", params.TraceOpt),
        params.param("as_json", params.JsonOpt, False),
    ]

    def body(values: dict[str, Any]) -> None:
        overrides = params.split(values, spec.account_overrides)
        options = params.split(values, spec.options)
        as_json = values["as_json"]
        try:
            command = spec.command(options)
        except SellerAuthError as error:
            exit_with(error, values["account"] or "default", as_json)
        attended = Attended(
            values["headed"] or values["assist"], values["evidence"], values["trace"]
        )
        execute(site, command, values["account"], overrides, attended, as_json)

    return params.command_function(spec.name, spec.help, signature, body)


def execute(
    site: Site,
    command: Command,
    account_name: str | None,
    overrides: dict[str, Any],
    attended: Attended,
    as_json: bool,
) -> None:
    """Run one command for one account, record it in the store, and print its result."""
    from automation.accounts import resolve_account
    from automation.files import ensure_state_dir
    from automation.log import configure_logging
    from automation.outcome import record_outcome, run_account, safely
    from automation.runner import Recording, RunOptions
    from automation.settings import load_settings
    from automation.store import Store

    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        account = resolve_account(
            settings,
            account_name,
            model=site.account_model,
            **{k: v for k, v in overrides.items() if v is not None},
        )
        ensure_state_dir(settings.state_dir)
        store = Store.open(settings)
    except SellerAuthError as error:
        exit_with(error, account_name or "default", as_json)
    try:
        command = command.prepared(settings, account, store)
    except SellerAuthError as error:
        store.close()
        exit_with(error, account.name, as_json)
    with store:
        run_id = _start(store, command, account.name)
        options = RunOptions(
            headed=attended.watched,
            human=watching_person(site, settings) if attended.watched else None,
            ask_otp=_otp_prompt if attended.watched and sys.stdin.isatty() else None,
            evidence_dir=attended.evidence,
            recording=Recording(trace=attended.trace),
        )
        before = _folders(attended.evidence)
        with Stop() as stop:  # SIGTERM ends the run as Ctrl-C does: recorded, session kept
            outcome = run_account(
                command,
                settings,
                account,
                options,
                store=store,
                run_id=run_id,
                record=(lambda o: record_outcome(store, run_id, o)) if run_id is not None else None,
                triage=site.triage,
            )
        if run_id is not None:
            safely(store.finish_run, run_id)
    evidence = _new_folder(attended.evidence, before, account.name)
    if evidence is not None:
        typer.echo(f"evidence: {evidence}", err=True)
    extra = {"evidence_dir": str(evidence)} if evidence is not None else {}
    if isinstance(outcome.exception, Interrupted) and stop.by == "SIGTERM":
        said = outcome.exception.message.replace("the operator", "SIGTERM", 1)
        outcome.exception = Terminated(said)
    if outcome.exception is not None:
        triage = (outcome.error or {}).get("triage")
        report_error(outcome.exception, account.name, as_json, extra=extra, triage=triage)
        raise typer.Exit(outcome.exception.exit_status)
    assert outcome.result is not None and outcome.data is not None
    if run_id is None or outcome.record_error is not None:
        unrecorded(outcome, account.name, store, as_json)
    if as_json:
        data = json.loads(outcome.result.model_dump_json())
        typer.echo(json.dumps({**data, **extra}, ensure_ascii=False))
    elif command.spec.render is not None:
        command.spec.render(outcome.result.model_dump(mode="json"), account, console())
    else:
        typer.echo(outcome.result.model_dump_json(indent=2))


def _folders(directory: Path | None) -> set[Path]:
    """The folders already in the evidence directory (to tell this run's apart)."""
    if directory is None or not directory.is_dir():
        return set()
    return {p for p in directory.iterdir() if p.is_dir()}


def _new_folder(directory: Path | None, before: set[Path], account: str) -> Path | None:
    """The folder this run's evidence went to (`DIR/<account>-<time>/`), or None."""
    made = sorted(p for p in _folders(directory) - before if p.name.startswith(f"{account}-"))
    return made[-1].resolve() if made else None


def unrecorded(outcome: Any, account: str, store: Store, as_json: bool) -> None:
    """The run's result was obtained but not recorded: print it with the `store_failed` error
    (with --json one object: the error and the result) and exit 7."""
    from automation.log import redact
    from automation.store import StoreFailed

    error = outcome.record_error or StoreFailed(
        f"the store {store.where} could not record this run"
    )
    if as_json:
        data = error.to_dict()
        data["message"] = redact(data["message"])
        result = json.loads(outcome.result.model_dump_json())
        typer.echo(json.dumps({"account": account, "error": data, "result": result}))
    else:
        typer.echo(outcome.result.model_dump_json(indent=2))
        report_error(error, account, as_json)
    raise typer.Exit(error.exit_status)


def _start(store: Store, command: Command, account: str) -> str | None:
    """Record a single-account run as started; None (and a warning) if the store fails."""
    from automation.outcome import safely

    try:
        run = store.create_run(command.name, command.recorded_options(), [account], kind="single")
    except Exception as problem:
        from automation.log import get_logger

        get_logger(__name__).warning(
            "store_write_failed", problem=type(problem).__name__, detail=str(problem)
        )
        return None
    safely(store.start_result, run.run_id, account)
    return run.run_id


def _otp_prompt() -> str:
    """Ask the operator for the one-time password, without echoing it."""
    return str(typer.prompt("One-time password (OTP) from the seller's device", hide_input=True))


def watching_person(site: Site, settings: Settings) -> Any:
    """What runs when only a person can go on and one watches, as the site says; or None."""
    if site.watching_person is None:
        return None
    hook: Any = site.watching_person(settings)
    return hook
