"""An action a job took on an account, as the audit trail keeps it (light: no store needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditEvent:
    """An action taken on a seller's account, and what the page showed after it."""

    action: str
    developer_id: str | None
    after: dict[str, Any]
