"""Run one account and record it: the one path single runs and batch workers share."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from automation.accounts import DEFAULT_ACCOUNT
from automation.audit import AuditEvent
from automation.errors import Interrupted, NeedsPerson, SellerAuthError
from automation.locks import account_lock
from automation.log import get_logger, redact
from automation.store import GrantNote, State, Store, StoreFailed, error_data, split_secrets

if TYPE_CHECKING:
    from pydantic import BaseModel

    from automation.accounts import AccountProfile
    from automation.commands import Command, Triage
    from automation.journal import Journal
    from automation.runner import RunOptions
    from automation.settings import Settings

log = get_logger(__name__)


@dataclass
class Outcome:
    """What happened to one account: done, failed or needs a person; never holds a secret
    outside `secrets` (which only the store sees, encrypted) and `result` (the flow's model,
    kept for the single run's own output, never written)."""

    account: str
    state: State
    data: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    seconds: float = 0.0
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    audit: list[AuditEvent] = field(default_factory=list)
    result: BaseModel | None = field(default=None, repr=False)
    exception: SellerAuthError | None = field(default=None, repr=False)
    # The actions of the run's journal (clicked, or left open by a killed run and found done).
    acted: list[str] = field(default_factory=list)
    # Why the outcome could not be written to the store (None: written, or not asked).
    record_error: StoreFailed | None = field(default=None, repr=False)
    # The grant the outcome is about, for the fleet summary (None: about no grant).
    grant: GrantNote | None = field(default=None, repr=False)
    # Who the run was signed in as (`AccountProfile.session_identity` as JSON), kept with the
    # result so that what it read (a seller ID, a token) serves only runs of the same identity.
    identity: str | None = None

    def line(self, run_id: str) -> dict[str, Any]:
        """The JSON line printed for schedulers (no secret)."""
        return {
            "run_id": run_id,
            "account": self.account,
            "state": self.state,
            "result": self.data,
            "error": self.error,
            "seconds": round(self.seconds, 2),
        }


def failure(account: str, error: SellerAuthError) -> Outcome:
    """The outcome of an account stopped by `error`."""
    state: State = "needs_person" if isinstance(error, NeedsPerson) else "failed"
    return Outcome(account, state, error=error_data(error), exception=error)


def unexpected(error: Exception) -> SellerAuthError:
    """A bug turned into an `internal` error, its text redacted and cut short."""
    text = str(error).strip().splitlines()
    detail = redact(text[0])[:200] if text else ""
    return SellerAuthError(
        f"Unexpected {type(error).__name__}{': ' + detail if detail else ''}. This is a bug: "
        "report it with the log (in a batch, the other accounts go on)."
    )


def run_account(
    command: Command,
    settings: Settings,
    profile: AccountProfile,
    run_options: RunOptions,
    *,
    may_have_acted: bool = False,
    on_failure: Callable[[], None] | None = None,
    store: Store | None = None,
    run_id: str | None = None,
    record: Callable[[Outcome], object] | None = None,
    lock_wait: float | None = None,
    triage: Triage | None = None,
) -> Outcome:
    """Run `command` for one account under its lock and say what happened; never raises but
    for a second Ctrl-C. Ctrl-C during the run is an `interrupted` failure (the session kept).

    - The account's lock (`automation.locks`) is held for the whole run, `record` included;
      another run holding it makes a `busy` failure after `lock_wait` seconds (default
      `settings.lock_wait_seconds`).
    - With a `store`, every acting click is written ahead as an intent of run `run_id`
      (no `run_id`: the run could not be recorded, and any acting click is refused with
      `store_failed` before it is made); intents an earlier run left open on the account
      start the journal, so a flow that finds them done reports them as done by this run.
    - `record(outcome)` writes the outcome while the lock is still held (also for `busy`).
    - `triage(error)`: the site's triage of a failure (`Site.triage`), added to its error as
      `triage` before it is recorded.
    """
    started = time.monotonic()
    wait = settings.lock_wait_seconds if lock_wait is None else lock_wait
    try:
        with account_lock(settings, profile.name, wait):
            outcome = _run_locked(
                command, settings, profile, run_options, may_have_acted, store, run_id
            )
            _name_the_command(outcome, command.name)
            if outcome.state != "done" and on_failure is not None:
                on_failure()
            outcome.seconds = time.monotonic() - started
            noted(outcome, command, profile)
            triaged(outcome, triage)
            if record is not None:
                record(outcome)
            return outcome
    except SellerAuthError as error:  # busy, or the lock file cannot be made
        outcome = failure(profile.name, error)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while waiting for the account's lock
        outcome = failure(
            profile.name, Interrupted("Stopped by the operator; the saved session is kept.")
        )
    outcome.seconds = time.monotonic() - started
    noted(outcome, command, profile)
    triaged(outcome, triage)
    if record is not None:
        record(outcome)
    return outcome


def noted(outcome: Outcome, command: Command, profile: AccountProfile | None) -> Outcome:
    """`outcome` with the grant it is about (`Command.grant_note`) for the fleet summary;
    never raises (a site hook that fails is logged, and the outcome recorded without it)."""
    try:
        outcome.grant = command.grant_note(outcome.data, outcome.error, profile)
    except Exception as error:
        log.warning("grant_note_failed", problem=type(error).__name__)
    return outcome


def triaged(outcome: Outcome, triage: Triage | None) -> Outcome:
    """`outcome` with the site's triage (`Site.triage`: cause, owner, next step) added to its
    error as `triage`, when it failed and the site knows the error; never raises (a triage
    that fails is logged and left out)."""
    if triage is None or outcome.error is None:
        return outcome
    try:
        found = triage(outcome.error)
    except Exception as error:
        log.warning("triage_failed", problem=type(error).__name__)
        return outcome
    if found:
        outcome.error["triage"] = dict(found)
    return outcome


def person_command(job: str, account: str) -> str:
    """`sellerauth renew --account s5 --assist`: this run again, with a person watching
    (`--account` only for a named account)."""
    named = "" if account == DEFAULT_ACCOUNT else f" --account {shlex.quote(account)}"
    return f"sellerauth {job}{named} --assist"


def _name_the_command(outcome: Outcome, job: str) -> None:
    """A needs-a-person failure ends with the exact command that lets a person finish it."""
    error = outcome.exception
    if not isinstance(error, NeedsPerson):
        return
    error.message = (
        f"{error.message.rstrip()} The command: `{person_command(job, outcome.account)}`."
    )
    error.args = (error.message,)
    outcome.error = error_data(error)


def stopped_message(by: str, session_saved: bool | None) -> str:
    """What a stopped run says of its sign-in: saved, or not (as its `session_not_saved`
    warning said), or (no browser yet) whatever an earlier run saved is left as it was."""
    if session_saved:
        kept = "the signed-in session is saved for the next run"
    elif session_saved is None:
        kept = "a session saved by an earlier run is kept"
    else:
        kept = (
            "this run's session could not be saved (the session_not_saved warning): the next "
            "run may sign in again"
        )
    return f"Stopped by {by}; {kept}."


def _run_locked(
    command: Command,
    settings: Settings,
    profile: AccountProfile,
    run_options: RunOptions,
    may_have_acted: bool,
    store: Store | None,
    run_id: str | None,
) -> Outcome:
    from dataclasses import replace

    from automation.journal import Journal
    from automation.runner import run_one, run_without_browser

    journal = Journal()
    runner = run_one if command.needs_browser else run_without_browser
    try:
        journal = _journal(store, run_id, profile, command.name)
        result = runner(
            command.flow(may_have_acted=may_have_acted),
            settings,
            profile,
            replace(run_options, journal=journal),
        )
    except SellerAuthError as error:  # transient ones were retried by run_one already
        outcome = failure(profile.name, error)
    except KeyboardInterrupt:
        outcome = failure(
            profile.name, Interrupted(stopped_message("the operator", journal.session_saved))
        )
    except Exception as error:  # a bug in one account must not stop the others
        log.error("account_crashed", problem=type(error).__name__, exc_info=True)
        outcome = failure(profile.name, unexpected(error))
    else:
        data, secrets = split_secrets(result)
        outcome = Outcome(
            profile.name, "done", data, secrets=secrets, audit=command.audit(data), result=result
        )
    outcome.acted = journal.settled()
    outcome.identity = profile.identity_key()
    return outcome


def _journal(
    store: Store | None, run_id: str | None, profile: AccountProfile, command: str
) -> Journal:
    """The run's journal: the intents runs of the same command left open on the account
    first (a `status` run never closes a killed `register`'s grant), each new one written
    ahead."""
    from automation.journal import Journal

    if store is None:
        return Journal()
    developer = profile.acting_on()
    earlier = [
        i.action
        for i in store.intents(profile.name, only_open=True, command=command)
        if i.developer_id in (None, developer)
    ]

    def before_act(action: str) -> None:
        if run_id is None:
            raise StoreFailed(
                f"the store {store.where} could not record this run, so no action is taken on "
                f"the account (nothing was clicked): {action} needs its intent written first"
            )
        intent = store.open_intent(run_id, profile.name, action, developer)
        log.info("intent_recorded", intent=intent, action=action)

    return Journal(dict.fromkeys(earlier), before_act)


def record_outcome(store: Store, run_id: str, outcome: Outcome) -> StoreFailed | None:
    """Write an account's outcome (its audit events, how its intents ended) to the store in
    one transaction. A store problem is logged and returned (also kept as
    `outcome.record_error`), never raised: the other accounts, or the result on screen,
    matter more."""
    try:
        store.finish_result(
            run_id,
            outcome.account,
            outcome.state,
            data=outcome.data,
            secrets=outcome.secrets,
            error=outcome.error,
            seconds=round(outcome.seconds, 3),
            audit=outcome.audit,
            acted=outcome.acted,
            grant=outcome.grant,
            identity=outcome.identity,
        )
    except StoreFailed as error:
        log.error("store_write_failed", problem=error.code, detail=error.message)
        outcome.record_error = error
    except Exception as error:
        log.error("store_write_failed", problem=type(error).__name__, detail=str(error))
        outcome.record_error = StoreFailed(
            f"the store {store.where} could not be written ({type(error).__name__})"
        )
    return outcome.record_error


def safely(write: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Call a store write; log its failure instead of raising it."""
    try:
        write(*args, **kwargs)
    except Exception as error:
        log.error("store_write_failed", problem=type(error).__name__, detail=str(error))
