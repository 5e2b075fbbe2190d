"""Which accounts a batch runs: the accounts file checked per account, `--only`, shards."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.accounts import (
    AccountProfile,
    check_account_variables,
    env_key,
    read_accounts_file,
    resolve_account,
    shared_values,
)
from automation.batch import Shard
from automation.errors import InvalidInput
from automation.settings import ENV_PREFIX, Settings

_STAND_IN_EMAIL = "stand-in@example.com"


@dataclass
class AccountCheck:
    """One account of the accounts file: what stops it (problems) and what may (warnings)."""

    name: str
    email: str | None
    # The site's fields `accounts check` reports (its account model's `check_fields`).
    fields: dict[str, str | None]
    totp: bool
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.name,
            "ok": self.ok,
            "email": self.email,
            **self.fields,
            "totp": self.totp,
            "problems": self.problems,
            "warnings": self.warnings,
        }


def accounts_path_or_fail(settings: Settings) -> None:
    """InvalidInput when there is no accounts file to read."""
    if settings.accounts_file is None:
        raise InvalidInput(
            "there is no accounts file: create accounts.toml here (see accounts.example.toml), "
            "set SELLERAUTH_ACCOUNTS_FILE or give --accounts FILE",
            field="accounts_file",
        )


AccountProbe = Callable[[Settings, AccountProfile], list[str]]


def check_accounts(
    settings: Settings,
    model: type[AccountProfile] = AccountProfile,
    probes: Sequence[AccountProbe] = (),
) -> list[AccountCheck]:
    """Every account of the accounts file, resolved as the site's `model`, with every problem
    found, without a browser: its own fields, its site settings (`setting_problems`), and what
    each of `probes` (e.g. a job's preparation) finds for it.

    A broken file (missing, not TOML, unknown key, a secret in it) or a misspelt
    `SELLERAUTH_ACCOUNTS__<NAME>__<KEY>` raises InvalidInput.
    """
    check_account_variables(settings, model)
    accounts_path_or_fail(settings)
    assert settings.accounts_file is not None
    tables = read_accounts_file(settings.accounts_file, model)
    shared = shared_values(settings, model)
    return [
        _check_one(settings, name, table, model, shared, probes) for name, table in tables.items()
    ]


def _unresolved(
    model: type[AccountProfile], table: dict[str, str], shared: dict[str, Any]
) -> dict[str, str | None]:
    """The reported fields of an account that does not resolve: its table's values, else the
    shared settings', else the model's defaults."""
    fields: dict[str, str | None] = {}
    for name in model.check_fields:
        info = model.model_fields[name]
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields[name] = table.get(name, shared.get(name, default))
    return fields


def _check_one(
    settings: Settings,
    name: str,
    table: dict[str, str],
    model: type[AccountProfile],
    shared: dict[str, Any],
    probes: Sequence[AccountProbe],
) -> AccountCheck:
    check = AccountCheck(
        name=name,
        email=table.get("email"),
        fields=_unresolved(model, table, shared),
        totp=False,
    )
    # Each missing field stops resolution at the first; stand-ins let it find the next ones.
    stand_ins: dict[str, Any] = {}
    for _ in range(3):
        try:
            profile = resolve_account(settings, name, model=model, **stand_ins)
        except InvalidInput as problem:
            check.problems.append(problem.message)
            if problem.field == "email" and "email" not in stand_ins and "email" not in table:
                stand_ins["email"] = _STAND_IN_EMAIL
            elif problem.field == "password" and "password" not in stand_ins:
                stand_ins["password"] = secrets.token_hex(16)
            else:
                break
        else:
            check.fields = {key: getattr(profile, key) for key in model.check_fields}
            check.totp = profile.totp_secret is not None
            check.problems += profile.setting_problems(settings)
            check.warnings += profile.setting_warnings(settings)
            for probe in probes:
                check.problems += [p for p in probe(settings, profile) if p not in check.problems]
            break
    if not check.totp and not any("totp" in p.lower() for p in check.problems):
        variable = f"{ENV_PREFIX}ACCOUNTS__{env_key(name)}__TOTP_SECRET"
        check.warnings.append(
            f"no TOTP secret ({variable} or <secrets dir>/{name}.totp_secret): unattended "
            "sign-ins that ask for a code will need a person"
        )
    return check


def split_names(values: Iterable[str] | None) -> list[str]:
    """`--only a,b --only c` -> [a, b, c]."""
    return [name for value in values or () for name in re.split(r"[\s,]+", value) if name]


def select(names: Sequence[str], only: Sequence[str] | None, shard: Shard | None) -> list[str]:
    """The accounts to run, in file order: those `only` names (all if empty), then the shard's."""
    chosen = list(names)
    if only:
        unknown = [name for name in only if name not in names]
        if unknown:
            raise InvalidInput(
                f"--only names accounts not in the accounts file: {', '.join(unknown)} "
                f"(accounts there: {', '.join(names) or 'none'})",
                field="only",
            )
        wanted = set(only)
        chosen = [name for name in names if name in wanted]
    return shard.select(chosen) if shard is not None else chosen
