"""The fleet read from the store for one page, one `sellerauth fleet` or one scrape: results
written before the fleet summary existed are attributed to their grants first (once), the
accounts file adds the accounts no job has run on yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from automation.accounts import read_accounts_file
from automation.commands import Site
from automation.fleet.model import GrantRow, build_fleet
from automation.log import get_logger
from automation.settings import Settings
from automation.store import GrantNote, Store

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
    today = datetime.now(UTC).date()
    names, problem = configured_accounts(settings, site)
    rows = build_fleet(
        store.fleet_entries(),
        today=today,
        window_days=site.renew_window_days,
        configured=names,
        triage=site.triage,
    )
    return Fleet(rows, store.last_runs("batch"), today, problem)
