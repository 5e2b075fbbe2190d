"""`make demo`: the main job against the bundled simulator, step by step, in plain words."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from automation.accounts import AccountProfile
    from automation.commands import CommandSpec
    from automation.settings import Settings
    from fixtures.simulator import Simulator

REAL_SITE_COMMANDS = (
    "SELLERAUTH_EMAIL=... SELLERAUTH_PASSWORD=... SELLERAUTH_TOTP_SECRET=... "
    "sellerauth register --headed",
    "sellerauth batch renew  # nightly: every account of accounts.toml where it is due",
    "sellerauth authorize --headed  # SP-API: once per seller, with the app's settings set",
    "sellerauth batch app-renew  # nightly: re-authorize the app where it is due",
)
"""The closing hint: the first sign-in, then what a scheduler runs (README "Scheduling")."""

# (as the heading shows it, job, options, why): the MWS jobs on the `demo` scenario...
MWS_STEPS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("register", "register", {}, "give shippinno access and read back the credentials"),
    ("register again", "register", {}, "idempotent: nothing is granted twice"),
    ("status", "status", {}, "every developer on the permissions screen"),
    ("renew", "renew", {}, "renew only when access expires within 30 days"),
)
# ... and the SP-API jobs on the `spapi` scenario.
SPAPI_STEPS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("authorize", "authorize", {}, "consent, catch the code, exchange it, prove the token"),
    ("app-status", "app-status", {}, "every app in Manage Your Apps, ours marked"),
    (
        "app-renew --dry-run",
        "app-renew",
        {"dry_run": True},
        "nothing is due: it was just authorized",
    ),
    ("app-renew --force", "app-renew", {"force": True}, "Re-authorize now, a new refresh token"),
)


def run_demo() -> int:
    """Start the simulator, run register twice, status and renew, then the SP-API jobs
    (authorize, app-status, app-renew), and print what happened."""
    from automation.log import configure_logging
    from automation.settings import load_settings
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario
    from fixtures.simulator.account import account_settings

    console = Console()
    simulator = Simulator(build_scenario("demo"))
    login = simulator.scenario.logins[0]
    state = demo_state_dir()
    shutil.rmtree(state, ignore_errors=True)  # the demo's own: each demo starts afresh
    with SimulatorServer(simulator) as server:
        console.rule("sellerauth demo")
        console.print(
            f"A simulated Seller Central runs on {server.url}. Its seller {login.email} has "
            "two-step verification on; the bot signs in with the password and a TOTP code, "
            "as it would on the real site."
        )
        settings = load_settings(state_dir=Path(state), log_format="console", log_level="warning")
        configure_logging(settings.log_format, settings.log_level)
        account = _account(settings, account_settings(simulator, server.url))
        status = _run_steps(console, simulator, settings, account, MWS_STEPS, first=1)
        if status:
            return status
        status = _spapi_demo(console, settings, first=len(MWS_STEPS) + 1)
        if status:
            return status
        closing_hint(console, state)
    return 0


def demo_state_dir() -> Path:
    """The demo's own state directory (its store, kept after the demo for the fleet page):
    `sellerauth-demo` beside the default state directory."""
    from automation.settings import default_state_dir

    return default_state_dir().parent / "sellerauth-demo"


def closing_hint(console: Console, state: Path) -> None:
    """The fleet page over the demo's store, and what to run against the real site; each
    command on one line, never wrapped."""
    console.rule("the fleet page")
    console.print(
        "Every run above was recorded in the demo's own store. See the fleet (each account "
        "and grant, its state, expiry and last error) in a browser, then open "
        "http://127.0.0.1:8080/:"
    )
    command = f"SELLERAUTH_STATE_DIR={shlex.quote(str(state))} .venv/bin/sellerauth serve"
    console.print("  " + command, soft_wrap=True, highlight=False, markup=False)
    console.rule("against the real site")
    console.print(
        "Put the seller's e-mail, password and TOTP secret in the environment (or .env), "
        "sign in once with a browser window to watch, then schedule the batch to keep the "
        'access from expiring (SP-API: the app\'s settings first, docs/spapi.md "Settings"):'
    )
    for line in REAL_SITE_COMMANDS:
        console.print("  " + line, soft_wrap=True, highlight=False, markup=False)


def _spapi_demo(console: Console, settings: Settings, first: int) -> int:
    """authorize, app-status, app-renew (a dry run, then a renewal) on the `spapi` scenario,
    the app's settings given as an operator gives them (`SELLERAUTH_APP_ID`, ...); 0, or the
    exit status of the step that failed."""
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario
    from fixtures.simulator import spapi_model as app
    from fixtures.simulator.account import account_settings, app_env

    simulator = Simulator(build_scenario("spapi"))
    with SimulatorServer(simulator) as server, _environment(app_env(server.url)):
        console.rule("SP-API: authorize the developer's app")
        console.print(
            f"A second simulated Seller Central ({server.url}) serves the SP-API pages: the "
            f"consent page for the app '{app.DEMO_APP_NAME}', Manage Your Apps, and Login with "
            "Amazon's token endpoint and the Sellers API."
        )
        account = _account(settings, account_settings(simulator, server.url))
        return _run_steps(console, simulator, settings, account, SPAPI_STEPS, first=first)


def _account(settings: Settings, overrides: Mapping[str, Any]) -> AccountProfile:
    """The default account as the site's model resolves it, signing in as `overrides` say."""
    from automation.accounts import resolve_account
    from sellerauth.app import SITE

    return resolve_account(settings, None, model=SITE.account_model, **overrides)


