"""Runs one flow over many accounts: a pool of workers, a browser each, every account isolated."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from automation.errors import Interrupted, InvalidInput, SellerAuthError
from automation.locks import Busy
from automation.log import get_logger
from automation.outcome import (
    Outcome,
    failure,
    noted,
    record_outcome,
    run_account,
    safely,
    triaged,
)
from automation.store import Store

if TYPE_CHECKING:
    from automation.accounts import AccountProfile
    from automation.browser import BrowserSession
    from automation.commands import Command, Triage
    from automation.otp import Clock
    from automation.settings import Settings

log = get_logger(__name__)

DEFAULT_CONCURRENCY = 2
# An account another process is working on (`busy`) goes to the back of the queue, and waits
# for its lock this many seconds per try (or SELLERAUTH_LOCK_WAIT_SECONDS when longer).
BUSY_RETRY_WAIT_SECONDS = 5.0
EXIT_DONE, EXIT_FAILED, EXIT_NEEDS_PERSON = 0, 1, 3


# ---- shards ----------------------------------------------------------------------------


def shard_of(name: str, count: int) -> int:
    """The shard (0 to count-1) an account belongs to: a stable hash of its name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (0-based, as a Kubernetes Indexed Job numbers its pods)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def select(self, names: Iterable[str]) -> list[str]:
        """The names that fall in this shard, in their given order."""
        return [name for name in names if shard_of(name, self.count) == self.index]


def parse_shard(text: str, source: str = "--shard") -> Shard:
    """`K/N` with 0 <= K < N; InvalidInput naming `source` otherwise."""
    index, _, count = text.strip().partition("/")
    try:
        shard = Shard(int(index), int(count))
    except ValueError:
        shard = Shard(-1, 0)
    if not 0 <= shard.index < shard.count:
        raise InvalidInput(
            f"{source} {text!r} is not a shard: write K/N with N shards and K from 0 to N-1, "
            "e.g. 0/3, 1/3 and 2/3",
            field="shard",
        )
    return shard


def shard_from_env(environ: Mapping[str, str] | None = None) -> Shard | None:
    """The shard of a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX of JOB_COMPLETIONS)."""
    env = os.environ if environ is None else environ
    index, count = env.get("JOB_COMPLETION_INDEX"), env.get("JOB_COMPLETIONS")
    if index is None:
        return None
    if count is None:
        raise InvalidInput(
            "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set JOB_COMPLETIONS to the "
            "Job's completions (its number of shards), or give --shard K/N",
            field="shard",
        )
    return parse_shard(f"{index}/{count}", "JOB_COMPLETION_INDEX/JOB_COMPLETIONS")


# ---- outcomes --------------------------------------------------------------------------


def exit_status(states: Iterable[str]) -> int:
    """0 when every account is done, 1 when any failed, else 3 when any needs a person."""
    seen = set(states)
    if seen & {"failed", "running"}:
        return EXIT_FAILED
    if "needs_person" in seen:
        return EXIT_NEEDS_PERSON
    return EXIT_DONE


# ---- the pool --------------------------------------------------------------------------


Account = tuple[str, "AccountProfile | SellerAuthError"]


