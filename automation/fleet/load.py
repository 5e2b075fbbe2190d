"""The fleet read from the store for one page, one `sellerauth fleet` or one scrape: results
written before the fleet summary existed are attributed to their grants first (once), the
accounts file adds the accounts no job has run on yet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from automation.accounts import AccountProfile, load_accounts, read_accounts_file, resolve_account
from automation.commands import CommandSpec, Site
from automation.errors import SellerAuthError
from automation.fleet.model import (
    GrantRow,
    Rules,
    account_successes,
    by_grant,
    grant_row,
    never_checked,
)
from automation.log import get_logger
from automation.settings import Settings
from automation.store import FleetEntry, GrantNote, ResultRecord, Store

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


def backfill(store: Store, site: Site, settings: Settings) -> int:
    """Attribute every result older than the fleet summary to its grant, as a run does now
    (`CommandSpec.grant_note`, with the account's settings where they can be read: the
    accounts file, the default account), then give the results whose grant stayed unknown
    the account's one grant of that kind where it has exactly one; how many results were
    attributed. Idempotent: attributed results are never read again."""
    specs = {spec.name: spec for spec in site.commands}
    profiles = _profiles(settings, site)
    done = 0
    while older := store.unattributed():
        store.attribute([(r, _note(specs, r, profiles.get(r.account))) for r in older])
        done += len(older)
    for account, field, grant in store.unknown_grants():
        records = store.results_of_unknown_grant(account, field)
        notes = [(r, _note(specs, r, profiles.get(account), grant)) for r in records]
        store.attribute(notes, forget=(account, field))
    if done:
        log.info("fleet_backfilled", results=done)
    return done


def _note(
    specs: dict[str, CommandSpec[Any, Any]],
    record: ResultRecord,
    profile: AccountProfile | None,
    grant: str | None = None,
) -> GrantNote:
    """The grant note of an older result (a result about no grant: field '')."""
    spec = specs.get(record.command)
    try:
        written = date.fromisoformat((record.finished_at or record.started_at)[:10])
        note = spec.grant_note(record.data, record.error, profile, written, grant) if spec else None
    except Exception as error:  # a site hook failing on an old result
        log.warning("grant_note_failed", problem=type(error).__name__)
        note = None
    return note or GrantNote("", "")


def _profiles(settings: Settings, site: Site) -> dict[str, AccountProfile]:
    """The accounts whose settings can be read here (the accounts file's, the default one);
    the others are left out (their grants come from their results)."""
    found: dict[str, AccountProfile] = {}
    try:
        loaded = load_accounts(settings, site.account_model)
        found.update({n: p for n, p in loaded.items() if isinstance(p, AccountProfile)})
    except SellerAuthError:
        pass
    try:
        default = resolve_account(settings, None, model=site.account_model)
        found.setdefault(default.name, default)
    except SellerAuthError:
        pass
    return found


def described(record: ResultRecord, site: Site) -> dict[str, Any]:
    """A result as the account page and `runs show` show it: `action` (its job's summary in
    a few words; '-' when there is none), `error` ({} when none) and `triage` (stored with it,
    or the site's for an older one; None without an error)."""
    spec = next((s for s in site.commands if s.name == record.command), None)
    action = "-"
    if spec is not None and record.data:
        try:
            action = spec.summary(record.data, None)[0]
        except Exception:  # an old result its job's summary no longer reads
            action = "-"
    error = record.error or {}
    triage = error.get("triage") or (site.triage(error) if error and site.triage else None)
    return {"action": action, "error": error, "triage": triage}


def configured_accounts(settings: Settings, site: Site) -> tuple[list[str], str | None]:
    """The accounts file's account names, and its problem (None: read, or no file)."""
    if settings.accounts_file is None:
        return [], None
    try:
        return sorted(read_accounts_file(settings.accounts_file, site.account_model)), None
    except Exception as error:  # the fleet is still shown, without the never-checked ones
        return [], str(error)


def rules_of(site: Site) -> Rules:
    """The site's rules for working out each grant's state."""
    return Rules(
        window_days=site.renew_window_days,
        triage=site.triage,
        resolved_by=site.resolved_by,
        account_wide=site.account_wide_codes,
    )


def load_fleet(store: Store, settings: Settings, site: Site) -> Fleet:
    """The fleet now, from `store` (see the module's docstring)."""
    return FleetCache(store, settings, site).fleet()


Key = tuple[str, str, str]


class FleetCache:
    """The fleet, and what is made from it (the metrics' text), kept between requests: an
    unchanged store costs one small query; when results were written, only the fleet rows
    written since (by their commit-ordered `seq`) are read and only their grants worked out
    again (all of it again when the accounts file or the day changed). Safe to share between
    the server's threads: one of them brings it up to date while the others wait."""

    def __init__(self, store: Store, settings: Settings, site: Site) -> None:
        self.store, self.settings, self.site = store, settings, site
        self._lock = threading.RLock()
        self._version: tuple[Any, ...] | None = None
        self._fleet: Fleet | None = None
        self._made: dict[str, Any] = {}
        self._jobs: dict[Key, dict[str, FleetEntry]] = {}
        self._rows: dict[Key, GrantRow] = {}
        self._accounts: tuple[int | None, list[str], str | None] = (None, [], None)

    def _names(self) -> tuple[int | None, list[str], str | None]:
        """The accounts file's names and problem, read again only when the file changed."""
        path = self.settings.accounts_file
        try:
            stamp = path.stat().st_mtime_ns if path is not None else None
        except OSError:
            stamp = None
        if stamp is None or stamp != self._accounts[0]:
            self._accounts = (stamp, *configured_accounts(self.settings, self.site))
        return self._accounts

    def fleet(self) -> Fleet:
        """The fleet now (brought up to date if anything changed)."""
        with self._lock:
            count, seq, total = self.store.fleet_version()
            stamp, names, problem = self._names()
            today = datetime.now(UTC).date()
            version = (count, seq, total, stamp, today)
            if self._fleet is not None and version == self._version:
                return self._fleet
            previous, self._version, self._made = self._version, version, {}
            if previous is None or previous[3:] != version[3:]:
                changed = self._load(self.store.fleet_entries(), everything=True)
            else:
                changed = self._load(self.store.fleet_entries(after=previous[1]), everything=False)
            held = [entry.seq for jobs in self._jobs.values() for entry in jobs.values()]
            if (len(held), sum(held)) != (count, total):  # a row was dropped: read it all
                changed = self._load(self.store.fleet_entries(), everything=True)
            # A success on one grant may resolve a sign-in failure on another of the account:
            # every grant of a changed account is worked out again.
            accounts = {account for account, _, _ in changed}
            by_account: dict[str, list[Key]] = {}
            for key in self._jobs:
                if key[0] in accounts:
                    by_account.setdefault(key[0], []).append(key)
            rules = rules_of(self.site)
            for keys in by_account.values():
                successes: dict[str, str] = {}
                for key in keys:
                    successes = account_successes(self._jobs[key].values(), successes)
                for key in keys:
                    entries = list(self._jobs[key].values())
                    self._rows[key] = grant_row(key, entries, today, rules, successes)
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
        for key in [k for k, jobs in self._jobs.items() if not jobs]:
            del self._jobs[key]
        return changed

    def made(self, name: str, make: Callable[[Fleet], Any]) -> Any:
        """`make(fleet)` of the fleet now, kept under `name` until the fleet changes."""
        with self._lock:
            fleet = self.fleet()
            if name not in self._made:
                self._made[name] = make(fleet)
            return self._made[name]
