"""Resolving an account: its profile built, as the site's model, from the command line, the
accounts file, the environment (`SELLERAUTH_*`, `.env`) and the secrets dir, each value with
where it came from for the messages; and every account of the file loaded at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from automation.accounts.file import read_accounts_file
from automation.accounts.profile import (
    AccountProfile,
    ProfileT,
    account_variable,
    env_key,
    validate_account_name,
)
from automation.errors import InvalidInput
from automation.log import register_secret
from automation.settings import (
    ACCOUNTS_FILE_NAME,
    ENV_PREFIX,
    Settings,
    load_site_settings,
    validation_message,
)

DEFAULT_ACCOUNT = "default"


class _Draft:
    """The values of a profile being assembled, each with where it came from (for messages)."""

    def __init__(self, name: str) -> None:
        self.values: dict[str, Any] = {"name": name}
        self.sources: dict[str, str] = {"name": "account name"}

    def put(self, field: str, value: Any, source: str) -> None:
        if value is not None:
            self.values[field] = value
            self.sources[field] = source

    def build(self, model: type[ProfileT]) -> ProfileT:
        for key in model.secret_keys():
            register_secret(self.values.get(key))
        try:
            profile = model(**self.values)
        except ValidationError as exc:
            raise self._error(exc) from None
        for key in model.secret_keys():  # as normalised (a TOTP secret without spaces)
            register_secret(getattr(profile, key))
        return profile

    def _error(self, exc: ValidationError) -> InvalidInput:
        errors = exc.errors(include_url=False, include_input=False)
        problems = []
        for error in errors:
            field = str(error["loc"][0]) if error["loc"] else "account"
            source = self.sources.get(field, field)
            problems.append(f"{field} ({source}) {validation_message(error['msg'])}")
        first = str(errors[0]["loc"][0]) if errors and errors[0]["loc"] else "account"
        return InvalidInput(f"account {self.values['name']!r}: " + "; ".join(problems), field=first)


def _apply_overrides(draft: _Draft, overrides: dict[str, Any], model: type[AccountProfile]) -> None:
    secrets = model.secret_keys()
    unknown = set(overrides) - {*model.file_keys(), *secrets}
    if unknown:
        raise TypeError(f"unknown account overrides: {', '.join(sorted(unknown))}")
    for key, value in overrides.items():
        source = f"{key} given" if key in secrets else "--" + key.replace("_", "-")
        draft.put(key, value, source)


def shared_values(
    settings: Settings, model: type[AccountProfile], *, default: bool = False
) -> dict[str, Any]:
    """The values of `model`'s site settings an account inherits unless its own table (or the
    command line) says otherwise: those set (not None), by field name; the default account
    (`default`) also takes the `default_account_only` ones. InvalidInput on a bad setting."""
    found: dict[str, Any] = {}
    for shared in model.shared_settings:
        values = load_site_settings(shared, settings)
        for field in type(values).model_fields:
            value = getattr(values, field)
            if value is not None and (default or field not in shared.default_account_only):
                found[field] = value
    return found


def _put_inherited(
    draft: _Draft, settings: Settings, model: type[AccountProfile], *, default: bool
) -> None:
    for field, value in shared_values(settings, model, default=default).items():
        draft.put(field, value, ENV_PREFIX + field.upper())


def _default_draft(settings: Settings, model: type[AccountProfile]) -> _Draft:
    draft = _Draft(DEFAULT_ACCOUNT)
    _put_inherited(draft, settings, model, default=True)
    draft.put("email", settings.email, "SELLERAUTH_EMAIL")
    draft.put("password", settings.password, "SELLERAUTH_PASSWORD")
    draft.put("totp_secret", settings.totp_secret, "SELLERAUTH_TOTP_SECRET")
    # The site's own secrets of the default account: its site settings read the shared
    # SELLERAUTH_<KEY>; SELLERAUTH_ACCOUNTS__DEFAULT__<KEY> or <secrets dir>/default.<key> too.
    for key in model.secret_keys():
        if key not in AccountProfile.model_fields:
            secret, source = _named_secret(settings, DEFAULT_ACCOUNT, key)
            draft.put(key, secret, source)
    return draft


def _require_default(draft: _Draft, settings: Settings) -> None:
    if "email" not in draft.values:
        raise InvalidInput(
            "SELLERAUTH_EMAIL is not set: export it or put it in .env", field="email"
        )
    if "password" not in draft.values:
        where = _secrets_dir_hint(settings, "sellerauth_password")
        raise InvalidInput(
            f"SELLERAUTH_PASSWORD is not set: export it, put it in .env or {where}",
            field="password",
        )


def _secrets_dir_hint(settings: Settings, filename: str) -> str:
    if settings.secrets_dir is not None:
        return f"write it to {settings.secrets_dir / filename}"
    return f"write it to a file {filename} in SELLERAUTH_SECRETS_DIR"


def _named_draft(
    settings: Settings, name: str, table: dict[str, str], path: Path, model: type[AccountProfile]
) -> _Draft:
    draft = _Draft(name)
    _put_inherited(draft, settings, model, default=False)
    for key, value in table.items():
        draft.put(key, value, f"{path} [accounts.{name}] {key}")
    for key in model.secret_keys():
        secret, source = _named_secret(settings, name, key)
        draft.put(key, secret, source)
    return draft


def _named_secret(settings: Settings, name: str, key: str) -> tuple[SecretStr | None, str]:
    """A named account's secret from its environment variable, else from the secrets dir."""
    variable = account_variable(name, key)
    value = settings.accounts.get(env_key(name).lower(), {}).get(key)
    if value is not None:
        return value, variable
    if settings.secrets_dir is not None:
        path = settings.secrets_dir / f"{name}.{key}"
        if path.is_file():
            try:
                return SecretStr(path.read_text(encoding="utf-8").strip()), str(path)
            except OSError as exc:
                raise InvalidInput(
                    f"cannot read {path} ({exc.strerror}): fix its permissions", field=key
                ) from None
    return None, variable


