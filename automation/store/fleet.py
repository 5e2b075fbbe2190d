"""The fleet summary (`fleet` table): per account, grant and job, the latest result, written in
the same transaction as the result itself, so the fleet page and `/metrics` read one small
table instead of every result (docs/monitoring.md).

A grant is the access a job is about, named by the result key of its kind (`grant_field`, the
spec's: a developer ID, an app ID) and its value (`grant_id`, '' when it is not known: an
account whose settings could not be read). Each row keeps the job's last result (state, time,
outcome words, error with its triage), its last error even after a success, its last success
(`checked_at`) and the newest expiry a success read (`expires_*`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

from automation.store.records import JSON, ResultRecord, from_row

ExpirySource = Literal["page", "computed"]


@dataclass(frozen=True)
class GrantFacts:
    """What a successful result says of its grant's lifetime.

    - `expires_at`: the ISO date the access lapses; None: none shown (it never lapses, or the
      page gives no date).
    - `source`: `page` (read off the page) or `computed` (from the site's rule, such as 365
      days after a consent); None with no date.
    - `lapsed`: True when the page shows the access lapsed or revoked, False when it shows it
      active, None when the result does not say.
    """

    expires_at: str | None = None
    source: ExpirySource | None = None
    lapsed: bool | None = None


@dataclass(frozen=True)
class GrantNote:
    """The grant a result is about, as the fleet records it: `field` (the kind's result key),
    `grant_id` ('' when unknown), `outcome` (a few words: what the job did or the error code),
    `facts` (None: the result says nothing of the expiry, e.g. a failure or a token check)."""

    field: str
    grant_id: str
    outcome: str = ""
    facts: GrantFacts | None = None


@dataclass(frozen=True)
class FleetEntry:
    """A row of the fleet table: one account, grant and job (times are ISO-8601 UTC text,
    `expires_at` an ISO date)."""

    account: str
    grant_field: str
    grant_id: str
    command: str
    run_id: str
    state: str
    finished_at: str
    outcome: str | None
    error: dict[str, Any] | None = field(metadata=JSON)
    error_at: str | None
    checked_at: str | None
    expires_at: str | None
    expires_source: str | None
    expires_read_at: str | None
    lapsed: int | None


@dataclass(frozen=True)
class RunCounts:
    """A run with how many of its accounts ended in each state (`running`: started, no
    result; `waiting`: not started)."""

    run_id: str
    command: str
    kind: str
    started_at: str
    finished_at: str | None
    accounts: int
    counts: dict[str, int]


# FleetEntry's fields, in order, as the table's columns.
_COLUMNS = (
    "account, grant_field, grant_id, command, run_id, state, finished_at, outcome, error, "
    "error_at, checked_at, expires_at, expires_source, expires_read_at, lapsed"
)

_UPSERT = """
INSERT INTO fleet (account, grant_field, grant_id, command, run_id, state, finished_at, outcome,
                   error, error_at, checked_at, expires_at, expires_source, expires_read_at,
                   lapsed)
VALUES (:account, :grant_field, :grant_id, :command, :run_id, :state, :finished_at, :outcome,
        :error, :error_at, :checked_at, :expires_at, :expires_source, :expires_read_at, :lapsed)
ON CONFLICT (account, grant_field, grant_id, command) DO UPDATE SET
    run_id = excluded.run_id, state = excluded.state, finished_at = excluded.finished_at,
    outcome = excluded.outcome,
    error = COALESCE(excluded.error, fleet.error),
    error_at = COALESCE(excluded.error_at, fleet.error_at),
    checked_at = COALESCE(excluded.checked_at, fleet.checked_at),
    expires_at = CASE WHEN excluded.expires_read_at IS NULL THEN fleet.expires_at
                      ELSE excluded.expires_at END,
    expires_source = CASE WHEN excluded.expires_read_at IS NULL THEN fleet.expires_source
                          ELSE excluded.expires_source END,
    lapsed = CASE WHEN excluded.expires_read_at IS NULL THEN fleet.lapsed
                  ELSE excluded.lapsed END,
    expires_read_at = COALESCE(excluded.expires_read_at, fleet.expires_read_at)
WHERE excluded.finished_at >= fleet.finished_at
"""


def record_grant(
    db: sa.Connection,
    *,
    run_id: str,
    account: str,
    command: str | None,
    state: str,
    finished_at: str,
    note: GrantNote,
    error: dict[str, Any] | None,
) -> None:
    """Note on the result which grant it is about, and fold it into the fleet row of its
    account, grant and job (called inside the result's own transaction). A result about no
    grant (`note.field` '') is marked and stays out of the fleet."""
    db.execute(
        sa.text(
            "UPDATE results SET grant_field = :field, grant_id = :grant_id "
            "WHERE run_id = :run_id AND account = :account"
        ),
        {"field": note.field, "grant_id": note.grant_id, "run_id": run_id, "account": account},
    )
    if not note.field:
        return
    if command is None:
        command = db.execute(
            sa.text("SELECT command FROM runs WHERE run_id = :run_id"), {"run_id": run_id}
        ).scalar_one()
    facts = note.facts if state == "done" else None
    db.execute(
        sa.text(_UPSERT),
        {
            "account": account,
            "grant_field": note.field,
            "grant_id": note.grant_id,
            "command": command,
            "run_id": run_id,
            "state": state,
            "finished_at": finished_at,
            "outcome": note.outcome,
            "error": json.dumps(error, ensure_ascii=False) if error else None,
            "error_at": finished_at if error else None,
            "checked_at": finished_at if state == "done" else None,
            "expires_at": facts.expires_at if facts else None,
            "expires_source": facts.source if facts else None,
            "expires_read_at": finished_at if facts else None,
            "lapsed": None if facts is None or facts.lapsed is None else int(facts.lapsed),
        },
    )


class FleetQueries:
    """The store's fleet reads and the backfill of results older than the fleet table (mixed
    into `Store`, which gives `_query` and `_transaction`)."""

    _query: Callable[..., list[Any]]
    _transaction: Callable[[], AbstractContextManager[sa.Connection]]

    def fleet_entries(
        self, account: str | None = None, *, since: str | None = None
    ) -> list[FleetEntry]:
        """Every fleet row (of one account, or all; only those written at or after `since`,
        an ISO-8601 UTC time), by account, grant and job."""
        where = "WHERE account = :account" if account else ""
        if since is not None:
            where = "WHERE finished_at >= :since"
        params = {"account": account, "since": since}
        rows = self._query(
            f"SELECT {_COLUMNS} FROM fleet {where} "
            "ORDER BY account, grant_field, grant_id, command",
            params,
            raw=True,
        )
        # Built by position, not `from_row`: the fleet page reads every row of a big fleet.
        return [
            FleetEntry(*row[:8], json.loads(row[8]) if row[8] else None, *row[9:])  # type: ignore[call-arg]
            for row in rows
        ]

    def fleet_version(self) -> tuple[int, str | None]:
        """What changes whenever a result is written to the fleet summary: its row count and
        newest time (a cache of the fleet is good while this stays the same)."""
        row = self._query("SELECT COUNT(*), MAX(finished_at) FROM fleet", raw=True)[0]
        return int(row[0]), row[1]

    def account_names(self) -> list[str]:
        """Every account the store has a result of, sorted."""
        rows = self._query("SELECT DISTINCT account FROM results ORDER BY 1", raw=True)
        return [r[0] for r in rows]

    def unattributed(self, limit: int = 5000) -> list[ResultRecord]:
        """Finished results written before the fleet table existed (no grant noted yet),
        oldest first, at most `limit`."""
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) "
            "WHERE grant_field IS NULL AND state != 'running' ORDER BY finished_at LIMIT :limit",
            {"limit": limit},
        )
        return [from_row(ResultRecord, row, secrets={}) for row in rows]

    def attribute(self, notes: list[tuple[ResultRecord, GrantNote]]) -> None:
        """Write the grant notes of older results (from `unattributed`), in one transaction."""
        with self._transaction() as db:
            for record, note in notes:
                record_grant(
                    db,
                    run_id=record.run_id,
                    account=record.account,
                    command=record.command,
                    state=record.state,
                    finished_at=record.finished_at or record.started_at,
                    note=note,
                    error=record.error,
                )

    def run_counts(self, limit: int = 20, run_id: str | None = None) -> list[RunCounts]:
        """The most recent runs (or the one `run_id`), newest first, with their counts."""
        where = "WHERE run_id = :run_id" if run_id else ""
        runs = self._query(
            f"SELECT * FROM runs {where} ORDER BY started_at DESC LIMIT :limit",
            {"run_id": run_id, "limit": limit},
        )
        found = []
        for run in runs:
            counts = {
                row["state"]: row["n"]
                for row in self._query(
                    "SELECT state, COUNT(*) AS n FROM results WHERE run_id = :run_id "
                    "GROUP BY state",
                    {"run_id": run["run_id"]},
                )
            }
            accounts = len(json.loads(run["accounts"]))
            waiting = accounts - sum(counts.values())
            if waiting > 0:
                counts["waiting"] = waiting
            found.append(
                RunCounts(
                    run["run_id"],
                    run["command"],
                    run["kind"],
                    run["started_at"],
                    run["finished_at"],
                    accounts,
                    counts,
                )
            )
        return found

    def last_runs(self, kind: str = "batch") -> dict[str, str]:
        """Per job, when its last finished run of `kind` finished (ISO-8601 UTC text)."""
        rows = self._query(
            "SELECT command, MAX(finished_at) AS at FROM runs WHERE kind = :kind AND "
            "finished_at IS NOT NULL GROUP BY command",
            {"kind": kind},
        )
        return {row["command"]: row["at"] for row in rows}
