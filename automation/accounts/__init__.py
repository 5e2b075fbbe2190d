"""Account profiles (accounts.toml): who signs in, resolved from the accounts file, the
environment and the secrets dir.

The engine's profile is neutral: who signs in (name, e-mail, password, TOTP secret). A site adds
its own account fields by subclassing `AccountProfile` (validation and defaults on its fields)
and declaring, on that class, the `SiteSettings` classes whose `SELLERAUTH_<FIELD>` values every
account inherits; the engine's `resolve_account` and `load_accounts` take that class as `model`
and learn from it, and only from it, which keys an `[accounts.<name>]` table may hold
(`file_keys`) and which are secrets read from the environment or the secrets dir instead
(`secret_keys`: the fields typed `SecretStr`). There is no registry: two sites' models never
see each other's keys.

Modules: `profile` (the model and account names), `file` (reading and checking the accounts
file), `resolve` (building profiles from every source). The names below are the package's
public ones; import them from `automation.accounts`.
"""

from __future__ import annotations

from automation.accounts.file import check_accounts_data, read_accounts_file
from automation.accounts.profile import (
    ACCOUNT_NAME_PATTERN,
    AccountProfile,
    ProfileT,
    account_variable,
    env_key,
    normalise_totp_secret,
    validate_account_name,
)
from automation.accounts.resolve import (
    DEFAULT_ACCOUNT,
    check_account_variables,
    load_accounts,
    resolve_account,
    shared_values,
)

__all__ = [
    "ACCOUNT_NAME_PATTERN",
    "DEFAULT_ACCOUNT",
    "AccountProfile",
    "ProfileT",
    "account_variable",
    "check_account_variables",
    "check_accounts_data",
    "env_key",
    "load_accounts",
    "normalise_totp_secret",
    "read_accounts_file",
    "resolve_account",
    "shared_values",
    "validate_account_name",
]
