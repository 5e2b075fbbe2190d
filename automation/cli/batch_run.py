"""`sellerauth batch <job>`: plan the accounts, run the pool, record, report, alert; exit status."""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from automation.accounts import AccountProfile, load_accounts
from automation.batch import EXIT_DONE, Batch, exit_status, parse_shard, shard_from_env
from automation.cli.accounts import plural
from automation.cli.output import console as output_console
from automation.cli.stop import Stop
from automation.commands import Command, CommandSpec, Site
from automation.errors import Interrupted, InvalidInput, SellerAuthError
from automation.files import ensure_state_dir
from automation.log import configure_logging, get_logger
from automation.notify import notify_problems, notify_urls
from automation.plan import accounts_path_or_fail, select, split_names
from automation.report import JsonLines, ProgressBar, summary_table
from automation.settings import Settings, load_settings
from automation.store import Run, Store

log = get_logger(__name__)


@dataclass(frozen=True)
class BatchRequest:
    """The `batch` command line."""

    site: Site
    spec: CommandSpec[Any, Any]
    options: dict[str, Any]
    accounts_file: Path | None = None
    only: list[str] | None = None
    concurrency: int = 2
    resume: str | None = None
    shard: str | None = None
    json_lines: bool = True
    list_only: bool = False


def run_batch(request: BatchRequest) -> int:
    """Run a batch and return its exit status; InvalidInput (exit 2) before anything runs."""
    settings = load_settings(accounts_file=request.accounts_file)
    configure_logging(settings.log_format, settings.log_level)
    accounts_path_or_fail(settings)
    profiles = load_accounts(settings, request.site.account_model)
    if request.list_only and request.resume is None:
        for name in _plan(request, profiles):
            print(name)
        return EXIT_DONE
    ensure_state_dir(settings.state_dir)
    with Store.open(settings) as store:
        run, command = _run_of(request, store, profiles)
        done = (
            store.finished_accounts(run.run_id) - _unsettled(store, run)
            if request.resume
            else set()
        )
        pending = [name for name in run.accounts if name not in done]
        if request.list_only:
            for name in pending:
                print(name)
            return EXIT_DONE
        if pending:
            _refuse_if_none_can_run(command, settings, store, profiles, pending)
            if command.needs_browser:
                _browser_or_fail(settings)
        if request.resume is None:
            run = store.create_run(command.name, run.options, run.accounts)
        _announce(run, len(pending), len(done))
        with Stop() as stop:
            try:
                _run_pending(request, settings, store, run, command, profiles, pending)
            except Interrupted:
                print(
                    f"sellerauth: stopped by {stop.by}; go on with "
                    f"`sellerauth batch {run.command} --resume {run.run_id}`",
                    file=sys.stderr,
                    flush=True,
                )
                results = _summary(request, command, store, run, profiles)
                _alert_stopped(settings, run, results, stop.by)
                return stop.status
            except KeyboardInterrupt:  # the second Ctrl-C or SIGTERM: leave at once
                print(
                    f"sellerauth: stopped at once by {stop.by}; accounts in progress have no "
                    f"result; go on with `sellerauth batch {run.command} --resume {run.run_id}`",
                    file=sys.stderr,
                    flush=True,
                )
                sys.stdout.flush()
                # Workers are still in their browsers: leave without the interpreter's
                # teardown, which can crash under a running Playwright thread. Results
                # written are committed.
                os._exit(stop.status)
        if all(name in store.finished_accounts(run.run_id) for name in run.accounts):
            store.finish_run(run.run_id)
        results = _summary(request, command, store, run, profiles)
        if pending:
            _alert(settings, run, results)
        states = {r.account: r.state for r in results}
        return exit_status(states.get(name, "running") for name in run.accounts)


def _unsettled(store: Store, run: Run) -> set[str]:
    """Accounts of `run` that ended without `done` while an intent of theirs is still open (an
    action whose effect no run read back, e.g. a consent whose refresh token was lost):
    `--resume` runs them again, as it does accounts without a result (reading the page first)."""
    if not run.run_id:
        return set()
    return {
        r.account
        for r in store.results(run.run_id)
        if r.state not in ("running", "done")
        and store.intents(r.account, only_open=True, command=run.command)
    }


def _plan(request: BatchRequest, profiles: dict[str, Any]) -> list[str]:
    if not profiles:
        raise InvalidInput(
            "the accounts file has no [accounts.<name>] table: add one per seller "
            "(see accounts.example.toml)",
            field="accounts_file",
        )
    shard = parse_shard(request.shard) if request.shard else shard_from_env()
    return select(list(profiles), split_names(request.only), shard)


