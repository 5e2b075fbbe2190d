"""How the jobs' results read to people and the audit trail: audit rules, summaries, output.

Each function works on a result's public data (`model_dump(mode="json")`, secrets split off),
which is also what the store keeps, so old results are read the same way.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from automation.audit import AuditEvent

if TYPE_CHECKING:
    from rich.console import Console

    from automation.accounts import AccountProfile
    from flows.permissions import RenewOptions


def digits(developer_id: str) -> str:
    """A developer ID without its hyphens, for comparing IDs as the page writes them."""
    return "".join(ch for ch in developer_id if ch.isdigit())


# ---- register ------------------------------------------------------------------------------


def audit_register(data: dict[str, Any], options: object) -> list[AuditEvent]:
    """`granted` and `restored` are actions on the account; `already_granted` is not."""
    if data.get("outcome") not in ("granted", "restored"):
        return []
    action = "grant" if data["outcome"] == "granted" else "restore"
    after = {k: data.get(k) for k in ("seller_id", "marketplace_id")} | {"state": "active"}
    return [AuditEvent(action, data.get("developer_id"), after)]


def summarise_register(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """The outcome; register reads no expiry."""
    return str(data.get("outcome", "-")), "-"


def render_register(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """The values read back, for the person who ran the command."""
    from rich.table import Table

    outcome_text = {
        "granted": "access granted",
        "already_granted": "already had access: nothing granted",
        "restored": "expired access restored",
    }[data["outcome"]]
    table = Table(title=f"{account.name}: {outcome_text}", show_header=False)
    for key in ("seller_id", "marketplace_id", "developer_id", "mws_auth_token"):
        table.add_row(key.replace("_", " "), str(data[key]))
    console.print(table)
    console.print(
        "The MWS auth token is a secret: store it safely. `sellerauth register` again, or "
        "`sellerauth export --reveal`, shows it again.",
        style="dim",
        markup=False,
    )


# ---- status --------------------------------------------------------------------------------


def summarise_status(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """How many developers, and our row's state and expiry."""
    from flows.site import DEVELOPER_ID, seller_account

    developers = data.get("developers") or []
    wanted = digits(seller_account(account).developer_id if account is not None else DEVELOPER_ID)
    ours = [d for d in developers if digits(d.get("developer_id", "")) == wanted]
    if not ours:
        return f"{len(developers)} developers; ours absent", "-"
    return f"{len(developers)} developers; ours {ours[0]['state']}", str(
        ours[0].get("expires_at") or "-"
    )


def render_status(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """Every developer row, ours in bold green, with the days left."""
    from rich.table import Table

    from flows.site import seller_account

    ours = digits(seller_account(account).developer_id)
    table = Table(
        title=f"{account.name}: seller {data['seller_id']}, access confirmation "
        f"{data['access_confirmation']}"
    )
    for column in ("developer ID", "nickname", "state", "granted", "expires", "days left"):
        table.add_column(column)
    for dev in data["developers"]:
        expires = dev["expires_at"]
        days = str((date.fromisoformat(expires) - date.today()).days) if expires else "-"
        table.add_row(
            dev["developer_id"],
            dev["nickname"],
            dev["state"],
            (dev["granted_at"] or "-")[:10],
            expires or "-",
            days,
            style="bold green" if digits(dev["developer_id"]) == ours else None,
        )
    console.print(table)


# ---- renew ---------------------------------------------------------------------------------


def audit_renew(data: dict[str, Any], options: RenewOptions) -> list[AuditEvent]:
    """Renewals, restores and switching the confirmation off; nothing for a dry run."""
    if data.get("dry_run"):
        return []
    developer = data.get("developer_id")
    events: list[AuditEvent] = []
    after = {k: data.get(k) for k in ("state", "expires_at", "access_confirmation")}
    if data.get("action") in ("renewed", "restored"):
        action = "renew" if data["action"] == "renewed" else "restore"
        events.append(AuditEvent(action, developer, after))
    changed = data.get("confirmation_changed")
    if changed is None:
        # Older results do not say whether the flow clicked: asked for and now disabled.
        changed = options.disable_confirmation and data.get("access_confirmation") == "disabled"
    if changed:
        events.append(
            AuditEvent("disable_confirmation", developer, {"access_confirmation": "disabled"})
        )
    return events


def summarise_renew(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """What was done (or would be, in a dry run) and the expiry read back."""
    action = str(data.get("action", "-"))
    if data.get("dry_run"):
        would = data.get("would_do") or []
        action = f"dry run: would {' + '.join(would)}" if would else "dry run: nothing due"
    expires = data.get("expires_at") or (
        "never" if data.get("access_confirmation") == "disabled" else "-"
    )
    return action, str(expires)


def render_renew(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """One line: what was done and when access now expires."""
    verb = {"renewed": "renewed", "restored": "restored", "none": "nothing to do"}[data["action"]]
    if data.get("dry_run"):
        would = " and ".join(w.replace("_", " ") for w in data.get("would_do") or [])
        verb = f"dry run, nothing done: would {would}" if would else "dry run: nothing to do"
    expiry = data["expires_at"] or "never (confirmation disabled)"
    if data.get("state") == "inactive":
        expiry = f"{data['expires_at'] or '-'} (expired; only in the history)"
    console.print(
        f"{account.name}: developer {data['developer_id']}: {verb}; access expires {expiry}."
    )
