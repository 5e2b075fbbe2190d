"""The store's key and encryption: results' secrets (tokens) are encrypted with Fernet, by the key
`SELLERAUTH_STORE_KEY` gives or, else, by the key file beside the store (made 0600, and only
for a store that holds no encrypted value yet)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from automation.errors import InvalidInput, KeyMissing
from automation.files import create_private, private_dir
from automation.log import register_secret
from automation.settings import ENV_PREFIX, Settings
from automation.store.schema import STORE_FILE

KEY_FILE = "sellerauth.key"
KEY_VARIABLE = f"{ENV_PREFIX}STORE_KEY"


def load_key(settings: Settings) -> bytes:
    """The Fernet key: `SELLERAUTH_STORE_KEY` (environment, `.env` or the secrets directory),
    else the key file beside the store. A key file is made (0600) only for a store that holds
    no encrypted value: a store with tokens and no readable key is `KeyMissing`, never given a
    new key that could not read them. A malformed key: `KeyMissing` when the store holds
    tokens, else InvalidInput (`store_key`). A PostgreSQL store (`SELLERAUTH_STORE_URL`) is
    shared by many machines, so it takes only a configured key, never a key file of one
    machine's state directory."""
    configured = settings.store_key
    if configured is None and settings.store_url is not None:
        raise InvalidInput(
            f"a PostgreSQL store (SELLERAUTH_STORE_URL) needs {KEY_VARIABLE} (or "
            "<secrets dir>/sellerauth_store_key): every machine sharing the store must encrypt "
            "tokens with the same key, so no key file is made in one machine's state directory",
            field="store_key",
        )
    store = settings.state_dir / STORE_FILE
    if configured is not None:
        key = configured.get_secret_value().strip().encode("ascii", "replace")
        source = KEY_VARIABLE
    else:
        path = settings.state_dir / KEY_FILE
        key = _read_key(path, store)
        source = str(path)
    register_secret(key.decode("ascii", "replace"))
    try:
        Fernet(key)
    except ValueError:
        problem = "empty" if not key else "not a Fernet key (32 url-safe base64-encoded bytes)"
        if holds_encrypted_values(store):
            raise key_missing(store, source, problem) from None
        raise InvalidInput(
            f"the store key from {source} is {problem}: restore the key from your backup "
            f"of the state directory (the store {store} holds no encrypted token yet)",
            field="store_key",
        ) from None
    return key


def key_missing(store: Path, source: str, problem: str) -> KeyMissing:
    """The refusal of a store with tokens and no readable key, saying how to restore it."""
    where = (
        "set it to the key the store's tokens were written with (from your backup)"
        if source == KEY_VARIABLE
        else f"restore {source} from your backup of the state directory (or set "
        f"{KEY_VARIABLE} to the key the tokens were written with)"
    )
    return KeyMissing(
        f"the store {store} holds encrypted tokens but its key {source} is {problem}: "
        f"{where}, then run again. No new key is made: it could not read them",
        field="store_key",
    )


def holds_encrypted_values(store: Path) -> bool:
    """Whether the store file holds any encrypted value (read-only; a file that is not a
    store yet, or not a database, holds none: opening it says what is wrong with it)."""
    try:
        if not store.is_file() or store.stat().st_size == 0:
            return False
        db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT 1 FROM results WHERE secrets IS NOT NULL LIMIT 1")
            return row.fetchone() is not None
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False


def _read_key(path: Path, store: Path) -> bytes:
    """The key in `path`; made first only when there is none and the store holds no
    encrypted value (`KeyMissing` otherwise)."""
    private_dir(path.parent)
    if not path.exists():
        if holds_encrypted_values(store):
            raise key_missing(store, str(path), "missing")
        _create_key(path)
    try:
        return path.read_bytes().strip()
    except OSError as exc:
        if holds_encrypted_values(store):
            raise key_missing(store, str(path), f"unreadable ({exc.strerror})") from None
        raise InvalidInput(
            f"cannot read the store key {path} ({exc.strerror}): make it readable by this "
            "user, or restore it from your backup",
            field="store_key",
        ) from None


def _create_key(path: Path) -> None:
    """A new key, written whole to a private temporary file (synced) and linked into place, so
    two first runs at once agree on one key and neither reads a key file still empty."""
    create_private(path, Fernet.generate_key() + b"\n")


class Encryption:
    """The secrets of results (name -> value) as the store keeps them: JSON encrypted with the
    store's key. `state_dir` is where the key file would be, for the message of a wrong key
    (None: a PostgreSQL store, whose key is always `SELLERAUTH_STORE_KEY`)."""

    def __init__(self, key: bytes, state_dir: Path | None) -> None:
        self._fernet = Fernet(key)
        self._state_dir = state_dir

    def encrypt(self, values: dict[str, str]) -> bytes:
        """`values` as an encrypted blob."""
        return self._fernet.encrypt(json.dumps(values).encode())

    def decrypt(self, blob: bytes) -> dict[str, str]:
        """The values a blob holds, each registered for redaction; InvalidInput (`store_key`)
        when it was encrypted with another key."""
        try:
            values: dict[str, str] = json.loads(self._fernet.decrypt(blob))
        except InvalidToken:
            holders = KEY_VARIABLE
            if self._state_dir is not None:
                holders += f" or {self._state_dir / KEY_FILE}"
            raise InvalidInput(
                f"the store's tokens were encrypted with another key than {holders} holds "
                "now: use the key they were written with",
                field="store_key",
            ) from None
        for value in values.values():
            register_secret(value)
        return values

    def try_decrypt(self, blob: bytes) -> dict[str, str] | None:
        """The values a blob holds, or None when it was encrypted with another key."""
        try:
            return self.decrypt(blob)
        except InvalidInput:
            return None
