"""What each command does to a seller's account: its flow, the audit events its result implies."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from automation.store import AuditEvent

if TYPE_CHECKING:
    from automation.runner import Flow

COMMANDS = ("register", "status", "renew")
RENEW_DEFAULTS: dict[str, Any] = {
    "renew_within": 30,
    "force": False,
    "dry_run": False,
    "disable_confirmation": False,
}


@dataclass(frozen=True)
class Command:
    """A command with its options, as a run records them."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    def flow(self, *, may_have_acted: bool = False) -> Flow[Any]:
        """The flow to run; `may_have_acted` when an interrupted attempt may already have acted.

        Every flow is idempotent except a forced renewal, which would renew a second time: an
        account that may have been renewed already is renewed only if it is due.
        """
        from flows import permissions, register

        if self.name == "register":
            return register.run
        if self.name == "status":
            return permissions.run_status
        options = {**RENEW_DEFAULTS, **self.options}
        if may_have_acted:
            options["force"] = False
        return functools.partial(permissions.run_renew, **options)

    def audit(self, data: dict[str, Any]) -> list[AuditEvent]:
        """The actions a result (its public data) says were taken on the seller's account."""
        developer = data.get("developer_id")
        events: list[AuditEvent] = []
        if self.name == "register" and data.get("outcome") in ("granted", "restored"):
            action = "grant" if data["outcome"] == "granted" else "restore"
            after = {k: data.get(k) for k in ("seller_id", "marketplace_id")} | {"state": "active"}
            events.append(AuditEvent(action, developer, after))
        if self.name == "renew" and not data.get("dry_run"):
            after = {k: data.get(k) for k in ("state", "expires_at", "access_confirmation")}
            if data.get("action") in ("renewed", "restored"):
                action = "renew" if data["action"] == "renewed" else "restore"
                events.append(AuditEvent(action, developer, after))
            if self._confirmation_disabled(data):
                events.append(
                    AuditEvent(
                        "disable_confirmation", developer, {"access_confirmation": "disabled"}
                    )
                )
        return events

    def _confirmation_disabled(self, data: dict[str, Any]) -> bool:
        changed = data.get("confirmation_changed")
        if changed is not None:
            return bool(changed)
        # Older results do not say whether the flow clicked: asked for and now disabled.
        return bool(self.options.get("disable_confirmation")) and (
            data.get("access_confirmation") == "disabled"
        )


def describe(command: str, data: dict[str, Any] | None, developer_id: str) -> tuple[str, str]:
    """A result's outcome and expiry in a few words, for the summary table."""
    if not data:
        return "-", "-"
    if command == "register":
        return str(data.get("outcome", "-")), "-"
    if command == "renew":
        action = str(data.get("action", "-"))
        if data.get("dry_run") and action != "none":
            action = f"would be {action}"
        expires = data.get("expires_at") or (
            "never" if data.get("access_confirmation") == "disabled" else "-"
        )
        return action, str(expires)
    developers = data.get("developers") or []
    wanted = _digits(developer_id)
    ours = [d for d in developers if _digits(d.get("developer_id", "")) == wanted]
    if not ours:
        return f"{len(developers)} developers; ours absent", "-"
    return f"{len(developers)} developers; ours {ours[0]['state']}", str(
        ours[0].get("expires_at") or "-"
    )


def _digits(developer_id: str) -> str:
    return "".join(ch for ch in developer_id if ch.isdigit())
