"""A consent whose refresh token was lost, recovered once by the next run (docs/spapi.md "A run
stopped after consent"), shared by `authorize` and `app-renew`.

A refresh token exists only in the run that exchanged the consent's code, and a code lives
five minutes: a run killed (or failed) between the consent click and the store keeping the
token cannot be finished later. Its intents stay open; the next run on the account finds
them, reads Manage Your Apps, and consents once more through the consent page, never clicking
`Re-authorize` or `Enable Authorization` a second time. One run consents at most once.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from automation.accounts import DEFAULT_ACCOUNT
from automation.errors import NotConfirmed, SellerAuthError
from flows.seller_central import Action, SellerCentral
from flows.spapi.consent import JOURNAL_CONSENT
from flows.spapi.manage import AppsReading

log = structlog.get_logger("flows.spapi.recovery")

JOURNAL_REAUTHORIZE: Action = "app_reauthorize"
JOURNAL_ENABLE: Action = "app_enable"
# Every SP-API click whose effect is a refresh token in the store.
SPAPI_ACTIONS: tuple[Action, ...] = (JOURNAL_REAUTHORIZE, JOURNAL_ENABLE, JOURNAL_CONSENT)
_CLICKED = {
    JOURNAL_REAUTHORIZE: "clicked Re-authorize",
    JOURNAL_ENABLE: "clicked Enable Authorization",
    JOURNAL_CONSENT: "gave consent",
}


def rerun_command(job: str, account: str) -> str:
    """`sellerauth authorize --account acme`: the command that recovers a lost consent
    (`--account` only for a named account)."""
    named = "" if account == DEFAULT_ACCOUNT else f" --account {shlex.quote(account)}"
    return f"sellerauth {job}{named}"


def refuse_second_consent(sc: SellerCentral, job: str) -> None:
    """An attempt of this run already consented: no second consent in one run. Its intents
    stay open, so the next run recovers."""
    if JOURNAL_CONSENT in sc.this_run():
        sc.leave_open(*SPAPI_ACTIONS)
        raise NotConfirmed(
            "An earlier attempt of this run gave consent but failed before the refresh token "
            "was kept (its cause is in the warnings above); nothing more was clicked, as one "
            "run consents at most once. A code lives only five minutes, so that consent "
            f"cannot be finished: run `{rerun_command(job, sc.signin.account.name)}`, which "
            "authorizes again once, as a recovery."
        )


def lost(sc: SellerCentral) -> list[Action]:
    """The SP-API clicks whose refresh token no run kept: left open by an earlier run, or
    made by an earlier attempt of this one (a `Re-authorize` clicked, consent not yet)."""
    return [action for action in SPAPI_ACTIONS if action in sc.journal]


@contextmanager
def token_or_open(sc: SellerCentral, job: str) -> Iterator[None]:
    """Around an SP-API job: a failure leaves its SP-API intents open (the refresh token was
    not kept), so the next run recovers them. A failure after this attempt consented (the
    redirect missed, the code exchange failed) is final: it names its cause and the command
    that recovers, since a retry of this run may not consent again and the code is lost."""
    consented_before = JOURNAL_CONSENT in sc.this_run()
    try:
        yield
    except SellerAuthError as error:
        sc.leave_open(*SPAPI_ACTIONS)
        if not consented_before and JOURNAL_CONSENT in sc.this_run():
            after_consent(error, rerun_command(job, sc.signin.account.name))
        raise


def after_consent(error: SellerAuthError, command: str) -> None:
    """`error`, met after consent was given, made final and saying so: its cause, that the
    code (five minutes) is lost, and `command` to recover."""
    cause = error.message.rstrip()
    error.message = (
        f"Consent was given, but its refresh token was not kept: {cause} A code lives "
        "only five minutes, so this consent cannot be finished later; nothing more was "
        f"clicked. Once the cause is fixed, run `{command}`: it reads Manage Your Apps and "
        "authorizes again once, as a recovery."
    )
    error.args = (error.message,)
    error.final = True
    log.warning("consent_not_finished", code=error.code)


def recovery_note(sc: SellerCentral, reading: AppsReading, clicks: list[Action]) -> str:
    """What the result says of a recovery: what the earlier run did, what Manage Your Apps
    shows now; logged as a warning too."""
    ours = reading.ours()
    if len(ours) == 1:
        row = ours[0].row
        until = f" until {row.expires_at}" if row.expires_at else ""
        shown = f"Manage Your Apps shows the app {row.status}{until}"
    else:
        shown = "Manage Your Apps does not show the app"
    earlier = "an earlier attempt of this run" if set(clicks) <= set(sc.this_run()) else "a run"
    what = " and ".join(_CLICKED[c] for c in clicks)
    note = (
        f"Recovery: {earlier} {what} but was stopped before its refresh token was kept; "
        f"{shown}. Authorized again once through the consent page for a new refresh token."
    )
    log.warning("consent_recovery", clicks=clicks, shown=shown)
    return note
