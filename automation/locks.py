"""One run per account at a time: a file lock per account in the state directory (filelock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as LockTimeout

from automation.accounts import validate_account_name
from automation.errors import SellerAuthError
from automation.files import private_dir


class Busy(SellerAuthError):
    """Another run (another process, or another worker) is working on this account now."""

    code = "busy"
    exit_status = 6


class LockFailed(SellerAuthError):
    """The lock file could not be made: the state directory cannot be written."""

    code = "store_failed"
    exit_status = 7


def lock_path(state_dir: Path, account: str) -> Path:
    """The lock file of an account's runs: `state_dir/locks/<account>.lock`."""
    return state_dir / "locks" / f"{validate_account_name(account)}.lock"


@contextmanager
def account_lock(state_dir: Path, account: str, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the account's lock for the block; wait up to `wait_seconds` for it (0: try once).

    Raises Busy when another run holds it after the wait, LockFailed (`store_failed`) naming
    the file when it cannot be created. The lock is the kernel's (flock): a killed process
    leaves no stale lock behind.
    """
    path = lock_path(state_dir, account)
    try:
        private_dir(path.parent)
        lock = FileLock(path, mode=0o600, thread_local=False)
        if wait_seconds > 0:
            lock.acquire(timeout=wait_seconds, poll_interval=0.1)
        else:
            lock.acquire(blocking=False)
    except LockTimeout:
        waited = f"after waiting {wait_seconds:g} s" if wait_seconds > 0 else "(no wait asked)"
        raise Busy(
            f"another sellerauth run is working on account {account} {waited}: try again when "
            "it is done, or set SELLERAUTH_LOCK_WAIT_SECONDS to wait for it"
        ) from None
    except OSError as exc:
        raise LockFailed(
            f"the lock file {path} could not be made ({exc.strerror or exc}): the state "
            "directory cannot be written"
        ) from None
    try:
        yield
    finally:
        lock.release()
