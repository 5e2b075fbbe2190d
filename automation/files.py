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
