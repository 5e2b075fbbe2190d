"""The fleet, as the fleet page, `sellerauth fleet` and `/metrics` show it: one row per account
and grant, with its state (docs/monitoring.md "States"), built from the store's fleet summary.

A grant's state comes from each job's latest result about it, so a later read by one job
never hides another job's failure. A job's failure stands until that job succeeds, or a job
the site names for its error code (`Rules.resolved_by`) succeeds later: on the same grant, or,
for a sign-in problem (`Rules.account_wide`), on any grant of the account. The first state
that applies wins:

1. `needs_person`: a standing failure needs a person (a captcha, an e-mailed code);
2. `failing`: a failure stands;
3. `lapsed`: the access lapsed or was revoked, or its expiry date has passed;
4. `due`: it expires within the renew window;
5. `never_checked`: no job about it has succeeded yet;
6. `ok`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from automation.store import FleetEntry

GrantState = Literal["needs_person", "failing", "lapsed", "due", "never_checked", "ok"]
# The states, most urgent first (the order of the counts, the sort by state, the chart).
STATES: tuple[GrantState, ...] = ("needs_person", "failing", "lapsed", "due", "never_checked", "ok")
STATE_LABELS: dict[GrantState, str] = {
    "needs_person": "Needs a person",
    "failing": "Failing",
    "lapsed": "Lapsed",
    "due": "Due",
    "never_checked": "Never checked",
    "ok": "OK",
}
SORTS = ("state", "account", "expires", "checked")
Triage = Callable[[Mapping[str, Any]], dict[str, str] | None]


@dataclass(frozen=True)
class JobState:
    """One job's latest result about a grant."""

    command: str
    state: str
    finished_at: str
    outcome: str
    run_id: str


@dataclass(frozen=True)
class Rules:
    """How rows are worked out: `window_days` (the renew window: due within it), `triage`
    (the site's, for errors stored before results carried theirs), `resolved_by` (an error
    code -> the jobs whose later success resolves it, besides the failed job's own) and
    `account_wide` (codes a success on any grant of the account resolves: sign-in problems)."""

    window_days: int = 30
    triage: Triage | None = None
    resolved_by: Mapping[str, frozenset[str]] = field(default_factory=dict)
    account_wide: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GrantRow:
    """One account and grant. `grant_field` '' with `grant_id` '': an account of the accounts
    file no job has run on yet. Times are ISO-8601 UTC text; `expires_at` an ISO date."""

    account: str
    grant_field: str
    grant_id: str
    state: GrantState
    expires_at: str | None = None
    expires_source: str | None = None
    days_left: int | None = None
    last_check: JobState | None = None
    last_error: dict[str, Any] | None = None
    last_error_at: str | None = None
    triage: dict[str, str] | None = None
    jobs: tuple[JobState, ...] = field(default=())
    failing: tuple[str, ...] = ()

    @property
    def failing_jobs(self) -> list[str]:
        """The jobs whose failure about this grant stands (not resolved since)."""
        return list(self.failing)


def build_fleet(
    entries: Iterable[FleetEntry],
    *,
    today: date,
    rules: Rules,
    configured: Iterable[str] = (),
) -> list[GrantRow]:
    """One row per account and grant of the store's fleet `entries`, plus one `never_checked`
    row per `configured` account the store knows nothing of; sorted by account and grant."""
    grouped: dict[tuple[str, str, str], list[FleetEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.account, entry.grant_field, entry.grant_id), []).append(entry)
    successes: dict[str, dict[str, str]] = {}
    for (account, _, _), found in grouped.items():
        successes[account] = account_successes(found, successes.get(account))
    rows = [
        grant_row(key, found, today, rules, successes[key[0]])
        for key, found in sorted(grouped.items())
    ]
    return sorted(rows + never_checked(configured, set(successes)), key=by_grant)


