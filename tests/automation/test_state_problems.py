"""State and config problems are `invalid_input` or `store_failed` naming the path, never
`internal` (issue 22, 4.7 and the BOM of 4.8)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from automation.accounts import read_accounts_file
from automation.browser import usable_storage_state
from automation.errors import InvalidInput, SellerAuthError, StoreFailed
from automation.otp import FakeClock, TotpSource

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNTS = '[accounts.acme]\nemail = "seller@example.com"\n'


def test_a_latin1_accounts_file_is_invalid_input_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_bytes("# caf\u00e9\n".encode("latin-1") + ACCOUNTS.encode())
    with pytest.raises(InvalidInput) as caught:
        read_accounts_file(path)
    assert str(path) in caught.value.message and "UTF-8" in caught.value.message


def test_a_utf8_bom_in_the_accounts_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ACCOUNTS.encode())
    assert read_accounts_file(path)["acme"]["email"] == "seller@example.com"


def otp(tmp_path: Path) -> TotpSource:
    return TotpSource(SECRET, "acme", tmp_path, clock=FakeClock(1_700_000_020.0))


@pytest.mark.parametrize("shape", ["directory", "symlink"])
def test_an_otp_lock_that_is_not_a_file_is_refused_naming_it(tmp_path: Path, shape: str) -> None:
    lock = tmp_path / "otp" / "acme.lock"
    lock.parent.mkdir()
    if shape == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SellerAuthError) as caught:
        otp(tmp_path).next_code()
    assert caught.value.code in ("invalid_input", "store_failed")
    assert str(lock) in caught.value.message


def test_an_unreadable_otp_lock_is_store_failed(tmp_path: Path, monkeypatch) -> None:
    """Root reads anything: the refusal is simulated at the open."""
    real_open = os.open

    def refused(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("acme.lock"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(StoreFailed) as caught:
        otp(tmp_path).next_code()
    assert str(tmp_path / "otp" / "acme.lock") in caught.value.message


def test_an_unreadable_sessions_directory_is_invalid_input(tmp_path: Path, monkeypatch) -> None:
    session = tmp_path / "sessions" / "acme.json"
    session.parent.mkdir()
    session.write_text("{}")

    def refused(self: Path) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "stat", refused)
    with pytest.raises(InvalidInput) as caught:
        usable_storage_state(session)
    assert str(session.parent) in caught.value.message
