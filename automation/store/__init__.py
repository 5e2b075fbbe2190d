"""The store: runs, per-account results, an audit trail; tokens encrypted. The SQLite file in the
state directory (WAL) by default, or a PostgreSQL database many machines share
(`SELLERAUTH_STORE_URL`), both through SQLAlchemy Core.

Modules by concern: `schema` (constants, the SQLite file's guards), `backend` (where the store
is, connecting), `migrate` and `migrations/` (the tables, by Alembic), `opening` (opening it,
failures in words), `keys` (the key and encryption), `records` (the records and the one
row-to-record mapping), `failures` (`StoreFailed`), `export` (the export merge), `intents`
(closing the write-ahead intents), `fleet` (the fleet summary: per account, grant and job, the
latest result) and `repository` (`Store`). The names below are the package's public
ones; import them from `automation.store`. (The test hook `fault` lives in `repository`, and
`BUSY_TIMEOUT_SECONDS` in `schema`: set them there.)
"""

from __future__ import annotations

from automation.store.export import latest_per_account as latest_per_account
from automation.store.failures import StoreFailed as StoreFailed
from automation.store.failures import store_failure as store_failure
from automation.store.fleet import FleetEntry as FleetEntry
from automation.store.fleet import GrantFacts as GrantFacts
from automation.store.fleet import GrantNote as GrantNote
from automation.store.fleet import RunCounts as RunCounts
from automation.store.keys import KEY_FILE as KEY_FILE
from automation.store.keys import KEY_VARIABLE as KEY_VARIABLE
from automation.store.keys import load_key as load_key
from automation.store.records import FINISHED_STATES as FINISHED_STATES
from automation.store.records import AuditRecord as AuditRecord
from automation.store.records import Intent as Intent
from automation.store.records import IntentOutcome as IntentOutcome
from automation.store.records import ResultRecord as ResultRecord
from automation.store.records import Run as Run
from automation.store.records import SecretRecord as SecretRecord
from automation.store.records import State as State
from automation.store.records import error_data as error_data
from automation.store.records import new_run_id as new_run_id
from automation.store.records import now_iso as now_iso
from automation.store.records import split_secrets as split_secrets
from automation.store.repository import Store as Store
from automation.store.schema import SCHEMA_VERSION as SCHEMA_VERSION
from automation.store.schema import STORE_FILE as STORE_FILE
