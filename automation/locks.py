"""One run per account at a time: a file lock per account in the state directory (filelock),
or, when the store is a PostgreSQL database shared by many machines, a session advisory lock
per account on that database (held across machines)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock
from filelock import Timeout as LockTimeout

from automation.accounts import validate_account_name
from automation.errors import SellerAuthError
from automation.files import private_dir
from automation.settings import Settings
from automation.store.backend import Location, engine_for, location
from automation.store.failures import cause

POLL_SECONDS = 0.1


class Busy(SellerAuthError):
    """Another run (another process, or another worker) is working on this account now."""

    code = "busy"
    exit_status = 6


class LockFailed(SellerAuthError):
    """The lock file could not be made: the state directory cannot be written (or the
    PostgreSQL store holding the locks cannot be reached)."""

    code = "store_failed"
    exit_status = 7


def lock_path(state_dir: Path, account: str) -> Path:
    """The lock file of an account's runs: `state_dir/locks/<account>.lock`."""
    return state_dir / "locks" / f"{validate_account_name(account)}.lock"


def lock_key(account: str) -> int:
    """The advisory lock key of an account's runs on PostgreSQL: a stable 64-bit hash of its
    name (the same on every machine and in every release)."""
    digest = hashlib.sha256(f"sellerauth account {account}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def account_lock(where: Settings | Path, account: str, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the account's lock for the block; wait up to `wait_seconds` for it (0: try once).

    `where`: the settings (their store decides: PostgreSQL's advisory lock, else the state
    directory's lock file), or a state directory. Raises Busy when another run holds it after
    the wait, LockFailed (`store_failed`) when it cannot be taken (a lock file that cannot be
    made, a database that cannot be reached). Neither lock outlives its process: a killed one
    leaves no stale lock behind (the kernel's flock; the database session ends).
    """
    if isinstance(where, Settings) and where.store_url is not None:
        with _advisory_lock(location(where), account, wait_seconds):
            yield
        return
    state_dir = where.state_dir if isinstance(where, Settings) else where
    path = lock_path(state_dir, account)
    try:
        private_dir(path.parent)
        lock = FileLock(path, mode=0o600, thread_local=False)
        if wait_seconds > 0:
            lock.acquire(timeout=wait_seconds, poll_interval=POLL_SECONDS)
        else:
            lock.acquire(blocking=False)
    except LockTimeout:
        raise _busy(account, wait_seconds) from None
    except OSError as exc:
        raise LockFailed(
            f"the lock file {path} could not be made ({exc.strerror or exc}): the state "
            "directory cannot be written"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory_lock(where: Location, account: str, wait_seconds: float) -> Iterator[None]:
    """The account's advisory lock on a connection of its own held for the block (a session
    lock: it ends with the connection, whatever happens to the process). Without a wait,
    `pg_try_advisory_lock`; with one, `pg_advisory_lock` under a `lock_timeout` of the wait:
    the server holds the request until the lock is free or the time is up (no polling)."""
    key = {"key": lock_key(validate_account_name(account))}
    try:
        conn = engine_for(where).connect()
    except sa.exc.SQLAlchemyError as exc:
        raise _unreachable(where, account, exc) from None
    held = False
    try:
        try:
            if wait_seconds > 0:
                timeout = {"ms": f"{max(1, round(wait_seconds * 1000))}ms"}
                conn.execute(sa.text("SELECT set_config('lock_timeout', :ms, false)"), timeout)
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), key)
                held = True
            else:
                held = bool(
                    conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), key).scalar()
                )
            conn.commit()
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise _unreachable(where, account, exc) from None
        except sa.exc.SQLAlchemyError as exc:
            raise _unreachable(where, account, exc) from None
        if not held:
            raise _busy(account, wait_seconds)
        yield
    finally:
        try:  # a server that went away took the session, and the lock with it
            conn.rollback()
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), key)
                conn.commit()
        except sa.exc.SQLAlchemyError:
            pass
        conn.close()


# PostgreSQL's SQLSTATE for a lock not granted within `lock_timeout`.
LOCK_NOT_AVAILABLE = "55P03"


def _busy(account: str, wait_seconds: float) -> Busy:
    waited = f"after waiting {wait_seconds:g} s" if wait_seconds > 0 else "(no wait asked)"
    return Busy(
        f"another sellerauth run is working on account {account} {waited}: try again when "
        "it is done, or set SELLERAUTH_LOCK_WAIT_SECONDS to wait for it"
    )


def _unreachable(where: Location, account: str, problem: BaseException) -> LockFailed:
    text = (str(cause(problem)).strip().splitlines() or [type(problem).__name__])[0]
    return LockFailed(
        f"the lock of account {account} could not be taken on the store {where.shown} "
        f"({text}): check that the PostgreSQL server is up and SELLERAUTH_STORE_URL"
    )
