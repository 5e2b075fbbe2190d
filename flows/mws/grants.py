"""What each MWS job's result says of our developer's access, for the fleet view: its expiry
(`有効期限`, read off the permissions screen, docs/pages.md §4) and whether it lapsed."""

from __future__ import annotations

from datetime import date
from typing import Any

from automation.store import GrantFacts
from flows.site import digits


def _read(expires: object) -> GrantFacts:
    """An expiry read off the page (None: the page shows none, e.g. confirmation is off)."""
    if isinstance(expires, str) and expires:
        return GrantFacts(expires_at=expires, source="page", lapsed=False)
    return GrantFacts(lapsed=False)


def status_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """Our developer's row of a `status` result (both tables, docs/pages.md §4): active with
    its expiry, or lapsed (only in the history, or absent: no access)."""
    if not grant_id:
        return None  # which developer is ours is not known (an old result read without it)
    wanted = digits(grant_id)
    ours = [d for d in data.get("developers") or [] if digits(d.get("developer_id", "")) == wanted]
    active = [d for d in ours if d.get("state") == "active"]
    if not active:
        return GrantFacts(lapsed=True)
    return _read(active[0].get("expires_at"))


def renew_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """The access after `renew` (or as it stands, for a dry run): active with the expiry read
    back, or inactive (lapsed)."""
    if data.get("state") == "inactive":
        return GrantFacts(expires_at=data.get("expires_at"), source="page", lapsed=True)
    return _read(data.get("expires_at"))


def register_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """A grant `register` made: active, with no expiry known (the completion page shows none;
    an earlier one no longer holds: `status` or `renew` reads the new one). One it found
    (`already_granted`) says nothing new: the expiry read before stands."""
    if data.get("outcome") == "already_granted":
        return None
    return GrantFacts(lapsed=False)
