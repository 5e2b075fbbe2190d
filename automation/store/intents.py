"""How a result closes the write-ahead intents of its account (inside its transaction)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from automation.store.records import IntentOutcome, State


def close_intents(
    db: sa.Connection,
    run_id: str,
    account: str,
    state: State,
    acted: list[str],
    error: dict[str, Any] | None,
    at: str,
) -> None:
    """Close the open intents of `account` for each action in `acted`: on `done` the latest
    one `done` (older ones `not_done`: clicked again later), on a `not_confirmed` error
    `not_confirmed`; otherwise they stay open (the effect was not read back)."""
    if state == "done":
        outcome: IntentOutcome = "done"
    elif error is not None and error.get("code") == "not_confirmed":
        outcome = "not_confirmed"
    else:
        return  # the effect was not read back: the intents stay open (unknown)
    code = (error or {}).get("code")
    for action in dict.fromkeys(acted):
        ids = [
            row[0]
            for row in db.execute(
                sa.text(
                    "SELECT id FROM intents WHERE account = :account AND action = :action "
                    "AND outcome IS NULL ORDER BY id"
                ),
                {"account": account, "action": action},
            ).fetchall()
        ]
        if not ids:
            continue
        *older, latest = ids
        for intent_id, how in [(i, "not_done") for i in older] + [(latest, outcome)]:
            db.execute(
                sa.text(
                    "UPDATE intents SET outcome = :how, closed_at = :at, closed_by = :run_id, "
                    "error = :code WHERE id = :id"
                ),
                {
                    "how": how,
                    "at": at,
                    "run_id": run_id,
                    "code": code if how == outcome else None,
                    "id": intent_id,
                },
            )
