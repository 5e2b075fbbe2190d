"""The retry policy: which failures are transient, how often to try again, how long to back off."""

from __future__ import annotations

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


def is_transient(error: BaseException) -> bool:
    """Timeouts, server errors, dropped connections and crashed browsers; never a refusal."""
    return isinstance(error, SellerAuthError) and error.retryable


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
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential(multiplier=settings.retry_backoff_ms / 1000, max=MAX_BACKOFF_SECONDS),
        retry=retry_if_exception(is_transient),
        before_sleep=log_retry,
        reraise=True,
    )