def _run_of(request: BatchRequest, store: Store, profiles: dict[str, Any]) -> tuple[Run, Command]:
    """The run to carry out: a plan for a new one (not yet recorded), or the one to resume."""
    if request.resume is None:
        command = request.spec.command(request.options)
        names = _plan(request, profiles)
        return Run("", command.name, "batch", request.options, names, "", None), command
    run = store.run(request.resume)
    if run is None or run.kind != "batch":
        known = ", ".join(r.run_id for r in store.runs(5) if r.kind == "batch") or "none"
        raise InvalidInput(
            f"--resume {request.resume}: the store has no batch run with that ID "
            f"(latest batch runs: {known})",
            field="resume",
        )
    if run.command != request.spec.name:
        raise InvalidInput(
            f"--resume {run.run_id}: that run is `batch {run.command}`, not "
            f"`batch {request.spec.name}`",
            field="resume",
        )
    if (
        request.only
        or request.shard
        or request.options != {k: v for k, v in run.options.items() if k in request.options}
    ):
        log.warning("resume_uses_run_options", run_id=run.run_id, options=run.options)
    return run, request.site.spec(run.command).command(run.options)


def _refuse_if_none_can_run(
    command: Command,
    settings: Settings,
    store: Store,
    profiles: dict[str, AccountProfile | InvalidInput],
    pending: list[str],
) -> None:
    """A job whose own settings refuse every account (a setting all share is missing or
    wrong) runs nothing: the first refusal, exit 2. One account refused is that account's
    failure only."""
    if command.spec.prepare is None:
        return
    refusals: list[InvalidInput] = []
    for name in pending:
        profile = profiles.get(name)
        if not isinstance(profile, AccountProfile):
            return
        try:
            command.prepared(settings, profile, store)
        except InvalidInput as refusal:
            refusals.append(refusal)
        else:
            return
    if refusals:
        raise refusals[0]


def _browser_or_fail(settings: Settings) -> None:
    from automation.chromium import find_chromium

    find_chromium(headed=False, override=settings.browser_path)


def _announce(run: Run, pending: int, done: int) -> None:
    again = f", {done} already done" if done else ""
    print(
        f"sellerauth: run {run.run_id}: batch {run.command} over {len(run.accounts)} "
        f"{plural(len(run.accounts), 'account')} "
        f"({pending} to run{again}); if stopped, go on with "
        f"`sellerauth batch {run.command} --resume {run.run_id}`",
        file=sys.stderr,
        flush=True,
    )
    log.info("batch_started", run_id=run.run_id, command=run.command, pending=pending)


def _run_pending(
    request: BatchRequest,
    settings: Settings,
    store: Store,
    run: Run,
    command: Command,
    profiles: dict[str, AccountProfile | InvalidInput],
    pending: list[str],
) -> None:
    accounts: list[tuple[str, AccountProfile | SellerAuthError]] = [
        (name, profiles[name] if name in profiles else _gone(name, settings)) for name in pending
    ]
    batch = Batch(
        command,
        settings,
        store,
        run.run_id,
        concurrency=request.concurrency,
        triage=request.site.triage,
    )
    may_have_acted = store.started_accounts(run.run_id) | _unsettled(store, run)
    if request.json_lines:
        batch.on_finish = JsonLines(run.run_id, sys.stdout)
        batch.run(accounts, may_have_acted)
        return
    finished = [r.state for r in store.results(run.run_id) if r.state != "running"]
    already: Counter[str] = Counter(finished)
    label = f"batch {run.command}"
    with ProgressBar(Console(), label, len(run.accounts), already) as bar:
        batch.on_finish = bar
        batch.run(accounts, may_have_acted)


def _gone(name: str, settings: Settings) -> InvalidInput:
    return InvalidInput(
        f"account {name!r} of this run is no longer in {settings.accounts_file}", field="account"
    )


def _summary(
    request: BatchRequest,
    command: Command,
    store: Store,
    run: Run,
    profiles: dict[str, AccountProfile | InvalidInput],
) -> list[Any]:
    results = store.results(run.run_id)

    def describe(name: str, data: dict[str, Any] | None) -> tuple[str, str]:
        profile = profiles.get(name)
        return command.describe(data, profile if isinstance(profile, AccountProfile) else None)

    console = output_console(stderr=request.json_lines)
    console.print(summary_table(run, results, describe))
    return results


def _alert_stopped(settings: Settings, run: Run, results: list[Any], by: str) -> None:
    """Alert that the run was stopped before its end: what is left, how to resume, problems."""
    from automation.notify import compose, problems_of, send

    urls = notify_urls(settings)
    if not urls:
        return
    finished = {r.account for r in results if r.state != "running"}
    left = [name for name in run.accounts if name not in finished]
    _, problems = compose(f"batch {run.command}", run.run_id, problems_of(results))
    title = (
        f"sellerauth batch {run.command}: stopped by {by}, {len(left)} "
        f"{plural(len(left), 'account')} left"
    )
    body = (
        f"{problems}\nResume with `sellerauth batch {run.command} --resume {run.run_id}`"
        f" ({len(left)} of {len(run.accounts)} have no result)."
    )
    sent = send(urls, title, body)
    log.info("notified", run_id=run.run_id, sent=sent, stopped_by=by)


def _alert(settings: Settings, run: Run, results: list[Any]) -> None:
    urls = notify_urls(settings)
    sent = notify_problems(
        urls,
        f"batch {run.command}",
        run.run_id,
        results,
        share=settings.incident_share,
        minimum=settings.incident_min_accounts,
    )
    if sent is not None:
        log.info("notified", run_id=run.run_id, sent=sent)
