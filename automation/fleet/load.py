"""The fleet read from the store for one page, one `sellerauth fleet` or one scrape: results
written before the fleet summary existed are attributed to their grants first (once), the
accounts file adds the accounts no job has run on yet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from automation.accounts import read_accounts_file
from automation.commands import Site
from automation.fleet.model import GrantRow, by_grant, grant_row, never_checked
from automation.log import get_logger
from automation.settings import Settings
from automation.store import FleetEntry, GrantNote, Store

log = get_logger(__name__)


@dataclass(frozen=True)
class Fleet:
    """The fleet at one moment: its rows (one per account and grant), per job when its last
    batch finished (ISO-8601 UTC text), `today` (UTC) and the accounts file's problem, if
    any (its accounts are then missing from the never-checked ones)."""

    rows: list[GrantRow]
    last_batches: dict[str, str]
    today: date
    accounts_problem: str | None = None


def backfill(store: Store, site: Site) -> int:
    """Attribute every result older than the fleet summary to its grant, as a run does now
    (`CommandSpec.grant_note`, without the account's settings: the grant the result names,
    or for an error the one grant of that kind the account's other results name); how many
    results were attributed. Idempotent: attributed results are never read again."""
    specs = {spec.name: spec for spec in site.commands}
    done = 0
    while older := store.unattributed():
        notes = []
        for record in older:
            spec = specs.get(record.command)
            try:
                written = date.fromisoformat((record.finished_at or record.started_at)[:10])
                note = spec.grant_note(record.data, record.error, None, written) if spec else None
            except Exception as error:  # a site hook failing on an old result
                log.warning("grant_note_failed", problem=type(error).__name__)
                note = None
            notes.append((record, note or GrantNote("", "")))
        known: dict[tuple[str, str], set[str]] = {}
        for record, note in notes:
            if note.grant_id:
                known.setdefault((record.account, note.field), set()).add(note.grant_id)
        for n, (record, note) in enumerate(notes):
            only = known.get((record.account, note.field), set())
            if note.field and not note.grant_id and len(only) == 1:
                notes[n] = (record, GrantNote(note.field, next(iter(only)), note.outcome))
        store.attribute(notes)
        done += len(older)
    if done:
        log.info("fleet_backfilled", results=done)
    return done


def configured_accounts(settings: Settings, site: Site) -> tuple[list[str], str | None]:
    """The accounts file's account names, and its problem (None: read, or no file)."""
    if settings.accounts_file is None:
        return [], None
    try:
        return sorted(read_accounts_file(settings.accounts_file, site.account_model)), None
    except Exception as error:  # the fleet is still shown, without the never-checked ones
        return [], str(error)


def load_fleet(store: Store, settings: Settings, site: Site) -> Fleet:
    """The fleet now, from `store` (see the module's docstring)."""
    return FleetCache(store, settings, site).fleet()


# A result's fleet row is committed within this time of the time written in it (a
# transaction of one result), so rows changed since the last load are read with this overlap:
# one another process committed late is not missed.
OVERLAP = timedelta(minutes=10)
Key = tuple[str, str, str]


class FleetCache:
    """The fleet, and what is made from it (the metrics' text), kept between requests: an
    unchanged store costs one small query; when results were written, only the rows written
    since the last load are read and only their grants worked out again (all of it again when
    the accounts file or the day changed). Safe to share between the server's threads."""

    def __init__(self, store: Store, settings: Settings, site: Site) -> None:
        self.store, self.settings, self.site = store, settings, site
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self._fleet: Fleet | None = None
        self._made: dict[str, Any] = {}
        self._jobs: dict[Key, dict[str, FleetEntry]] = {}
        self._rows: dict[Key, GrantRow] = {}

    def _stamp(self) -> tuple[int | None, date]:
        accounts = self.settings.accounts_file
        try:
            stamp = accounts.stat().st_mtime_ns if accounts is not None else None
        except OSError:
            stamp = None
        return stamp, datetime.now(UTC).date()

    def fleet(self) -> Fleet:
        """The fleet now (brought up to date if anything changed)."""
        count, newest = self.store.fleet_version()
        version = (count, newest, *self._stamp())
        with self._lock:
            if self._fleet is not None and version == self._version:
                return self._fleet
            previous, self._version, self._made = self._version, version, {}
            if previous is None or previous[2:] != version[2:] or previous[1] is None:
                changed = self._load(self.store.fleet_entries(), everything=True)
            else:
                since = _minus(previous[1], OVERLAP)
                changed = self._load(self.store.fleet_entries(since=since), everything=False)
            if sum(len(jobs) for jobs in self._jobs.values()) != count:  # a row went away
                changed = self._load(self.store.fleet_entries(), everything=True)
            today = version[3]
            for key in changed:
                self._rows[key] = grant_row(
                    key,
                    list(self._jobs[key].values()),
                    today,
                    self.site.renew_window_days,
                    self.site.triage,
                )
            names, problem = configured_accounts(self.settings, self.site)
            never = never_checked(names, {account for account, _, _ in self._rows})
            rows = sorted([*self._rows.values(), *never], key=by_grant)
            self._fleet = Fleet(rows, self.store.last_runs("batch"), today, problem)
            return self._fleet

    def _load(self, entries: list[FleetEntry], *, everything: bool) -> set[Key]:
        """Take `entries` in (all of them: forget the rest); the grants they touch."""
        if everything:
            self._jobs, self._rows = {}, {}
        changed = set()
        for entry in entries:
            key = (entry.account, entry.grant_field, entry.grant_id)
            self._jobs.setdefault(key, {})[entry.command] = entry
            changed.add(key)
        return changed

    def made(self, name: str, make: Callable[[Fleet], Any]) -> Any:
        """`make(fleet)`, kept under `name` until the fleet changes."""
        fleet = self.fleet()
        with self._lock:
            if name not in self._made:
                self._made[name] = make(fleet)
            return self._made[name]


def _minus(iso: str, delta: timedelta) -> str:
    """An ISO-8601 UTC time (`...Z`) `delta` earlier, in the store's format."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")) - delta
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
