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


# An incident's alert names this many of its accounts; the rest are counted.
INCIDENT_LISTED = 5


@dataclass(frozen=True)
class Problem:
    """An account that failed or needs a person, and why (error code and message, and the
    site's triage of it when there is one: {cause, owner, next_step})."""

    account: str
    state: str
    code: str
    message: str
    triage: dict[str, str] | None = None


@dataclass(frozen=True)
class Incident:
    """One error code seen on many accounts of one batch: one alert, not one per account."""

    code: str
    problems: list[Problem]

    @property
    def triage(self) -> dict[str, str] | None:
        """The triage the site gave the code (the first account's)."""
        return next((p.triage for p in self.problems if p.triage), None)


def incidents(
    problems: Sequence[Problem], accounts: int, share: float, minimum: int
) -> tuple[list[Incident], list[Problem]]:
    """The problems grouped: an error code on at least `share` (0–1) of the batch's
    `accounts` and on at least `minimum` accounts is an incident; the rest stay isolated
    problems, each alerted on its own. (incidents, largest first; isolated problems)."""
    by_code: dict[str, list[Problem]] = {}
    for problem in problems:
        by_code.setdefault(problem.code, []).append(problem)
    found = [
        Incident(code, listed)
        for code, listed in by_code.items()
        if len(listed) >= minimum and len(listed) >= share * accounts
    ]
    found.sort(key=lambda incident: -len(incident.problems))
    grouped = {incident.code for incident in found}
    return found, [p for p in problems if p.code not in grouped]


def problems_of(results: Sequence[Any]) -> list[Problem]:
    """The problems among results that have `account`, `state` and `error` (a dict)."""
    found = []
    for result in results:
        if result.state in ("failed", "needs_person"):
            error = result.error or {}
            triage = error.get("triage")
            found.append(
                Problem(
                    result.account,
                    result.state,
                    str(error.get("code", "internal")),
                    str(error.get("message", "")),
                    dict(triage) if isinstance(triage, dict) else None,
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


def compose_incidents(
    label: str,
    run_id: str,
    found: Sequence[Incident],
    isolated: Sequence[Problem],
    accounts: int,
) -> tuple[str, str]:
    """The title and body of an alert that names each incident once (its code, how many of
    the batch's `accounts` it hit, its triage, its first INCIDENT_LISTED accounts), then the
    isolated problems one a line; redacted, no secret."""
    parts = [f"incident {i.code} on {len(i.problems)} of {accounts}" for i in found]
    if isolated:
        parts.append(f"{len(isolated)} other {'problem' if len(isolated) == 1 else 'problems'}")
    title = f"sellerauth {label}: {'; '.join(parts)}"
    lines = [f"run {run_id}"]
    for incident in found:
        names = [p.account for p in incident.problems]
        more = len(names) - INCIDENT_LISTED
        lines.append(
            f"INCIDENT [{incident.code}] on {len(names)} of {accounts} accounts: "
            f"{', '.join(names[:INCIDENT_LISTED])}{f' and {more} more' if more > 0 else ''}"
        )
        lines.append(f"  e.g. {incident.problems[0].message}")
        triage = incident.triage
        if triage:
            lines.append(f"  likely cause: {triage.get('cause', '-')}")
            lines.append(f"  owner: {triage.get('owner', '-')}")
            lines.append(f"  next step: {triage.get('next_step', '-')}")
    if isolated:
        _, body = compose(label, run_id, isolated)
        lines += body.splitlines()[1:]
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
    urls: Sequence[str],
    label: str,
    run_id: str,
    results: Sequence[Any],
    *,
    share: float = 1.0,
    minimum: int = 0,
) -> bool | None:
    """Alert when any result failed or needs a person, in one message; an error code on at
    least `share` of the results and `minimum` accounts is named once as an incident
    (`incidents`), not account by account. None when there was nothing to send."""
    problems = problems_of(results)
    if not problems or not urls:
        return None
    found, isolated = incidents(problems, len(results), share, max(1, minimum))
    if found:
        title, body = compose_incidents(label, run_id, found, isolated, len(results))
    else:
        title, body = compose(label, run_id, problems)
    return send(urls, title, body)