def _require_named(draft: _Draft, settings: Settings, path: Path) -> None:
    name = draft.values["name"]
    if "email" not in draft.values:
        raise InvalidInput(
            f'account {name!r} has no email: add email = "..." under [accounts.{name}] in {path}',
            field="email",
        )
    if "password" not in draft.values:
        variable = account_variable(name, "password")
        where = _secrets_dir_hint(settings, f"{name}.password")
        raise InvalidInput(
            f"password for account {name!r} is not set: export {variable} or {where}",
            field="password",
        )


def check_account_variables(settings: Settings, model: type[AccountProfile]) -> None:
    """InvalidInput (field `accounts`) naming each `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` whose
    key is not one of `model`'s secrets (a misspelling); the value is never quoted."""
    problems = [
        f"{account_variable(name, key)} is not a known setting: check its spelling (an "
        f"account's variables are {', '.join(k.upper() for k in model.secret_keys())}); "
        "correct it in the environment or .env"
        for name, secrets in settings.accounts.items()
        for key in secrets
        if key not in model.secret_keys()
    ]
    if problems:
        raise InvalidInput("; ".join(problems), field="accounts")


def _accounts_path(settings: Settings) -> Path:
    if settings.accounts_file is None:
        raise InvalidInput(
            f"there is no accounts file: create {ACCOUNTS_FILE_NAME} here or set "
            "SELLERAUTH_ACCOUNTS_FILE",
            field="accounts_file",
        )
    return settings.accounts_file


def _profile_from_table(
    settings: Settings,
    name: str,
    table: dict[str, str],
    path: Path,
    overrides: dict[str, Any],
    model: type[ProfileT],
) -> ProfileT:
    draft = _named_draft(settings, name, table, path, model)
    _apply_overrides(draft, overrides, model)
    _require_named(draft, settings, path)
    return draft.build(model)


def resolve_account(
    settings: Settings,
    name: str | None = None,
    *,
    model: type[ProfileT] = AccountProfile,  # type: ignore[assignment]
    **overrides: Any,
) -> ProfileT:
    """The profile of account `name` (None: the `default` one from SELLERAUTH_EMAIL etc.),
    built as the site's `model` (an `AccountProfile` subclass; the engine's own by default).

    `overrides` are command-line options (`email`, the secrets, the model's site fields);
    they win over the accounts file and the environment; None means "not given".
    Raises InvalidInput naming the field and where its value came from (or a misspelt
    `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>`); TypeError for an override the model has no field
    for (a bug of the caller).
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    check_account_variables(settings, model)
    accounts = (
        read_accounts_file(settings.accounts_file, model)
        if settings.accounts_file is not None
        else {}
    )
    if name is None or (name == DEFAULT_ACCOUNT and name not in accounts):
        draft = _default_draft(settings, model)
        _apply_overrides(draft, given, model)
        _require_default(draft, settings)
        return draft.build(model)
    validate_account_name(name)
    path = _accounts_path(settings)
    if name not in accounts:
        known = ", ".join(accounts) or "none"
        raise InvalidInput(
            f"account {name!r} is not in {path} (accounts there: {known})", field="account"
        )
    return _profile_from_table(settings, name, accounts[name], path, given, model)


def load_accounts(
    settings: Settings,
    model: type[ProfileT] = AccountProfile,  # type: ignore[assignment]
) -> dict[str, ProfileT | InvalidInput]:
    """Every account of the accounts file, each resolved as `model` or with the problem that
    stops it.

    A broken file (missing, bad TOML, unknown key, secret in it) or a misspelt
    `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` raises InvalidInput instead; no accounts file at all
    gives an empty dict.
    """
    check_account_variables(settings, model)
    if settings.accounts_file is None:
        return {}
    path = settings.accounts_file
    results: dict[str, ProfileT | InvalidInput] = {}
    for name, table in read_accounts_file(path, model).items():
        try:
            results[name] = _profile_from_table(settings, name, table, path, {}, model)
        except InvalidInput as exc:
            results[name] = exc
    return results
