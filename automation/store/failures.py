"""When the store cannot be written (`StoreFailed`, exit status 7) or is not a database, said in
words that name the file, the cause and what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from automation.errors import StoreFailed as StoreFailed
from automation.store.schema import BUSY_TIMEOUT_SECONDS


def store_failure(path: Path, problem: BaseException) -> StoreFailed:
    """A `StoreFailed` naming `path` and the cause, in words (never "move it away")."""
    text = str(problem).strip() or type(problem).__name__
    if isinstance(problem, OSError) and problem.strerror:
        text = problem.strerror
    lowered = text.lower()
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
    else:
        hint = "check the state directory"
    return StoreFailed(f"the store {path} could not be written ({text}): {hint}")


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is not a database (not: busy, locked, read-only, full)."""
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "encrypted" in text
