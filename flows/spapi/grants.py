"""What each SP-API job's result says of the app's authorization, for the fleet view: its
expiry (Manage Your Apps' `有効期限`, docs/pages.md §7) and whether it lapsed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from automation.store import GrantFacts

# A public app's authorization lasts 365 days from the consent (docs/pages.md §7): the expiry
# when Manage Your Apps shows none after a consent.
AUTHORIZATION_LIFETIME = timedelta(days=365)


def _after_consent(expires: object, on: date) -> GrantFacts:
    """The expiry read after a consent, or computed from the consent's day `on` when the page
    showed none."""
    if isinstance(expires, str) and expires:
        return GrantFacts(expires_at=expires, source="page", lapsed=False)
    computed = (on + AUTHORIZATION_LIFETIME).isoformat()
    return GrantFacts(expires_at=computed, source="computed", lapsed=False)


def authorize_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """`authorize`: authorized now (or already): active, the expiry read or computed."""
    return _after_consent(data.get("expires_at"), on)


def app_status_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """Our app's row of Manage Your Apps: its status and expiry; no row: not authorized."""
    ours = [app for app in data.get("apps") or [] if app.get("ours")]
    if len(ours) != 1:
        return GrantFacts(lapsed=True) if not ours else None
    expires = ours[0].get("expires_at")
    return GrantFacts(
        expires_at=expires or None,
        source="page" if expires else None,
        lapsed=ours[0].get("status") != "active",
    )


def app_renew_facts(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """`app-renew`: after a consent, the new expiry (read, or computed); with nothing done,
    the expiry as read (a dry run that would enable or authorize: lapsed)."""
    if data.get("action") in ("reauthorized", "enabled", "authorized"):
        return _after_consent(data.get("expires_at"), on)
    lapsed = bool({"enable", "authorize"} & set(data.get("would_do") or []))
    expires = data.get("expires_at")
    return GrantFacts(expires_at=expires or None, source="page" if expires else None, lapsed=lapsed)