class Batch:
    """A pool of `concurrency` worker threads, each with its own Playwright and browser.

    Every account gets a fresh browser context (run_one opens and closes it). Its result is
    written to the store the moment it finishes, then handed to `on_finish`.
    """

    def __init__(
        self,
        command: Command,
        settings: Settings,
        store: Store,
        run_id: str,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Clock | None = None,
        on_finish: Callable[[Outcome], None] | None = None,
        triage: Triage | None = None,
    ) -> None:
        self.command = command
        self.settings = settings
        self.store = store
        self.run_id = run_id
        self.concurrency = max(1, concurrency)
        self.clock = clock
        self.on_finish = on_finish
        self.triage = triage
        self.outcomes: list[Outcome] = []
        self._queue: queue.Queue[Account] = queue.Queue()
        self._stop = threading.Event()
        self._report_lock = threading.Lock()
        self._may_have_acted: set[str] = set()
        self._busy_tries: dict[str, int] = {}

    def run(self, accounts: Sequence[Account], may_have_acted: Iterable[str] = ()) -> list[Outcome]:
        """Run every account; `may_have_acted`: accounts a killed run had started.

        Ctrl-C starts no new account, waits for those in progress (a second Ctrl-C stops at
        once) and raises Interrupted; only results that are done are written after it, so an
        account whose browser Ctrl-C stopped as well is left for `--resume`.
        """
        self._may_have_acted = set(may_have_acted)
        for account in accounts:
            self._queue.put(account)
        finished = [threading.Event() for _ in range(min(self.concurrency, len(accounts)))]
        for n, done in enumerate(finished):
            worker = threading.Thread(
                target=self._work, args=(done,), name=f"batch-worker-{n}", daemon=True
            )
            worker.start()
        try:
            _wait(finished)
        except KeyboardInterrupt:
            self._stop.set()
            log.warning("batch_stopping", run_id=self.run_id, note="Ctrl-C again stops at once")
            _wait(finished)
            raise Interrupted(
                f"Stopped by the operator; resume with --resume {self.run_id}."
            ) from None
        return self.outcomes

    # -- workers --------------------------------------------------------------------------

    def _work(self, finished: threading.Event) -> None:
        browser = _WorkerBrowser(self.settings)
        try:
            while not self._stop.is_set():
                try:
                    name, profile = self._queue.get_nowait()
                except queue.Empty:
                    return
                with structlog.contextvars.bound_contextvars(run_id=self.run_id, account=name):
                    outcome = self._one(name, profile, browser)
                    if self._retry_busy(outcome):
                        self._queue.put((name, profile))
                        continue
                    self._finish(outcome)
        finally:
            browser.close()
            finished.set()

    def _one(
        self, name: str, profile: AccountProfile | SellerAuthError, browser: _WorkerBrowser
    ) -> Outcome:
        from automation.runner import RunOptions

        if isinstance(profile, SellerAuthError):
            outcome = triaged(noted(failure(name, profile), self.command, None), self.triage)
            self._record(outcome)
            return outcome
        try:
            command = self.command.prepared(self.settings, profile, self.store)
        except SellerAuthError as error:  # refused before its browser starts
            outcome = triaged(noted(failure(name, error), self.command, profile), self.triage)
            self._record(outcome)
            return outcome
        safely(self.store.start_result, self.run_id, name)
        tries = self._busy_tries.get(name, 0)
        return run_account(
            command,
            self.settings,
            profile,
            RunOptions(clock=self.clock, browser=browser.get() if command.needs_browser else None),
            may_have_acted=name in self._may_have_acted,
            on_failure=browser.check,
            triage=self.triage,
            store=self.store,
            run_id=self.run_id,
            record=self._record,
            lock_wait=(
                max(self.settings.lock_wait_seconds, BUSY_RETRY_WAIT_SECONDS * tries)
                if tries
                else None
            ),
        )

    def _retry_busy(self, outcome: Outcome) -> bool:
        """Whether a `busy` account goes back to the queue (later in this run)."""
        if not self._busy_later(outcome):
            return False
        self._busy_tries[outcome.account] = self._busy_tries.get(outcome.account, 0) + 1
        log.info("account_busy_retried_later", tries=self._busy_tries[outcome.account])
        return True

    def _busy_later(self, outcome: Outcome) -> bool:
        return (
            isinstance(outcome.exception, Busy)
            and not self._stop.is_set()
            and self._busy_tries.get(outcome.account, 0) < self.settings.retry_attempts - 1
        )

    def _record(self, outcome: Outcome) -> None:
        """Write the outcome (under the account's lock), unless it is left for later."""
        if self._stop.is_set() and outcome.state != "done":
            # After Ctrl-C a failure may be the browser being stopped: leave it for --resume.
            return
        if self._busy_later(outcome):
            return
        record_outcome(self.store, self.run_id, outcome)

    def _finish(self, outcome: Outcome) -> None:
        if self._stop.is_set() and outcome.state != "done":
            log.info("account_left_for_resume", state=outcome.state)
            return
        log.info("account_finished", state=outcome.state, seconds=round(outcome.seconds, 2))
        with self._report_lock:
            self.outcomes.append(outcome)
            if self.on_finish is not None:
                self.on_finish(outcome)


class _WorkerBrowser:
    """A worker's own browser, started for its first account, replaced if it crashes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session: BrowserSession | None = None

    def get(self) -> BrowserSession:
        from automation.browser import BrowserSession

        if self.session is None:
            self.session = BrowserSession(self.settings, headed=False).start()
        return self.session

    def check(self) -> None:
        """After a failure: a browser that went away is replaced for the next account."""
        if self.session is not None:
            try:
                alive = self.session.browser.is_connected()
            except Exception:
                alive = False
            if not alive:
                self.close()

    def close(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            try:
                session.close()
            except Exception as error:
                log.warning("browser_close_failed", problem=type(error).__name__)


def _wait(finished: list[threading.Event]) -> None:
    """Wait for every worker. Not Thread.join: a join interrupted by Ctrl-C can leave a live
    thread reported as finished (CPython), and the process would exit under a running worker."""
    for done in finished:
        while not done.wait(0.2):
            pass
