"""A job's flow as the engine runs it, built from its spec and options model, for flow tests.

`job(renew.SPEC, force=True)` is what `sellerauth renew --force` runs on each account; an
SP-API job takes the app's settings (`app=`) and a stored refresh token (`known=`) as its
spec's `prepare` would set them from the settings and the store.
"""

from __future__ import annotations

from typing import Any

from automation.commands import Command, CommandSpec
from automation.runner import Flow
from flows.spapi.options import AppJobOptions, KnownAuthorization, StoredAuthorization
from flows.spapi.settings import AppSettings


def job(
    spec: CommandSpec[Any, Any],
    *,
    app: AppSettings | None = None,
    known: KnownAuthorization | None = None,
    **options: Any,
) -> Flow[Any]:
    """The flow of `spec` with `options` (the options model's field names; `verify=False` is
    `no_verify=True`), and for an SP-API job its `app` settings and `known` refresh token."""
    if "verify" in options:
        options["no_verify"] = not options.pop("verify")
    command = spec.command(options)
    if app is not None or known is not None:
        assert isinstance(command.options, AppJobOptions)
        stored = StoredAuthorization(known, "earlier-run") if known is not None else None
        ready = command.options.ready(app or command.options._app, stored)  # type: ignore[arg-type]
        command = Command(spec, ready)
    return command.flow()
