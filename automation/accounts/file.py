"""The accounts file (accounts.toml): its `[accounts.<name>]` tables read and checked against
the keys an account model allows; a secret in it is refused and never quoted."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from automation.accounts.profile import (
    ACCOUNT_NAME_PATTERN,
    AccountProfile,
    account_variable,
    env_key,
)
from automation.errors import InvalidInput
from automation.log import register_secret


def read_accounts_file(
    path: Path, model: type[AccountProfile] = AccountProfile
) -> dict[str, dict[str, str]]:
    """The `[accounts.<name>]` tables of an accounts file, checked against the keys `model`
    allows (`model.file_keys()`; its `secret_keys()` refused, never quoted); InvalidInput on
    any problem."""
    try:
        raw = path.read_bytes()
        # A UTF-8 byte-order mark (Windows editors write one) is not TOML, but it is no
        # mistake either: it is skipped.
        data = tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"accounts file {path} is not UTF-8 text (byte {exc.start + 1} is not): save it "
            "as UTF-8",
            field="accounts_file",
        ) from None
    except FileNotFoundError:
        raise InvalidInput(
            f"accounts file {path} does not exist: create it or set SELLERAUTH_ACCOUNTS_FILE",
            field="accounts_file",
        ) from None
    except OSError as exc:
        raise InvalidInput(
            f"cannot read accounts file {path} ({exc.strerror})", field="accounts_file"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"accounts file {path} is not valid TOML: {exc}", field="accounts_file"
        ) from None
    return check_accounts_data(data, path, model)


def check_accounts_data(
    data: dict[str, Any], path: Path, model: type[AccountProfile]
) -> dict[str, dict[str, str]]:
    """The `[accounts.<name>]` tables of the parsed file `data` (read from `path`), each name
    and key checked against `model`; InvalidInput on the first problem."""
    extra = sorted(set(data) - {"accounts"})
    if extra:
        raise InvalidInput(
            f"accounts file {path} has unknown top-level keys {', '.join(extra)}: "
            "put each account under [accounts.<name>]",
            field="accounts_file",
        )
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        raise InvalidInput(
            f"accounts file {path}: `accounts` must be tables [accounts.<name>]",
            field="accounts_file",
        )
    seen: dict[str, str] = {}
    for name, table in accounts.items():
        _check_account_table(name, table, path, model)
        other = seen.setdefault(env_key(name), name)
        if other != name:
            raise InvalidInput(
                f"accounts file {path}: accounts {other!r} and {name!r} are the same name "
                "once upper-cased with '-' as '_' (as in SELLERAUTH_ACCOUNTS__<NAME>__PASSWORD): "
                "rename one",
                field="accounts_file",
            )
    return accounts


def _check_account_table(name: str, table: Any, path: Path, model: type[AccountProfile]) -> None:
    keys, secrets = model.file_keys(), model.secret_keys()
    where = f"accounts file {path} [accounts.{name}]"
    if not ACCOUNT_NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"{where}: the name may hold up to 64 letters, digits, '-' or '_'",
            field="accounts_file",
        )
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table of settings", field="accounts_file")
    for key, value in table.items():
        if key in secrets:
            register_secret(value if isinstance(value, str) else None)
            raise InvalidInput(
                f"{where} holds {key}: secrets never go in the accounts file; remove it and "
                f"export {account_variable(name, key)} or write it to <secrets dir>/{name}.{key}",
                field=key,
            )
        if key not in keys:
            raise InvalidInput(
                f"{where} has unknown key {key!r}: use {', '.join(keys)}",
                field="accounts_file",
            )
        if not isinstance(value, str):
            raise InvalidInput(f'{where} {key} must be a string in quotes ("...")', field=key)