def _run_steps(
    console: Console,
    simulator: Simulator,
    settings: Settings,
    account: AccountProfile,
    steps: tuple[tuple[str, str, dict[str, Any], str], ...],
    first: int,
) -> int:
    """Run each step's job as `sellerauth JOB` would (the spec's options, `prepare`, then the
    flow), print its result with the job's own renderer and what the simulator saw; 0, or the
    exit status of the step that failed."""
    from automation.outcome import record_outcome, run_account
    from automation.runner import RunOptions
    from automation.store import Store
    from sellerauth.app import SITE

    with Store.open(settings) as store:
        for number, (heading, job, options, why) in enumerate(steps, first):
            console.rule(f"{number}. sellerauth {heading}: {why}")
            before = len(simulator.events)
            spec = SITE.spec(job)
            try:
                command = spec.command(options).prepared(settings, account, store)
            except SellerAuthError as error:
                console.print(f"[red]failed: [{error.code}] {error}[/red]")
                return error.exit_status
            run_id = store.create_run(
                job, command.recorded_options(), [account.name], kind="single"
            ).run_id
            store.start_result(run_id, account.name)
            outcome = run_account(
                command,
                settings,
                account,
                RunOptions(),
                store=store,
                run_id=run_id,
                record=partial(record_outcome, store, run_id),
                triage=SITE.triage,
            )
            store.finish_run(run_id)
            failed = outcome.exception
            if failed is not None:
                console.print(f"[red]failed: [{failed.code}] {failed}[/red]")
                return int(failed.exit_status)
            assert outcome.result is not None
            _show(console, simulator, account, spec, outcome.result, before)
    return 0


def _show(
    console: Console,
    simulator: Simulator,
    account: AccountProfile,
    spec: CommandSpec[Any, Any],
    result: BaseModel,
    before: int,
) -> None:
    """A step's result, with the job's own renderer, and what the simulator saw."""
    data = result.model_dump(mode="json")
    if spec.render is not None:
        spec.render(data, account, console)
    else:
        console.print_json(data=data)
    seen = [e["kind"] for e in simulator.events[before:] if e["kind"] != "request"]
    console.print(f"[dim]the simulator saw: {', '.join(seen) or 'page views only'}[/dim]")


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in the environment for the block, the previous values put back after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
