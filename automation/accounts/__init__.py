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

from automation.accounts.file import check_accounts_data as check_accounts_data
from automation.accounts.file import read_accounts_file as read_accounts_file
from automation.accounts.profile import ACCOUNT_NAME_PATTERN as ACCOUNT_NAME_PATTERN
from automation.accounts.profile import AccountProfile as AccountProfile
from automation.accounts.profile import ProfileT as ProfileT
from automation.accounts.profile import account_variable as account_variable
from automation.accounts.profile import env_key as env_key
from automation.accounts.profile import normalise_totp_secret as normalise_totp_secret
from automation.accounts.profile import validate_account_name as validate_account_name
from automation.accounts.resolve import DEFAULT_ACCOUNT as DEFAULT_ACCOUNT
from automation.accounts.resolve import check_account_variables as check_account_variables
from automation.accounts.resolve import load_accounts as load_accounts
from automation.accounts.resolve import resolve_account as resolve_account
from automation.accounts.resolve import shared_values as shared_values
