"""Alerts through apprise (`SELLERAUTH_NOTIFY_URLS`) when accounts fail or need a person."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from automation.log import get_logger, redact, register_secret
from automation.settings import Settings

log = get_logger(__name__)

MAX_LISTED = 50


def notify_urls(settings: Settings) -> list[str]:
    """The apprise URLs to alert (`SELLERAUTH_NOTIFY_URLS`: comma or space separated); each
    is treated as a secret."""
    found = settings.notify_urls
    urls = [url for url in re.split(r"[\s,]+", found) if url]
    for url in urls:
        register_secret(url)  # webhook URLs carry their own credentials
    return urls


@dataclass(frozen=True)
class Problem:
    """An account that failed or needs a person, and why (error code and message)."""

    account: str
    state: str
    code: str
    message: str


def problems_of(results: Sequence[Any]) -> list[Problem]:
    """The problems among results that have `account`, `state` and `error` (a dict)."""
    found = []
    for result in results:
        if result.state in ("failed", "needs_person"):
            error = result.error or {}
            found.append(
                Problem(
                    result.account,
                    result.state,
                    str(error.get("code", "internal")),
                    str(error.get("message", "")),
                )
            )
    return found


def compose(label: str, run_id: str, problems: Sequence[Problem]) -> tuple[str, str]:
    """The title and body of an alert: account names and reasons, redacted, no secret."""
    failed = sum(p.state == "failed" for p in problems)
    person = len(problems) - failed
    parts = [f"{failed} failed"] if failed else []
    parts += [f"{person} need a person"] if person else []
    title = f"sellerauth {label}: {', '.join(parts)}"
    lines = [f"run {run_id}"]
    for problem in problems[:MAX_LISTED]:
        lines.append(f"- {problem.account}: {problem.state} [{problem.code}] {problem.message}")
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more (see `sellerauth export`)")
    if person:
        lines.append(
            "Accounts that need a person: run them with --headed and finish in the window."
        )
    return redact(title), redact("\n".join(lines))


def send(urls: Sequence[str], title: str, body: str) -> bool:
    """Send an alert to every URL; False (and a warning logged) when any could not be sent."""
    import apprise

    alerts = apprise.Apprise()
    for url in urls:
        if not alerts.add(url):
            log.warning("notify_url_invalid", url=redact(url))
    if not len(alerts):
        return False
    level = apprise.NotifyType.FAILURE
    sent = bool(alerts.notify(title=title, body=body, notify_type=level))
    if not sent:
        log.warning("notify_failed", targets=len(alerts))
    return sent


def notify_problems(
    urls: Sequence[str], label: str, run_id: str, results: Sequence[Any]
) -> bool | None:
    """Alert when any result failed or needs a person; None when there was nothing to send."""
    problems = problems_of(results)
    if not problems or not urls:
        return None
    title, body = compose(label, run_id, problems)
    return send(urls, title, body)
