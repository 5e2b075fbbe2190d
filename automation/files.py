"""Private files and directories of the state directory: made readable by the owner only (0700
directories, 0600 files written atomically), and the state directory proved writable."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from automation.errors import InvalidInput


def private_dir(path: Path) -> Path:
    """Create a directory (and parents) readable by the owner only; an existing one is kept."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file atomically with mode 0600 (its directory 0700)."""
    private_dir(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def create_private(path: Path, data: bytes) -> bool:
    """Create `path` (0600) holding `data` unless it exists; whether this call made it. The
    data is written whole and synced to a temporary file first, then linked into place, so a
    reader never sees the file half written and two makers at once agree on one file."""
    private_dir(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False  # another run made it first: theirs is used
        except OSError:  # a filesystem without hard links (SMB, exFAT): create it in place
            return _create_in_place(path, data)
        return True
    finally:
        os.unlink(temporary)


def _create_in_place(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def ensure_state_dir(state_dir: Path) -> Path:
    """Create the state directory if needed and prove it writable; InvalidInput if not."""
    try:
        private_dir(state_dir)
        with tempfile.TemporaryFile(dir=state_dir):
            pass
    except OSError as exc:
        raise InvalidInput(
            f"state directory {state_dir} cannot be used ({exc.strerror or exc}): "
            "set SELLERAUTH_STATE_DIR to a directory you can write",
            field="state_dir",
        ) from None
    return state_dir
