"""`sellerauth record`: a job's network traffic as a HAR archive for replay tests."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import params
from automation.cli.output import exit_with, fail_input
from automation.commands import no_audit
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.commands import RecordHook, Site

HELP = """Record a job's network traffic as a HAR archive for replay tests, secrets replaced.

Starts from a fresh sign-in (the saved session is neither used nor changed). Jobs that act
really act on the account while they are recorded. See docs/recording.md.
"""


def add_command(app: typer.Typer, site: Site, hook: RecordHook) -> None:
    """Add `sellerauth record [JOB]` (jobs of `site`, default `hook.default`)."""
    names = ", ".join(s.name for s in site.commands[:-1]) + f" or {site.commands[-1].name}"
    signature = [
        inspect.Parameter(
            "flow",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[str, typer.Argument(metavar="FLOW", help=f"{names}.")],
            default=hook.default,
        ),
        params.param(
            "out",
            Annotated[
                Path | None,
                typer.Option(
                    "--out",
                    metavar="FILE.har.zip",
                    help="Where to write the recording (default: "
                    "<state dir>/recordings/<flow>-<UTC time>.har.zip).",
                ),
            ],
            None,
        ),
        params.param("account", params.AccountOpt),
        *params.model_params(site.account_overrides),
        params.param("headed", params.HeadedOpt, False),
        params.param("assist", params.AssistOpt, False),
    ]

    def body(values: dict[str, Any]) -> None:
        overrides = params.split(values, site.account_overrides)
        _record(site, hook, names, values, overrides)

    app.command("record")(params.command_function("record", HELP, signature, body))


def _record(
    site: Site, hook: RecordHook, names: str, values: dict[str, Any], overrides: dict[str, Any]
) -> None:
    from automation.accounts import resolve_account
    from automation.cli.single import watching_person
    from automation.files import ensure_state_dir, private_dir
    from automation.log import configure_logging
    from automation.settings import load_settings

    flow, out, account = values["flow"], values["out"], values["account"]
    if flow not in [s.name for s in site.commands]:
        fail_input(f"Unknown flow '{flow}': use {names}.", as_json=False)
    if site.spec(flow).audit is not no_audit:
        # A recording runs outside the account lock, the write-ahead intents and the audit
        # trail: a job that acts on the account is never recorded from the command line.
        reading = ", ".join(s.name for s in site.commands if s.audit is no_audit)
        fail_input(
            f"`record` records jobs that only read ({reading}): '{flow}' acts on the "
            f"seller's account, which a recording does outside the lock and the audit trail. "
            f"Run `sellerauth {flow}` to act; record a reading job to make a fixture.",
            as_json=False,
        )
    if out is not None and not out.name.endswith(".har.zip"):
        fail_input(f"--out {out}: the file name must end with .har.zip.", as_json=False)
    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        given = {k: v for k, v in overrides.items() if v is not None}
        profile = resolve_account(settings, account, model=site.account_model, **given)
        ensure_state_dir(settings.state_dir)
    except SellerAuthError as error:
        exit_with(error, account or "default", False)
    if out is None:
        # Never into the working directory (a checkout): the state directory, unique per run.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = settings.state_dir / "recordings" / f"{flow}-{stamp}.har.zip"
    private_dir(out.parent)
    watched = values["headed"] or values["assist"]
    try:
        expected = hook.record(
            site.spec(flow).command(),
            settings,
            profile,
            out,
            headed=watched,
            human=watching_person(site, settings) if watched else None,
        )
    except SellerAuthError as error:
        exit_with(error, profile.name, False)
    typer.echo(f"recorded {flow} for {profile.name} to {out} (secrets replaced)")
    typer.echo(json.dumps(expected, ensure_ascii=False))
