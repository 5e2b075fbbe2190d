"""What the store holds, as records: runs, results, audit events, secrets' history, intents; and
the one mapping from a table row to its record (`from_row`).

A record's fields are named after its table's columns. A field whose column holds JSON text is
marked `JSON` and decoded; a field marked `SEALED` holds what the repository decrypted and is
never read from the row.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, SecretStr

from automation.errors import SellerAuthError
from automation.log import redact

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

State = Literal["running", "done", "failed", "needs_person"]
FINISHED_STATES: tuple[State, ...] = ("done", "failed", "needs_person")

# How an intent (an acting click noted before it was made) was closed: its effect read back
# (`done`), clicked but not shown (`not_confirmed`), or clicked again later because the effect
# was not there (`not_done`: that click did not take). Open (None): the run died or stopped
# between the click and reading its effect back; shown as `unknown`.
IntentOutcome = Literal["done", "not_confirmed", "not_done"]

# Field metadata: the column holds JSON text (NULL or empty: None).
JSON = MappingProxyType({"stored_as": "json"})
# Field metadata: the column holds an encrypted blob; the repository passes the value, decrypted.
SEALED = MappingProxyType({"stored_as": "sealed"})


def now_iso() -> str:
    """The current UTC time as an ISO-8601 string that sorts (microseconds, `Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id() -> str:
    """A run ID that sorts by start time and is unique: `20261126T234400Z-3f2a9c`."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@dataclass(frozen=True)
class Run:
    """A batch or single-account run: its command, options and the accounts it covers."""

    run_id: str
    command: str
    kind: str
    options: dict[str, Any] = field(metadata=JSON)
    accounts: list[str] = field(metadata=JSON)
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class ResultRecord:
    """One account's result in one run; `data` never holds a secret."""

    run_id: str
    account: str
    state: State
    attempts: int
    started_at: str
    finished_at: str | None
    seconds: float | None
    data: dict[str, Any] | None = field(metadata=JSON)
    error: dict[str, Any] | None = field(metadata=JSON)
    command: str = ""
    secrets: dict[str, str] = field(default_factory=dict, metadata=SEALED)
    # Asked to reveal, its secrets were encrypted with another key than the store's now.
    undecryptable: bool = field(default=False, metadata=SEALED)
    # Who the run was signed in as (`AccountProfile.session_identity` as JSON; None: unknown).
    identity: str | None = None


@dataclass(frozen=True)
class AuditRecord:
    """A row of the audit trail."""

    id: int
    at: str
    run_id: str
    account: str
    developer_id: str | None
    action: str
    after: dict[str, Any] = field(metadata=JSON)


@dataclass(frozen=True)
class SecretRecord:
    """One value a secret had in an account's results (`Store.secret_history`): the run that
    brought it, that result's public data, and the run whose new value replaced it."""

    run_id: str
    finished_at: str
    data: dict[str, Any] = field(metadata=JSON)
    value: str = field(repr=False, metadata=SEALED)
    replaced_by: str | None = None


@dataclass(frozen=True)
class Intent:
    """An acting click, recorded before it was made, and how it ended (None: never closed)."""

    id: int
    at: str
    run_id: str
    account: str
    developer_id: str | None
    action: str
    outcome: IntentOutcome | None
    closed_at: str | None
    closed_by: str | None
    error: str | None

    @property
    def shown_outcome(self) -> str:
        """The outcome as `history` shows it: `unknown` for an intent never closed."""
        return self.outcome or "unknown"


RecordT = TypeVar("RecordT", bound="DataclassInstance")


def from_row(record: type[RecordT], row: Mapping[str, Any], **given: Any) -> RecordT:
    """The `record` a row of its table (or a join) holds: each field from its column (decoded
    when marked `JSON`), `given` values instead where passed (a `SEALED` field, decrypted, or
    a value the caller has already decoded). A field with neither keeps its default."""
    columns = set(row.keys())
    values: dict[str, Any] = {}
    for item in fields(record):
        stored_as = item.metadata.get("stored_as")
        if item.name in given:
            values[item.name] = given[item.name]
        elif item.name in columns and stored_as != "sealed":
            value = row[item.name]
            if stored_as == "json":
                value = json.loads(value) if value else None
            values[item.name] = value
    return record(**values)


def split_secrets(result: BaseModel) -> tuple[dict[str, Any], dict[str, str]]:
    """A result as JSON-ready data without its `SecretStr` fields, and those fields apart."""
    hidden = {name: value for name, value in result if isinstance(value, SecretStr)}
    public = result.model_dump(mode="json", exclude=set(hidden))
    return public, {name: value.get_secret_value() for name, value in hidden.items()}


def error_data(error: SellerAuthError) -> dict[str, Any]:
    """An error as stored and printed: its code and redacted message, page and screenshot."""
    data = error.to_dict()
    data["message"] = redact(str(data["message"]))
    return data
