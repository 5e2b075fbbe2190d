"""Private files and directories of the state directory: made readable by the owner only (0700
directories, 0600 files), every state file written through one helper (a temporary file in the
same directory, written whole, synced, then renamed or linked into place, so no reader ever sees
half a file and a full disk leaves none), and the state directory proved writable."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from automation.errors import InvalidInput, StoreFailed


def private_dir(path: Path) -> Path:
    """Create a directory readable by the owner only, and each missing parent likewise (0700:
    `mkdir(parents=True)` would leave the parents to the umask, 0755); an existing directory
    is kept as it is."""
    missing: list[Path] = []
    at = path
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    return path


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file atomically with mode 0600 (its directory 0700): a temporary file beside it,
    written whole and synced, renamed over it. StoreFailed naming `path` when it cannot be
    written (a full disk, a read-only directory): the old file, if any, is left as it was and
    no partial file is left behind."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary: str | None = None
    try:
        private_dir(path.parent)
        temporary = _synced_temporary(path, payload)
        os.replace(temporary, path)
        temporary = None
        _sync_directory(path.parent)
    except OSError as exc:
        raise write_failure(path, exc) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path


def create_private(path: Path, data: bytes) -> bool:
    """Create `path` (0600) holding `data` unless it exists; whether this call made it. The
    data is written whole and synced to a temporary file first, then linked into place, so a
    reader never sees the file half written and two makers at once agree on one file.
    StoreFailed naming `path` when it cannot be written."""
    temporary: str | None = None
    try:
        private_dir(path.parent)
        temporary = _synced_temporary(path, data)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False  # another run made it first: theirs is used
        except OSError as exc:  # a filesystem without hard links (SMB, exFAT): in place
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise
            return _create_in_place(path, data)
        _sync_directory(path.parent)
        return True
    except OSError as exc:
        raise write_failure(path, exc) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _synced_temporary(path: Path, data: bytes) -> str:
    """A private temporary file beside `path` holding `data`, synced to the disk; removed
    again when it cannot be written whole."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _create_in_place(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)  # never a partial file left to be read later
        raise
    os.close(fd)
    return True


def _sync_directory(directory: Path) -> None:
    """Make a rename or link in `directory` durable (best effort: not every filesystem can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_failure(path: Path, problem: OSError) -> StoreFailed:
    """A `StoreFailed` naming the file that could not be written, the cause and what to do."""
    cause = problem.strerror or type(problem).__name__
    if problem.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "the disk is full: free some space, then run again"
    elif problem.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = "its directory cannot be written: make it writable by this user, then run again"
    else:
        hint = "check the disk and the directory, then run again"
    return StoreFailed(f"the file {path} could not be written ({cause}): {hint}")


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
