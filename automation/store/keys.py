"""The store's key and encryption: results' secrets (tokens) are encrypted with Fernet, by the key
`SELLERAUTH_STORE_KEY` gives or, else, by the key file beside the store (made once, 0600)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from automation.errors import InvalidInput
from automation.files import private_dir
from automation.log import register_secret
from automation.settings import ENV_PREFIX, Settings

KEY_FILE = "sellerauth.key"
KEY_VARIABLE = f"{ENV_PREFIX}STORE_KEY"


def load_key(settings: Settings) -> bytes:
    """The Fernet key: `SELLERAUTH_STORE_KEY` (environment, `.env` or the secrets directory),
    else the key file beside the store (made 0600); InvalidInput (`store_key`) if malformed."""
    configured = settings.store_key
    state_dir = settings.state_dir
    if configured is not None:
        key = configured.get_secret_value().strip().encode("ascii", "replace")
        source = KEY_VARIABLE
    else:
        path = state_dir / KEY_FILE
        key = _read_or_create_key(path)
        source = str(path)
    register_secret(key.decode("ascii", "replace"))
    try:
        Fernet(key)
    except ValueError:
        raise InvalidInput(
            f"the store key from {source} is not a Fernet key (32 url-safe base64-encoded "
            "bytes): make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`",
            field="store_key",
        ) from None
    return key


def _read_or_create_key(path: Path) -> bytes:
    """The key in `path`, made first if there is none. A new key is written to a private
    temporary file and linked into place, so two first runs at once agree on one key and
    neither reads a key file that is still empty."""
    private_dir(path.parent)
    if not path.exists():
        key = Fernet.generate_key() + b"\n"
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".store-key-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
            os.link(temporary, path)
        except FileExistsError:
            pass  # another run made it first: use theirs
        except OSError:  # a filesystem without hard links (SMB, exFAT): create it in place
            _create_key_in_place(path, key)
        finally:
            os.unlink(temporary)
    try:
        return path.read_bytes().strip()
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the store key {path} ({exc.strerror})", field="store_key"
        ) from None


def _create_key_in_place(path: Path, key: bytes) -> None:
    """Create the key file with O_EXCL and write it (where it cannot be linked into place);
    another run that made it first wins."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)


class Encryption:
    """The secrets of results (name -> value) as the store keeps them: JSON encrypted with the
    store's key. `state_dir` is where the key file would be, for the message of a wrong key."""

    def __init__(self, key: bytes, state_dir: Path) -> None:
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
            raise InvalidInput(
                f"the store's tokens were encrypted with another key than {KEY_VARIABLE} or "
                f"{self._state_dir / KEY_FILE} holds now: use the key they were written with",
                field="store_key",
            ) from None
        for value in values.values():
            register_secret(value)
        return values
