"""What a batch shows: a progress bar or JSON lines while it runs, then a summary table."""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from automation.outcome import Outcome
from automation.store import AuditRecord, ResultRecord, Run

STATE_LABELS = {
    "done": "done",
    "failed": "failed",
    "needs_person": "needs a person",
    "running": "interrupted",
}
STATE_STYLES = {"done": "green", "failed": "red", "needs_person": "yellow", "running": "magenta"}


class JsonLines:
    """One JSON object per finished account on a stream (stdout for schedulers)."""

    def __init__(self, run_id: str, stream: IO[str]) -> None:
        self.run_id = run_id
        self.stream = stream
        self._lock = threading.Lock()

    def __call__(self, outcome: Outcome) -> None:
        with self._lock:
            self.stream.write(json.dumps(outcome.line(self.run_id), ensure_ascii=False) + "\n")
            self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A rich progress bar with a count per state, for a person at a terminal."""

    def __init__(self, console: Console, label: str, total: int, already: Counter[str]) -> None:
        self.counts: Counter[str] = Counter(already)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
            # Logs printed above the bar only when they would reach this terminal anyway:
            # with stderr elsewhere (`2>file`, `2>/dev/null`) they go there and nowhere else.
            redirect_stderr=_isatty(sys.stderr),
            redirect_stdout=False,
        )
        done_before = sum(already.values())
        self._task: TaskID = self._progress.add_task(
            label, total=total, completed=done_before, counts=self._text()
        )

    def _text(self) -> str:
        parts = [
            f"[{STATE_STYLES[state]}]{STATE_LABELS[state]} {self.counts[state]}[/]"
            for state in ("done", "failed", "needs_person")
        ]
        return " · ".join(parts)

    def __call__(self, outcome: Outcome) -> None:
        self.counts[outcome.state] += 1
        self._progress.update(self._task, advance=1, counts=self._text())

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()


def summary_table(
    run: Run,
    results: Sequence[ResultRecord],
    describe: Callable[[str, dict[str, Any] | None], tuple[str, str]],
) -> Table:
    """Per account: state, outcome, expiry and error; accounts not reached shown as such.

    `describe(account, data)` is the job's outcome and expiry in a few words each."""
    by_name = {r.account: r for r in results}
    counts: Counter[str] = Counter(r.state for r in results)
    table = Table(title=f"{run.command} · run {run.run_id}", title_justify="left")
    for column in ("account", "state", "outcome", "expires", "error"):
        table.add_column(column, overflow="fold")
    for name in sorted(run.accounts):
        record = by_name.get(name)
        if record is None:
            table.add_row(name, "not reached", "-", "-", "-", style="dim")
            continue
        outcome, expires = describe(name, record.data)
        error = record.error or {}
        table.add_row(
            name,
            f"[{STATE_STYLES[record.state]}]{STATE_LABELS[record.state]}[/]",
            outcome,
            expires,
            escape(f"[{error['code']}] {error.get('message', '')}") if error else "",
        )
    table.caption = ", ".join(
        f"{counts[state]} {STATE_LABELS[state]}" for state in STATE_LABELS if counts[state]
    )
    return table


def history_table(records: Sequence[AuditRecord]) -> Table:
    """The audit trail for people: when, which run, which account, what, and what showed after."""
    table = Table(title="audit trail", title_justify="left")
    for column in ("when (UTC)", "run", "account", "action", "developer", "after"):
        table.add_column(column, overflow="fold")
    for record in records:
        after = ", ".join(f"{k} {v}" for k, v in record.after.items() if v is not None)
        table.add_row(
            *map(
                escape,
                (
                    record.at[:19].replace("T", " "),
                    record.run_id,
                    record.account,
                    record.action,
                    record.developer_id or "-",
                    after,
                ),
            )
        )
    return table


def history_json(records: Sequence[AuditRecord]) -> list[dict[str, Any]]:
    """The audit trail as JSON-ready dicts."""
    return [
        {
            "at": r.at,
            "run_id": r.run_id,
            "account": r.account,
            "action": r.action,
            "developer_id": r.developer_id,
            "after": r.after,
        }
        for r in records
    ]


LAST_RUN_COLUMNS = ("last_command", "last_state", "last_error", "last_finished_at", "last_run")


def export_columns(rows: Sequence[dict[str, Any]], first: Sequence[str] = ()) -> list[str]:
    """The export's columns: `account`, the jobs' own columns (`first`, from their specs),
    the last run's, then any other in name order."""
    seen = {key for row in rows for key in row}
    leading = list(dict.fromkeys(["account", *first, *LAST_RUN_COLUMNS]))
    return [c for c in leading if c in seen] + sorted(seen - set(leading))


def export_text(rows: Sequence[dict[str, Any]], fmt: str, first: Sequence[str] = ()) -> str:
    """The export as CSV (a header line, then one line per row) or a JSON list;
    `first`: the jobs' own columns, listed before the others."""
    columns = export_columns(rows, first)
    if fmt == "json":
        ordered = [{c: row.get(c) for c in columns} for row in rows]
        return json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    return buffer.getvalue()
