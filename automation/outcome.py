"""Run one account and record it: the one path single runs and batch workers share."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from automation.audit import AuditEvent
from automation.errors import Interrupted, NeedsPerson, SellerAuthError
from automation.log import get_logger, redact
from automation.store import State, Store, error_data, split_secrets

if TYPE_CHECKING:
    from pydantic import BaseModel

    from automation.commands import Command
    from automation.runner import RunOptions
    from automation.settings import AccountProfile, Settings

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
) -> Outcome:
    """Run `command` for one account and say what happened; never raises but for a second
    Ctrl-C. Ctrl-C during the run is an `interrupted` failure (the saved session is kept)."""
    from automation.runner import run_one

    started = time.monotonic()
    try:
        result = run_one(
            command.flow(may_have_acted=may_have_acted), settings, profile, run_options
        )
    except SellerAuthError as error:  # transient ones were retried by run_one already
        outcome = failure(profile.name, error)
    except KeyboardInterrupt:
        outcome = failure(
            profile.name, Interrupted("Stopped by the operator; the saved session is kept.")
        )
    except Exception as error:  # a bug in one account must not stop the others
        log.error("account_crashed", problem=type(error).__name__, exc_info=True)
        outcome = failure(profile.name, unexpected(error))
    else:
        data, secrets = split_secrets(result)
        outcome = Outcome(
            profile.name, "done", data, secrets=secrets, audit=command.audit(data), result=result
        )
    if outcome.state != "done" and on_failure is not None:
        on_failure()
    outcome.seconds = time.monotonic() - started
    return outcome


def record_outcome(store: Store, run_id: str, outcome: Outcome) -> None:
    """Write an account's outcome (and its audit events) to the store; a store problem is
    logged, never raised (the other accounts, or the result on screen, matter more)."""
    safely(
        store.finish_result,
        run_id,
        outcome.account,
        outcome.state,
        data=outcome.data,
        secrets=outcome.secrets,
        error=outcome.error,
        seconds=round(outcome.seconds, 3),
        audit=outcome.audit,
    )


def safely(write: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Call a store write; log its failure instead of raising it."""
    try:
        write(*args, **kwargs)
    except Exception as error:
        log.error("store_write_failed", problem=type(error).__name__, detail=str(error))
