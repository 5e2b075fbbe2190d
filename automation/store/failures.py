"""When the store cannot be written (`StoreFailed`, exit status 7) or is not a database, said in
words that name the store (a file, or a PostgreSQL URL without its password), the cause and what
to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from automation.errors import StoreFailed as StoreFailed
from automation.store.schema import BUSY_TIMEOUT_SECONDS

# What a store that cannot be reached or written raises: the drivers' errors as SQLAlchemy
# wraps them (a lost PostgreSQL connection included), SQLite's own (the tests' fault hook), and
# the operating system's.
STORE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sqlite3.OperationalError, OSError)


def cause(problem: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrapper (its text names the problem)."""
    if isinstance(problem, sa.exc.DBAPIError) and problem.orig is not None:
        return problem.orig
    return problem


def store_failure(where: str | Path, problem: BaseException) -> StoreFailed:
    """A `StoreFailed` naming the store `where` and the cause, in words (never "move it
    away")."""
    problem = cause(problem)
    lines = str(problem).strip().splitlines()
    text = lines[0].strip() if lines else type(problem).__name__
    if isinstance(problem, OSError) and problem.strerror:
        text = problem.strerror
    lowered = text.lower()
    verb = "written"
    if "locked" in lowered or "busy" in lowered:
        hint = (
            f"another sellerauth process held it for more than {BUSY_TIMEOUT_SECONDS} s; "
            "try again when it is done"
        )
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        hint = "the state directory cannot be written: make it writable"
    elif "full" in lowered or "no space" in lowered:
        hint = "the disk is full: free some space"
    elif "i/o" in lowered:
        hint = "the disk may be full or failing: check it"
    elif _connection_lost(lowered):
        verb = "reached"
        hint = (
            "the PostgreSQL server could not be reached or closed the connection: check that "
            "it is up and SELLERAUTH_STORE_URL; a rerun resumes"
        )
    else:
        hint = "check the state directory" if isinstance(where, Path) else "check the database"
    return StoreFailed(f"the store {where} could not be {verb} ({text}): {hint}")


def _connection_lost(text: str) -> bool:
    return any(
        sign in text
        for sign in ("connection", "server closed", "terminating", "timeout", "could not connect")
    )


def is_corrupt(exc: BaseException) -> bool:
    """Whether SQLite says the file is not a database (not: busy, locked, read-only, full)."""
    text = str(cause(exc)).lower()
    return "not a database" in text or "malformed" in text or "encrypted" in text
