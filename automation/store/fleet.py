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
    seq: int = 0


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
    "error_at, checked_at, expires_at, expires_source, expires_read_at, lapsed, seq"
)

# Each field is merged on its own: the job's last result (run, state, time, outcome) by its
# time, the last error by its time, the last success, and the expiry by when it was read. A
# result written late (an older time, as a backfill writes) never hides a newer one's fields
# and still gives what it alone knows. `seq` orders the writes as they were committed (the
# store's writers take turns), so a reader that has seen seq N needs only rows above N.
_NEWER = "excluded.finished_at >= fleet.finished_at"
_READ_LATER = (
    "excluded.expires_read_at IS NOT NULL AND "
    "(fleet.expires_read_at IS NULL OR excluded.expires_read_at >= fleet.expires_read_at)"
)
# PostgreSQL: the transaction lock that makes `seq` follow the commits, as SQLite's one writer
# at a time does (a fixed key of its own; account locks are hashes of account names).
SEQ_LOCK_KEY = 0x5E11E2A0_7000_0002
_UPSERT = f"""
INSERT INTO fleet (account, grant_field, grant_id, command, run_id, state, finished_at, outcome,
                   error, error_at, checked_at, expires_at, expires_source, expires_read_at,
                   lapsed, seq)
VALUES (:account, :grant_field, :grant_id, :command, :run_id, :state, :finished_at, :outcome,
        :error, :error_at, :checked_at, :expires_at, :expires_source, :expires_read_at, :lapsed,
        (SELECT COALESCE(MAX(seq), 0) + 1 FROM fleet))
ON CONFLICT (account, grant_field, grant_id, command) DO UPDATE SET
    run_id = CASE WHEN {_NEWER} THEN excluded.run_id ELSE fleet.run_id END,
    state = CASE WHEN {_NEWER} THEN excluded.state ELSE fleet.state END,
    outcome = CASE WHEN {_NEWER} THEN excluded.outcome ELSE fleet.outcome END,
    finished_at = CASE WHEN {_NEWER} THEN excluded.finished_at ELSE fleet.finished_at END,
    error = CASE WHEN excluded.error_at IS NOT NULL AND
                      (fleet.error_at IS NULL OR excluded.error_at >= fleet.error_at)
                 THEN excluded.error ELSE fleet.error END,
    error_at = CASE WHEN excluded.error_at IS NOT NULL AND
                         (fleet.error_at IS NULL OR excluded.error_at >= fleet.error_at)
                    THEN excluded.error_at ELSE fleet.error_at END,
    checked_at = CASE WHEN excluded.checked_at IS NOT NULL AND
                           (fleet.checked_at IS NULL OR excluded.checked_at >= fleet.checked_at)
                      THEN excluded.checked_at ELSE fleet.checked_at END,
    expires_at = CASE WHEN {_READ_LATER} THEN excluded.expires_at ELSE fleet.expires_at END,
    expires_source = CASE WHEN {_READ_LATER} THEN excluded.expires_source
                          ELSE fleet.expires_source END,
    lapsed = CASE WHEN {_READ_LATER} THEN excluded.lapsed ELSE fleet.lapsed END,
    expires_read_at = CASE WHEN {_READ_LATER} THEN excluded.expires_read_at
                           ELSE fleet.expires_read_at END,
    seq = excluded.seq
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
    account, grant and job (called inside the result's own transaction).

    - A result about no grant (`note.field` '') is marked and stays out of the fleet.
    - A result whose grant is not known (`note.grant_id` '': a failure before the job's
      settings were read) goes to the account's one grant of that kind when it has exactly
      one; otherwise to a row of its own, which the job's next result about a known grant
      replaces.
    """
    if command is None:
        command = db.execute(
            sa.text("SELECT command FROM runs WHERE run_id = :run_id"), {"run_id": run_id}
        ).scalar_one()
    where = {"account": account, "field": note.field, "command": command}
    grant = note.grant_id
    if note.field and not grant:
        known = db.execute(
            sa.text(
                "SELECT DISTINCT grant_id FROM fleet WHERE account = :account AND "
                "grant_field = :field AND grant_id != ''"
            ),
            where,
        ).fetchall()
        grant = known[0][0] if len(known) == 1 else ""
    elif note.field:
        db.execute(
            sa.text(
                "DELETE FROM fleet WHERE account = :account AND grant_field = :field AND "
                "grant_id = '' AND command = :command"
            ),
            where,
        )
    db.execute(
        sa.text(
            "UPDATE results SET grant_field = :field, grant_id = :grant_id "
            "WHERE run_id = :run_id AND account = :account"
        ),
        {"field": note.field, "grant_id": grant, "run_id": run_id, "account": account},
    )
    if not note.field:
        return
    if db.dialect.name == "postgresql":  # seq in commit order: one fleet writer at a time
        db.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQ_LOCK_KEY})
    facts = note.facts if state == "done" and grant == note.grant_id else None
    db.execute(
        sa.text(_UPSERT),
        {
            "account": account,
            "grant_field": note.field,
            "grant_id": grant,
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
        self, account: str | None = None, *, after: int | None = None
    ) -> list[FleetEntry]:
        """Every fleet row (of one account, or all; only those written after the write `after`,
        a `fleet_version` seq), by account, grant and job."""
        where = "WHERE account = :account" if account else ""
        if after is not None:
            where = "WHERE seq > :after"
        params = {"account": account, "after": after}
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

    def fleet_version(self) -> tuple[int, int, int]:
        """What changes whenever the fleet summary changes: its row count, its last write's
        seq and the sum of its rows' seqs (a row dropped changes it); a cache of the fleet is
        good while this stays the same."""
        row = self._query(
            "SELECT COUNT(*), COALESCE(MAX(seq), 0), COALESCE(SUM(seq), 0) FROM fleet", raw=True
        )[0]
        return int(row[0]), int(row[1]), int(row[2])

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

    def unknown_grants(self) -> list[tuple[str, str, str]]:
        """(account, grant field, its one known grant) where the account has fleet rows of an
        unknown grant ('') besides exactly one known grant of that kind."""
        rows = self._query(
            "SELECT account, grant_field, MIN(grant_id), COUNT(DISTINCT grant_id) FROM fleet "
            "WHERE grant_id != '' AND (account, grant_field) IN (SELECT account, grant_field "
            "FROM fleet WHERE grant_id = '') GROUP BY account, grant_field",
            raw=True,
        )
        return [(a, f, g) for a, f, g, n in rows if n == 1]

    def results_of_unknown_grant(self, account: str, field: str) -> list[ResultRecord]:
        """The account's finished results of `field`'s kind whose grant is not known, oldest
        first (to be written again with it: `attribute(..., forget=(account, field))`)."""
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) WHERE "
            "account = :account AND grant_field = :field AND grant_id = '' AND "
            "state != 'running' ORDER BY finished_at",
            {"account": account, "field": field},
        )
        return [from_row(ResultRecord, row, secrets={}) for row in rows]

    def attribute(
        self,
        notes: list[tuple[ResultRecord, GrantNote]],
        forget: tuple[str, str] | None = None,
    ) -> None:
        """Write the grant notes of older results (from `unattributed`), in one transaction;
        `forget` (account, grant field): its fleet rows of an unknown grant are dropped first
        (the results they came from are among `notes`)."""
        with self._transaction() as db:
            if forget is not None:
                db.execute(
                    sa.text(
                        "DELETE FROM fleet WHERE account = :account AND grant_field = :field "
                        "AND grant_id = ''"
                    ),
                    {"account": forget[0], "field": forget[1]},
                )
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
        """Per job, when its last finished run of `kind` finished (ISO-8601 UTC text); a dry
        run (option `dry_run`) does not count: it changed nothing."""
        rows = self._query(
            "SELECT command, finished_at, options FROM runs WHERE kind = :kind AND "
            "finished_at IS NOT NULL",
            {"kind": kind},
        )
        found: dict[str, str] = {}
        for row in rows:
            if json.loads(row["options"] or "{}").get("dry_run"):
                continue
            if row["finished_at"] > found.get(row["command"], ""):
                found[row["command"]] = row["finished_at"]
        return found
