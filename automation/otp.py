"""TOTP codes: never the same time-step twice for one account, never in a step's last seconds."""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pyotp
from filelock import FileLock
from pydantic import SecretStr

from automation.accounts import normalise_totp_secret, validate_account_name
from automation.errors import InvalidInput
from automation.files import private_dir, write_failure, write_private
from automation.log import get_logger, register_secret

STEP_SECONDS = 30
# A wait longer than this is said (`waiting N s for a fresh code`), so a pause is not silent.
NOTICE_WAIT_SECONDS = 2.0
_MIN_WAIT = 0.001  # a wait too small to move a float clock would loop for ever

_time = time.time
_sleep = time.sleep

log = get_logger(__name__)


class Clock(Protocol):
    """Where the time comes from, and how to wait; injectable for tests and the simulator."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real wall clock."""

    def time(self) -> float:
        return _time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            _sleep(seconds)


class FakeClock:
    """A clock that only moves when told; `sleep` advances it at once. Thread-safe."""

    def __init__(self, start: float | None = None) -> None:
        self._now = _time() if start is None else start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Move the clock forward without recording a sleep."""
        with self._lock:
            self._now += seconds

    def set(self, now: float) -> None:
        """Put the clock at an absolute time."""
        with self._lock:
            self._now = now


SYSTEM_CLOCK = SystemClock()


def _on_terminal() -> bool:
    """Whether stderr is a terminal (a person reads it)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class TotpSource:
    """One account's TOTP codes, each from a time-step not used before (across processes).

    The last used step is kept in `state_dir/otp/<account>.json` (mode 0600); a lock file
    beside it serialises processes and threads that ask for the same account's codes.
    There is no `mark_rejected()`: when the site refuses a code, `next_code()` already gives
    the next step's code (waiting for that step to begin).
    """

    def __init__(
        self,
        secret: SecretStr | str,
        account: str,
        state_dir: Path,
        clock: Clock = SYSTEM_CLOCK,
        min_remaining: int = 1,
    ) -> None:
        if not 0 <= min_remaining < STEP_SECONDS:
            raise ValueError(f"min_remaining must be between 0 and {STEP_SECONDS - 1}")
        raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        register_secret(raw)
        try:
            normalised = normalise_totp_secret(raw)
        except ValueError as exc:
            raise InvalidInput(f"the TOTP secret {exc}", field="totp_secret") from None
        register_secret(normalised)
        self._totp = pyotp.TOTP(normalised, interval=STEP_SECONDS)
        self.account = validate_account_name(account)
        self._dir = state_dir / "otp"
        self._clock = clock
        self._min_remaining = min_remaining

    @property
    def state_path(self) -> Path:
        """The file remembering the last time-step used for this account."""
        return self._dir / f"{self.account}.json"

    def next_code(self) -> str:
        """A code from a step not used before, with at least `min_remaining` seconds left.

        Waits through `clock.sleep` when the current step is used up or nearly over. A code is
        typed and submitted within a second of being made (`fill`), so the default waits only
        in a step's last second (one sign-in in thirty), not its last three (one in ten).
        """
        with self._locked():
            step = self._fresh_step(self._last_step())
            code = self._totp.at(step * STEP_SECONDS)
            register_secret(code)
            write_private(self.state_path, json.dumps({"last_step": step}))
        log.debug("otp_code_issued", account=self.account, step=step)
        return code

    def _fresh_step(self, last_step: int) -> int:
        while True:
            now = self._clock.time()
            step = int(now // STEP_SECONDS)
            if step <= last_step:
                self._wait((last_step + 1) * STEP_SECONDS - now, "step_already_used")
                continue
            left = (step + 1) * STEP_SECONDS - now
            if left < self._min_remaining:
                self._wait(left, "step_nearly_over")
                continue
            return step

    def _wait(self, seconds: float, reason: str) -> None:
        if seconds > NOTICE_WAIT_SECONDS:
            said = f"waiting {math.ceil(seconds)} s for a fresh code"
            if _on_terminal():  # a person watching: a plain line (above a progress bar)
                print(f"sellerauth: {self.account}: {said}", file=sys.stderr, flush=True)
            else:  # JSON logs: stderr stays one JSON object a line
                log.info("otp_wait", account=self.account, message=said, reason=reason)
        log.debug("otp_wait", account=self.account, seconds=round(seconds, 3), reason=reason)
        self._clock.sleep(max(seconds, _MIN_WAIT))

    def _last_step(self) -> int:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return int(data["last_step"])
        except FileNotFoundError:
            return -1
        except (OSError, ValueError, KeyError, TypeError):
            self._set_aside()
            return -1

    def _set_aside(self) -> None:
        """Rename an unreadable step file to `<name>.broken-<UTC time>` and go on without it."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = self.state_path.with_name(f"{self.state_path.name}.broken-{stamp}")
        try:
            self.state_path.rename(target)
            moved_to: str | None = str(target)
        except OSError:
            moved_to = None
        log.warning(
            "otp_state_set_aside",
            account=self.account,
            path=str(self.state_path),
            moved_to=moved_to,
        )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The step file's own lock (filelock: the kernel's flock, so a killed process leaves
        none behind): processes and threads read and write the last step one at a time."""
        path = self._dir / f"{self.account}.lock"
        try:
            private_dir(self._dir)
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise InvalidInput(
                    f"the one-time-password lock {path} is not a plain file: remove it (it "
                    "holds nothing; a new one is made), then run again",
                    field="state_dir",
                )
            lock = FileLock(path, mode=0o600, thread_local=False)
            lock.acquire()
        except OSError as exc:
            raise write_failure(path, exc) from None
        try:
            yield
        finally:
            lock.release()
