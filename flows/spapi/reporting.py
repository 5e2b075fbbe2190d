"""How the SP-API jobs' results read to people and the audit trail (docs/spapi.md): audit rules,
batch summaries, terminal output with the refresh token masked.

Each function works on a result's public data (`model_dump(mode="json")`; the store's copy has
the refresh token split off, a single run's output has it in clear and masks it here).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from rich.table import Table

from automation.audit import AuditEvent

if TYPE_CHECKING:
    from rich.console import Console

    from automation.accounts import AccountProfile

RENEW_AUDIT_ACTIONS = {
    "reauthorized": "reauthorize",
    "enabled": "enable",
    "authorized": "authorize",
}


class _Replacing(Protocol):
    """Options that know the run whose refresh token a new one replaces."""

    @property
    def replaces(self) -> str | None: ...


def mask_token(token: str | None) -> str:
    """A refresh token as a person may see it: its kind prefix (`Atzr|`) and last four
    characters, e.g. `Atzr|…x9Qe`; `-` when there is none, `****` when it is short."""
    if not token:
        return "-"
    if len(token) < 24:
        return "****"
    prefix = token[: token.index("|") + 1] if "|" in token[:6] else ""
    return f"{prefix}…{token[-4:]}"


def _after(data: dict[str, Any], options: object) -> dict[str, Any]:
    after = {k: data.get(k) for k in ("selling_partner_id", "marketplace_ids", "expires_at")}
    # The run whose refresh token this one replaces (kept in the store's history).
    after["replaces"] = getattr(options, "replaces", None)
    if data.get("recovery"):
        after["recovered"] = True  # a consent an earlier run lost its token for, given again
    return after


def _recovery(data: dict[str, Any]) -> str:
    return " (recovery)" if data.get("recovery") else ""


# ---- authorize ---------------------------------------------------------------------------


def audit_authorize(data: dict[str, Any], options: object) -> list[AuditEvent]:
    """A new consent is an action on the account (`authorize`); `already_authorized` is not."""
    if data.get("outcome") != "authorized":
        return []
    return [AuditEvent("authorize", data.get("app_id"), _after(data, options))]


def summarise_authorize(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """The outcome with the selling partner ID and marketplaces; the expiry read back."""
    seller = data.get("selling_partner_id") or "-"
    markets = ",".join(data.get("marketplace_ids") or []) or "-"
    outcome = f"{data.get('outcome', '-')}{_recovery(data)}"
    return f"{outcome} {seller} ({markets})", str(data.get("expires_at") or "-")


def render_authorize(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """What was collected, the refresh token masked (`--json` prints it in clear)."""
    title = {
        "authorized": "app authorized",
        "already_authorized": "already authorized: no new consent",
    }[data["outcome"]]
    table = Table(title=f"{account.name}: {title}", show_header=False)
    table.add_row("app ID", data["app_id"])
    table.add_row("selling partner ID", data.get("selling_partner_id") or "-")
    markets = ", ".join(data.get("marketplace_ids") or [])
    if not data.get("verified", True):
        markets = "not checked (--no-verify)"
    table.add_row("marketplaces", markets or "-")
    table.add_row("expires", str(data.get("expires_at") or "-"))
    table.add_row("refresh token", mask_token(data.get("refresh_token")))
    console.print(table)
    if data.get("recovery"):
        console.print(data["recovery"], style="yellow")
    console.print(
        "The refresh token is stored encrypted; `sellerauth export --reveal` or --json show it.",
        style="dim",
    )


# ---- app-status --------------------------------------------------------------------------


def summarise_app_status(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """How many apps, and our row's status and expiry."""
    apps = data.get("apps") or []
    ours = [a for a in apps if a.get("ours")]
    if not ours:
        return f"{len(apps)} apps; ours absent", "-"
    return f"{len(apps)} apps; ours {ours[0]['status']}", str(ours[0].get("expires_at") or "-")


def render_app_status(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """Every row of Manage Your Apps, ours in bold green, with the days left."""
    table = Table(title=f"{account.name}: Manage Your Apps")
    for column in ("app", "developer", "status", "authorized", "expires", "days left"):
        table.add_column(column)
    for app in data["apps"]:
        expires = app.get("expires_at")
        days = str((date.fromisoformat(expires) - date.today()).days) if expires else "-"
        table.add_row(
            app["app_name"] + (" (ours)" if app.get("ours") else ""),
            app["developer"],
            app["status"],
            app.get("authorized_at") or "-",
            expires or "-",
            days,
            style="bold green" if app.get("ours") else None,
        )
    console.print(table)


# ---- app-renew ---------------------------------------------------------------------------


def _would(data: dict[str, Any]) -> list[str]:
    """A dry run's `would_do` as a list (older results stored one past-tense word)."""
    would = data.get("would_do")
    older = {"reauthorized": "reauthorize", "enabled": "enable", "authorized": "authorize"}
    if isinstance(would, str):
        return [] if would == "none" else [older.get(would, would)]
    return list(would or [])


def audit_app_renew(data: dict[str, Any], options: object) -> list[AuditEvent]:
    """`Re-authorize` and `Enable Authorization` are actions; a dry run or nothing to do is not."""
    action = RENEW_AUDIT_ACTIONS.get(str(data.get("action")))
    if data.get("dry_run") or action is None:
        return []
    return [AuditEvent(action, data.get("app_id"), _after(data, options))]


def summarise_app_renew(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """What was done (or would be, in a dry run) for which seller; the expiry read back."""
    action = str(data.get("action", "-"))
    if data.get("dry_run"):
        would = _would(data)
        action = f"dry run: would {' + '.join(would)}" if would else "dry run: nothing due"
    action += _recovery(data)
    if data.get("selling_partner_id"):
        action += f" {data['selling_partner_id']}"
    return action, str(data.get("expires_at") or "-")


def render_app_renew(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """One line: what was done and when the authorization now expires; the new refresh
    token masked."""
    verb = {
        "reauthorized": "re-authorized",
        "enabled": "authorization enabled again",
        "authorized": "authorized again through the consent page (no renewal control)",
        "none": "nothing to do",
    }[data["action"]]
    if data.get("dry_run"):
        would = " and ".join(_would(data))
        verb = f"dry run, nothing done: would {would}" if would else "dry run: nothing to do"
    line = f"{account.name}: app {data['app_id']}: {verb}; expires {data.get('expires_at') or '-'}"
    if data.get("refresh_token"):
        line += (
            f"; seller {data.get('selling_partner_id')}, new refresh token "
            f"{mask_token(data['refresh_token'])} (stored encrypted)"
        )
    console.print(line + ".")
    if data.get("recovery"):
        console.print(data["recovery"], style="yellow")
