"""The retry policy: which failures are transient, how often to try again, how long to back off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

import structlog
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.settings import Settings

log = structlog.get_logger("automation.retry")

MAX_BACKOFF_SECONDS = 8.0

# The retry settings of the flow running in this thread, set by the runner for the length of
# one attempt (`retry_policy`), read by page loads (`current_policy`). Not a registry: each
# batch worker's thread sees only its own run's.
_CURRENT: ContextVar[Settings | None] = ContextVar("sellerauth_retry_policy", default=None)


@contextmanager
def retry_policy(settings: Settings) -> Iterator[None]:
    """Within this block, a transient page-load failure is retried as `settings` say."""
    token = _CURRENT.set(settings)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_policy() -> Settings | None:
    """The retry settings of the running flow; None outside a run (one attempt only)."""
    return _CURRENT.get()


def is_transient(error: BaseException) -> bool:
    """Timeouts, server errors, dropped connections and crashed browsers; never a refusal,
    nor an error already retried as often as its kind allows (`final`)."""
    return isinstance(error, SellerAuthError) and error.retryable and not error.final


def _stop(attempts: int) -> Callable[[RetryCallState], bool]:
    """Stop after `attempts` tries, or once an error has had as many tries as its kind allows
    (`SellerAuthError.tries_at_most`: an unreachable host, twice). Such an error is then made
    `final`, so that an outer level (the whole flow) does not try it again."""
    after = stop_after_attempt(max(1, attempts))

    def stop(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        limit = error.tries_at_most if isinstance(error, SellerAuthError) else None
        if isinstance(error, SellerAuthError) and limit and state.attempt_number >= limit:
            error.final = True
            return True
        return bool(after(state))

    return stop


def retrying(settings: Settings, what: str, attempts: int) -> Retrying:
    """Try `attempts` times in all, backing off exponentially, logging each retry."""

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "retry",
            step=what,
            attempt=state.attempt_number,
            of=attempts,
            error=getattr(error, "code", type(error).__name__),
            url=getattr(error, "url", None),
        )

    return Retrying(
        stop=_stop(attempts),
        wait=wait_exponential(multiplier=settings.retry_backoff_ms / 1000, max=MAX_BACKOFF_SECONDS),
        retry=retry_if_exception(is_transient),
        before_sleep=log_retry,
        reraise=True,
    )
