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


# -- history and export on an unreadable state directory; an unreadable otp/ (4.7) -----------


def _denied(path: object) -> PermissionError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def _unreadable_state_dir(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What an untraversable state directory does to a process not run as root: every look
    at a file inside it is refused (simulated: the tests run as root)."""
    real_stat = Path.stat

    def stat(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        if self.parent == state_dir:
            raise _denied(self)
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)


@pytest.mark.parametrize(
    "args", [["history"], ["history", "--json"], ["history", "--open"], ["export"]]
)
def test_history_and_export_on_an_unreadable_state_dir_name_it(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from automation.cli import run
    from automation.settings import load_settings
    from automation.store import Store
    from sellerauth.app import build

    state_dir = tmp_path / "state"
    with Store.open(load_settings(state_dir=state_dir)):
        pass
    monkeypatch.setenv("SELLERAUTH_STATE_DIR", str(state_dir))
    _unreadable_state_dir(state_dir, monkeypatch)
    status = run(build(args), args)
    said = capsys.readouterr()
    text = said.out + said.err
    assert status == 2, text
    assert "internal" not in text and "invalid_input" in text
    assert f"the state directory {state_dir} cannot be read" in text


def test_export_to_a_file_that_cannot_be_written_is_store_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from automation import files
    from automation.cli import run
    from automation.settings import load_settings
    from automation.store import Store
    from sellerauth.app import build

    with Store.open(load_settings(state_dir=tmp_path)):
        pass
    monkeypatch.setenv("SELLERAUTH_STATE_DIR", str(tmp_path))
    out = tmp_path / "locked" / "tokens.csv"

    def refused(path: Path, payload: bytes) -> str:
        raise _denied(path)

    monkeypatch.setattr(files, "_synced_temporary", refused)
    args = ["export", "--out", str(out)]
    status = run(build(args), args)
    text = capsys.readouterr().err
    assert status == 7 and "store_failed" in text and str(out) in text, text


def test_an_unreadable_otp_directory_is_store_failed_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every look inside otp/ refused, as for a directory of mode 000 (simulated)."""
    inside = str(tmp_path / "otp") + os.sep
    (tmp_path / "otp").mkdir()
    for name in ("stat", "lstat", "open", "rename", "replace", "mkdir"):
        real = getattr(os, name)

        def refusing(path: object, *args: object, _real=real, **kwargs: object) -> object:
            if str(path).startswith(inside):
                raise _denied(path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, refusing)
    with pytest.raises(StoreFailed) as caught:
        otp(tmp_path).next_code()
    assert inside in caught.value.message and "writable" in caught.value.message
