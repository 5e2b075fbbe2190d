"""`sellerauth serve` (the fleet page), `sellerauth fleet` (the same view in the terminal) and
`sellerauth runs list|show` (docs/monitoring.md)."""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli.accounts import settings_or_exit
from automation.cli.history import store_or_exit
from automation.cli.output import console, exit_with
from automation.cli.params import JsonOpt
from automation.errors import InvalidInput, SellerAuthError
from automation.fleet.model import SORTS, STATES
from automation.log import register_secret

if TYPE_CHECKING:
    from automation.commands import Site
    from automation.fleet.model import GrantRow
    from automation.settings import Settings

# The shortest bearer token `serve` accepts: anything shorter is guessed too easily.
MIN_TOKEN_LENGTH = 16
TOKEN_HELP = (
    "set SELLERAUTH_SERVE_TOKEN, or write the token to a file sellerauth_serve_token in the "
    "secrets dir (SELLERAUTH_SECRETS_DIR)"
)


def add_commands(app: typer.Typer, site: Site) -> None:
    """Add `serve`, `fleet` and `runs`."""
    jobs = [spec.name for spec in site.commands]

    @app.command()
    def serve(
        host: Annotated[
            str,
            typer.Option(
                help="The address to listen on. Any but a loopback one needs a bearer token "
                f"({TOKEN_HELP})."
            ),
        ] = "127.0.0.1",
        port: Annotated[
            int, typer.Option(min=0, max=65535, help="The port (0: any free one).")
        ] = 8080,
        threads: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 4,
    ) -> None:
        """Serve the fleet page over the store: every account and grant with its state,
        expiry and last error with who must act; one page per account; the expiry chart;
        /metrics for Prometheus. Read-only, no secret ever shown; Ctrl-C stops it.

        Example: sellerauth serve   then open http://127.0.0.1:8080/
        """
        from waitress import create_server

        from automation.fleet.load import backfill
        from automation.fleet.web import create_app

        settings = settings_or_exit(False)
        token = serve_token(settings, host)
        store = store_or_exit(settings, False)
        with store:
            try:
                backfill(store, site, settings)
            except SellerAuthError as error:
                exit_with(error, "-", False)
            try:
                server: Any = create_server(
                    create_app(store, settings, site, token), host=host, port=port, threads=threads
                )
            except OSError as problem:  # in use, or an address this machine does not have
                _refuse(
                    f"cannot listen on {host}:{port} ({problem.strerror or problem}): pick "
                    "another --port (or --host)",
                    False,
                    field="port",
                )
            shown = f"[{host}]" if ":" in host else host
            typer.echo(
                f"Serving the fleet page at http://{shown}:{server.effective_port}/ (metrics at "
                f"/metrics{', bearer token required' if token else ''}); Ctrl-C stops it.",
                err=True,
            )
            try:
                server.run()
            except KeyboardInterrupt:
                typer.echo("Stopped.", err=True)
            finally:
                server.close()

    @app.command()
    def fleet(
        state: Annotated[
            str | None,
            typer.Option(help=f"Only grants in this state: {', '.join(STATES)}.", metavar="STATE"),
        ] = None,
        expiring_within: Annotated[
            int | None,
            typer.Option(
                min=0,
                metavar="DAYS",
                help="Only grants that lapse within DAYS days (lapsed ones included).",
            ),
        ] = None,
        needs_person: Annotated[
            bool, typer.Option("--needs-person", help="Only grants a person must help with.")
        ] = False,
        job: Annotated[
            str | None,
            typer.Option(
                help="Only grants this job has run on (a job's name, as in `sellerauth --help`).",
                metavar="JOB",
            ),
        ] = None,
        search: Annotated[
            str | None, typer.Option(help="Only accounts whose name holds this text.")
        ] = None,
        sort: Annotated[str, typer.Option(help=f"Sort by {', '.join(SORTS)}.")] = "state",
        as_json: JsonOpt = False,
    ) -> None:
        """Every account and grant (each access the jobs keep alive) with its state, expiry,
        last check and last error with who must act: the fleet page as a table.

        States, most urgent first: needs_person, failing (a job's latest result is an error),
        lapsed, due (expires within the renew window), never_checked, ok. Each job's latest
        result counts: a later read by another job never hides a failed renewal.
        """
        from automation.fleet.load import backfill, load_fleet
        from automation.fleet.model import FleetQuery, select

        if needs_person:
            if state not in (None, "needs_person"):
                _refuse(f"--needs-person and --state {state} contradict each other", as_json)
            state = "needs_person"
        if state is not None and state not in STATES:
            _refuse(f"--state must be one of {', '.join(STATES)}, not {state!r}", as_json)
        if job is not None and job not in jobs:
            _refuse(f"--job must be one of {', '.join(jobs)}, not {job!r}", as_json)
        if sort not in SORTS:
            _refuse(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}", as_json)
        settings = settings_or_exit(as_json)
        store = store_or_exit(settings, as_json)
        try:
            with store:
                backfill(store, site, settings)
                found = load_fleet(store, settings, site)
        except SellerAuthError as error:
            exit_with(error, "-", as_json)
        query = FleetQuery(state, job, search, expiring_within, sort)
        rows = select(found.rows, query)
        if as_json:
            typer.echo(json.dumps([row_json(row, site) for row in rows], ensure_ascii=False))
            return
        if found.accounts_problem:
            typer.echo(f"warning: {found.accounts_problem}", err=True)
        if not rows:
            typer.echo("No grant matches." if found.rows else _EMPTY, err=True)
            return
        console().print(_fleet_table(rows, site))

    runs = typer.Typer(help="The runs the store holds: batches and single runs.")
    app.add_typer(runs, name="runs")

    @runs.command("list")
    def runs_list(
        limit: Annotated[int, typer.Option(min=1, help="The last N runs.")] = 20,
        as_json: JsonOpt = False,
    ) -> None:
        """The most recent runs, newest first: run ID, job, kind, start, and how many of
        their accounts ended in each state. `sellerauth runs show ID` shows one."""
        settings = settings_or_exit(as_json)
        store = store_or_exit(settings, as_json)
        try:
            with store:
                found = store.run_counts(limit)
        except SellerAuthError as error:
            exit_with(error, "-", as_json)
        if as_json:
            typer.echo(json.dumps([vars(run) for run in found], ensure_ascii=False))
            return
        if not found:
            typer.echo(_EMPTY, err=True)
            return
        console().print(_runs_table(found))

    @runs.command("show")
    def runs_show(
        run_id: Annotated[str, typer.Argument(metavar="ID", help="A run ID (`runs list`).")],
        as_json: JsonOpt = False,
    ) -> None:
        """One run: each account's outcome, what was done, and the error code with who must
        act."""
        settings = settings_or_exit(as_json)
        store = store_or_exit(settings, as_json)
        try:
            with store:
                found = store.run_counts(1, run_id=run_id)
                results = store.results(run_id) if found else []
        except SellerAuthError as error:
            exit_with(error, "-", as_json)
        if not found:
            _refuse(f"no run {run_id!r} in the store: `sellerauth runs list` shows them", as_json)
        shown = [_result_json(record, site) for record in results]
        if as_json:
            typer.echo(json.dumps({**vars(found[0]), "results": shown}, ensure_ascii=False))
            return
        console().print(_runs_table(found))
        console().print(_results_table(shown))