def account_successes(
    entries: Iterable[FleetEntry], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Per job, its newest success among `entries` (and `known`, the same from other grants
    of the account): ISO-8601 UTC text."""
    found = dict(known or {})
    for e in entries:
        if e.checked_at and e.checked_at > found.get(e.command, ""):
            found[e.command] = e.checked_at
    return found


def never_checked(configured: Iterable[str], known: set[str]) -> list[GrantRow]:
    """A `never_checked` row for each configured account not `known` to the store."""
    return [GrantRow(name, "", "", "never_checked") for name in configured if name not in known]


def by_grant(row: GrantRow) -> tuple[str, str, str]:
    """The rows' order: by account, grant kind, grant."""
    return row.account, row.grant_field, row.grant_id


def grant_row(
    key: tuple[str, str, str],
    entries: list[FleetEntry],
    today: date,
    rules: Rules,
    successes: Mapping[str, str] | None = None,
) -> GrantRow:
    """The row of one account and grant (`key`: account, grant field, grant ID) from the
    fleet entries of its jobs (module docstring: the states); `successes`: per job, its
    newest success on any grant of the account (`account_successes`)."""
    account, grant_field, grant_id = key
    entries = sorted(entries, key=lambda e: e.command)
    jobs = tuple(
        JobState(e.command, e.state, e.finished_at, e.outcome or "", e.run_id) for e in entries
    )
    standing = [e for e in entries if _stands(e, entries, rules, successes or {})]
    states = {e.state for e in standing}
    newest = last_error = None
    checked = False
    for e in entries:
        checked = checked or e.checked_at is not None
        if e.expires_read_at and (
            newest is None or e.expires_read_at > (newest.expires_read_at or "")
        ):
            newest = e
        if e.error and (last_error is None or (e.error_at or "") > (last_error.error_at or "")):
            last_error = e
    if standing:  # the error shown is one that stands, the newest of them
        last_error = max(standing, key=lambda e: e.error_at or e.finished_at)
    expires = newest.expires_at if newest else None
    days_left = (date.fromisoformat(expires) - today).days if expires else None
    error = last_error.error if last_error else None
    found_triage = None
    if error is not None:
        found_triage = error.get("triage") or (rules.triage(error) if rules.triage else None)
    if "needs_person" in states:
        state: GrantState = "needs_person"
    elif states:
        state = "failing"
    elif (newest is not None and newest.lapsed) or (days_left is not None and days_left < 0):
        state = "lapsed"
    elif days_left is not None and days_left <= rules.window_days:
        state = "due"
    elif not checked:
        state = "never_checked"
    else:
        state = "ok"
    return GrantRow(
        account,
        grant_field,
        grant_id,
        state,
        expires_at=expires,
        expires_source=newest.expires_source if newest else None,
        days_left=days_left,
        last_check=max(jobs, key=lambda job: job.finished_at),
        last_error=error,
        last_error_at=last_error.error_at if last_error else None,
        triage=found_triage,
        jobs=jobs,
        failing=tuple(e.command for e in standing),
    )


def _stands(
    entry: FleetEntry, entries: list[FleetEntry], rules: Rules, successes: Mapping[str, str]
) -> bool:
    """Whether a job's latest result is a failure not resolved since (`Rules`)."""
    if entry.state == "done":
        return False
    code = str((entry.error or {}).get("code", ""))
    jobs = rules.resolved_by.get(code, frozenset())
    if code in rules.account_wide:
        return not any(successes.get(job, "") > entry.finished_at for job in jobs)
    return not any(e.command in jobs and (e.checked_at or "") > entry.finished_at for e in entries)


@dataclass(frozen=True)
class FleetQuery:
    """What a person asked to see: by `state`, by `job` (grants a job has run on), a part of
    the account's name (`search`), expiring within `expiring_within` days (lapsed included),
    sorted by one of `SORTS` (`descending` to reverse)."""

    state: str | None = None
    job: str | None = None
    search: str | None = None
    expiring_within: int | None = None
    sort: str = "state"
    descending: bool = False


def select(rows: list[GrantRow], query: FleetQuery) -> list[GrantRow]:
    """The rows `query` asks for, in its order."""
    found = [
        row
        for row in rows
        if (query.state is None or row.state == query.state)
        and (query.job is None or any(job.command == query.job for job in row.jobs))
        and (not query.search or query.search.strip().lower() in row.account.lower())
        and (
            query.expiring_within is None
            or row.state == "lapsed"
            or (row.days_left is not None and row.days_left <= query.expiring_within)
        )
    ]
    return sorted(found, key=_sort_key(query.sort), reverse=query.descending)


def _sort_key(sort: str) -> Callable[[GrantRow], Any]:
    rank = {state: n for n, state in enumerate(STATES)}
    if sort == "account":
        return lambda row: (row.account, row.grant_field, row.grant_id)
    if sort == "expires":
        return lambda row: (row.expires_at is None, row.expires_at or "", row.account)
    if sort == "checked":
        return lambda row: (row.last_check.finished_at if row.last_check else "", row.account)
    return lambda row: (rank[row.state], row.days_left is None, row.days_left or 0, row.account)


def counts(rows: Iterable[GrantRow]) -> dict[GrantState, int]:
    """How many rows are in each state, every state listed (most urgent first)."""
    found = dict.fromkeys(STATES, 0)
    for row in rows:
        found[row.state] += 1
    return found


def account_states(rows: Iterable[GrantRow]) -> dict[str, GrantState]:
    """Each account's most urgent grant state."""
    rank = {state: n for n, state in enumerate(STATES)}
    found: dict[str, GrantState] = {}
    for row in rows:
        if row.account not in found or rank[row.state] < rank[found[row.account]]:
            found[row.account] = row.state
    return found


def expiry_weeks(rows: Iterable[GrantRow], today: date, weeks: int = 13) -> list[tuple[date, int]]:
    """How many grants lapse in each of the next `weeks` weeks: (the week's first day, count),
    week 1 starting today; grants already lapsed are not counted."""
    found = [0] * weeks
    for row in rows:
        if row.days_left is not None and 0 <= row.days_left < 7 * weeks:
            found[row.days_left // 7] += 1
    return [(today + timedelta(days=7 * n), count) for n, count in enumerate(found)]
