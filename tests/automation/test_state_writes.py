"""Every state file is written through one helper (issue 22, 4.5): a temporary file beside it,
synced, renamed; a full disk is `store_failed` naming the file, and leaves no partial file
(the key, a saved session and its identity, the OTP step file)."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from automation.browser import save_identity, save_storage_state
from automation.errors import StoreFailed
from automation.files import write_private
from automation.otp import FakeClock, TotpSource
from automation.settings import load_settings
from automation.store import KEY_FILE, load_key

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def disk_full(*args: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def half_then_full(fd: int, data: Any) -> int:
    """The first write takes a few bytes, the next finds the disk full."""
    if getattr(half_then_full, "done", False):
        return disk_full()
    half_then_full.done = True  # type: ignore[attr-defined]
    return os.__dict__["_real_write"](fd, bytes(data[:3]))


@pytest.fixture(params=["write", "partial write", "fsync"])
def full_disk(request: pytest.FixtureRequest) -> Callable[[pytest.MonkeyPatch], None]:
    def apply(patch: pytest.MonkeyPatch) -> None:
        if request.param == "fsync":
            patch.setattr(os, "fsync", disk_full)
        elif request.param == "write":
            patch.setattr(os, "write", disk_full)
        else:
            half_then_full.done = False  # type: ignore[attr-defined]
            patch.setitem(os.__dict__, "_real_write", os.write)
            patch.setattr(os, "write", half_then_full)

    return apply


def only_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.is_file())


def assert_full_disk_refused(
    write: Callable[[], object], path: Path, full_disk: Callable[[pytest.MonkeyPatch], None]
) -> None:
    before = only_files(path.parent) if path.parent.exists() else []
    old = path.read_bytes() if path.exists() else None
    with pytest.MonkeyPatch.context() as patch:
        full_disk(patch)
        with pytest.raises(StoreFailed) as caught:
            write()
    assert caught.value.code == "store_failed" and caught.value.exit_status == 7
    assert str(path) in caught.value.message and "disk is full" in caught.value.message
    assert (path.read_bytes() if path.exists() else None) == old, "the file was changed"
    assert only_files(path.parent) == before, "a partial or temporary file was left"


def test_a_private_file_is_replaced_whole_or_not_at_all(tmp_path: Path, full_disk) -> None:
    path = write_private(tmp_path / "state.json", '{"old": true}')
    assert_full_disk_refused(lambda: write_private(path, '{"new": 1}' * 1000), path, full_disk)


def test_a_full_disk_leaves_no_empty_key_file(tmp_path: Path, full_disk) -> None:
    """The key is never left 0-byte (every later run would say "not a Fernet key")."""
    (tmp_path / "keep").write_text("x")
    settings = load_settings(state_dir=tmp_path)
    assert_full_disk_refused(lambda: load_key(settings), tmp_path / KEY_FILE, full_disk)
    assert not (tmp_path / KEY_FILE).exists()
    assert Fernet(load_key(settings))  # the disk freed: a whole key is made


def test_a_full_disk_while_saving_a_session_and_its_identity(tmp_path: Path, full_disk) -> None:
    session = tmp_path / "sessions" / "acme.json"
    state: Any = {"cookies": [], "origins": []}
    save_storage_state(None, session, state)  # type: ignore[arg-type]
    save_identity(session, {"email": "a@example.com"})
    assert_full_disk_refused(
        lambda: save_storage_state(None, session, state),  # type: ignore[arg-type]
        session,
        full_disk,
    )
    identity = session.with_name("acme.identity.json")
    assert_full_disk_refused(
        lambda: save_identity(session, {"email": "b@example.com"}), identity, full_disk
    )
    assert json.loads(identity.read_text()) == {"email": "a@example.com"}


def test_a_full_disk_while_noting_the_otp_step_is_store_failed(tmp_path: Path, full_disk) -> None:
    """Was `internal` (an OSError escaping the sign-in)."""
    source = TotpSource(SECRET, "acme", tmp_path, clock=FakeClock(1_700_000_020.0))
    source.next_code()
    assert_full_disk_refused(source.next_code, source.state_path, full_disk)