_EMPTY = "The store holds no run yet: run a job (`sellerauth --help` lists them)."


def serve_token(settings: Settings, host: str) -> str | None:
    """The bearer token `serve` asks for: the configured one; None on a loopback host
    without one. Exits (invalid_input, 2) on any other host without one, or a short one."""
    token = settings.serve_token.get_secret_value().strip() if settings.serve_token else None
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        _refuse(
            f"the bearer token is shorter than {MIN_TOKEN_LENGTH} characters: use a long "
            "random one (for example `openssl rand -hex 32`)",
            False,
            field="serve_token",
        )
    if token is None and not is_loopback(host):
        _refuse(
            f"serving on {host} (not this machine only) needs a bearer token: {TOKEN_HELP}; "
            "or serve on 127.0.0.1 behind your own proxy",
            False,
            field="serve_token",
        )
    register_secret(token)  # never in a log line
    return token or None


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only: `localhost` or a loopback address."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _refuse(message: str, as_json: bool, field: str = "options") -> None:
    exit_with(InvalidInput(message, field=field), "-", as_json)


def row_json(row: GrantRow, site: Site) -> dict[str, Any]:
    """A fleet row as `fleet --json` prints it (no secret: the store's are never read)."""
    last = row.last_check
    return {
        "account": row.account,
        "grant_kind": row.grant_field or None,
        "grant_label": site.grant_labels.get(row.grant_field) if row.grant_field else None,
        "grant": row.grant_id or None,
        "state": row.state,
        "expires_at": row.expires_at,
        "expires_source": row.expires_source,
        "days_left": row.days_left,
        "last_check": (
            {
                "job": last.command,
                "at": last.finished_at,
                "state": last.state,
                "outcome": last.outcome,
                "run_id": last.run_id,
            }
            if last
            else None
        ),
        "jobs": [
            {
                "job": j.command,
                "state": j.state,
                "at": j.finished_at,
                "outcome": j.outcome,
                "run_id": j.run_id,
            }
            for j in row.jobs
        ],
        "last_error": (
            {**row.last_error, "at": row.last_error_at} if row.last_error is not None else None
        ),
        "triage": row.triage,
    }


