"""The export merge: an account's results, oldest first, folded into one row per account and
grant (`history export`), each field's newest value winning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automation.store.records import ResultRecord

# The column saying a row's secrets could not be revealed (encrypted with another key).
UNDECRYPTABLE = "unrevealed"
UNDECRYPTABLE_TEXT = "encrypted with another key than the store's: restore that key to read it"


def latest_per_account(
    records: list[ResultRecord], grant_fields: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per account and grant: the account's last run, and the latest value of every
    field read.

    - `records` are oldest first. Fields (seller ID, expiry, token, ...) come from successful,
      non-dry-run results, later ones winning; lists and objects are left out, and a None
      (not read this time) never hides a value read before.
    - `grant_fields` maps a command to the result field naming the access it is about
      (`CommandSpec.grant_field`: a developer ID, an app ID). A result with that field gives
      its fields to that grant's row only, so an expiry of the developer's access and one of
      an app's authorization never mix, and each app keeps its own refresh token. Fields of
      other results (a seller ID read by a job about no one grant) go to every row of the
      account. An account with no grant has one row.
    - The `last_*` columns are the account's last run of any job, on each of its rows.
    - A result whose secrets could not be decrypted (`undecryptable`: another key) hides the
      older secrets of its row and says so in the `unrevealed` column; the rest is shown.
    """
    fields_of = grant_fields or {}
    last: dict[str, dict[str, Any]] = {}
    # Each value with its record's position, so the newest wins between an account's own
    # fields and a grant's; None (not read this time) never hides a value read before.
    common: dict[str, dict[str, tuple[int, Any]]] = {}
    grants: dict[str, dict[tuple[str, str], dict[str, tuple[int, Any]]]] = {}
    secret_keys: set[str] = set()
    for position, record in enumerate(records):
        last[record.account] = {
            "last_run": record.run_id,
            "last_command": record.command,
            "last_state": record.state,
            "last_finished_at": record.finished_at,
            "last_error": (record.error or {}).get("code"),
        }
        data = record.data or {}
        if record.state != "done" or data.get("dry_run"):
            continue
        facts = {
            key: (position, value)
            for key, value in {**data, **record.secrets}.items()
            if key != "account" and isinstance(value, str | int | float | bool)
        }
        field = fields_of.get(record.command)
        grant = data.get(field) if field else None
        if field and isinstance(grant, str) and grant:
            target = grants.setdefault(record.account, {}).setdefault((field, grant), {})
        else:
            target = common.setdefault(record.account, {})
        if record.undecryptable:  # an older secret shown would pass for the current one
            for key in secret_keys:
                target.pop(key, None)
            facts[UNDECRYPTABLE] = (position, UNDECRYPTABLE_TEXT)
        elif record.secrets:
            facts[UNDECRYPTABLE] = (position, "")
        secret_keys.update(record.secrets)
        target.update(facts)
    rows: list[dict[str, Any]] = []
    for account in sorted(last):
        shared = common.get(account, {})
        own = grants.get(account, {})
        for facts in [own[key] for key in sorted(own)] or [{}]:
            newest = {
                key: max(shared.get(key, (-1, None)), facts.get(key, (-1, None)), key=_first)[1]
                for key in shared.keys() | facts.keys()
            }
            rows.append({"account": account, **last[account], **dict(sorted(newest.items()))})
    return rows


def _first(item: tuple[int, Any]) -> int:
    return item[0]