def _result_json(record: Any, site: Site) -> dict[str, Any]:
    from automation.fleet.load import described

    shown = described(record, site)
    return {
        "account": record.account,
        "state": record.state,
        "attempts": record.attempts,
        "seconds": record.seconds,
        "finished_at": record.finished_at,
        "action": shown["action"],
        "code": shown["error"].get("code"),
        "triage": shown["triage"],
    }


def _fleet_table(rows: list[GrantRow], site: Site) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table()
    for column in ("account", "grant", "state", "expires", "last check", "error", "next step"):
        table.add_column(column, overflow="fold")
    for row in rows:
        grant = (
            f"{site.grant_labels.get(row.grant_field, row.grant_field)} {row.grant_id or '-'}"
            if row.grant_field
            else "-"
        )
        expires = "-"
        if row.expires_at:
            source = "" if row.expires_source == "page" else ", computed"
            expires = f"{row.expires_at} ({row.days_left} d{source})"
        last = row.last_check
        checked = f"{last.finished_at[:16].replace('T', ' ')} {last.command}" if last else "-"
        code = (
            (row.last_error or {}).get("code") if row.state in ("failing", "needs_person") else None
        )
        step = (row.triage or {}).get("next_step") if code else None
        cells = (row.account, grant, row.state, expires, checked, code or "-", step or "-")
        table.add_row(*(escape(str(c)) for c in cells))
    return table


def _runs_table(runs: list[Any]) -> Any:
    from rich.table import Table

    table = Table()
    for column in ("run", "job", "kind", "started (UTC)", "finished", "accounts", "outcomes"):
        table.add_column(column, overflow="fold")
    for run in runs:
        outcomes = ", ".join(f"{state} {n}" for state, n in sorted(run.counts.items()))
        finished = (run.finished_at or "not finished")[:19].replace("T", " ")
        table.add_row(
            run.run_id,
            run.command,
            run.kind,
            run.started_at[:19].replace("T", " "),
            finished,
            str(run.accounts),
            outcomes or "-",
        )
    return table


def _results_table(results: list[dict[str, Any]]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table()
    for column in ("account", "outcome", "action", "code", "next step"):
        table.add_column(column, overflow="fold")
    for r in results:
        step = (r["triage"] or {}).get("next_step") if r["code"] else None
        cells = (r["account"], r["state"], r["action"], r["code"] or "-", step or "-")
        table.add_row(*(escape(str(c)) for c in cells))
    return table
