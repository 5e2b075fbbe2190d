"""`sellerauth doctor`: is this machine ready to run jobs, and if not, what to fix; and
`sellerauth session clear`: forget a saved sign-in."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from automation.cli import params
from automation.cli.accounts import settings_or_exit
from automation.cli.output import console, exit_with
from automation.errors import SellerAuthError

if TYPE_CHECKING:
    from automation.commands import Site
    from automation.settings import Settings

# How long the base URL may take to answer before it counts as unreachable.
REACH_TIMEOUT_SECONDS = 5.0

BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url", metavar="URL", help="Also check that this URL answers (e.g. a simulator)."
    ),
]


@dataclass
class Finding:
    """One check: what was looked at, whether it is fine, what was found, what to do."""

    check: str
    ok: bool
    detail: str
    fix: str = ""


def add_commands(app: typer.Typer, site: Site) -> None:
    """`doctor` and `session clear` on `app`."""

    @app.command()
    def doctor(
        accounts_file: params.AccountsFileOpt = None,
        base_url: BaseUrlOpt = None,
        as_json: params.JsonOpt = False,
    ) -> None:
        """Check that jobs can run here: the browser, the state directory, the store and its
        key, the secrets directory, each account's settings, and that the base URL answers.
        Starts no browser. Says what to fix; exit 0 when all is well, else 2. --json: one
        object {"ok", "checks": [{"check", "ok", "detail", "fix"}]}."""
        settings = settings_or_exit(as_json, accounts_file=accounts_file)
        findings = diagnose(site, settings, base_url)
        ok = all(f.ok for f in findings)
        if as_json:
            body = {"ok": ok, "checks": [asdict(f) for f in findings]}
            typer.echo(json.dumps(body, ensure_ascii=False))
        else:
            _print(findings, ok)
        raise typer.Exit(0 if ok else 2)

    session = typer.Typer(
        help="Saved sign-ins (the browser session kept per account in the state directory).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @session.command("clear")
    def session_clear(account: params.AccountOpt = None) -> None:
        """Forget an account's saved sign-in (default: the environment's account), so its
        next run signs in afresh."""
        from automation.accounts import DEFAULT_ACCOUNT
        from automation.browser import identity_path, session_path

        name = account or DEFAULT_ACCOUNT
        settings = settings_or_exit(False)
        try:
            path = session_path(settings.state_dir, name)
        except SellerAuthError as error:
            exit_with(error, name, False)
        removed = [p for p in (path, identity_path(path)) if p.exists()]
        for each in removed:
            each.unlink()
        if removed:
            typer.echo(f"{name}: saved sign-in forgotten ({path}); the next run signs in.")
        else:
            typer.echo(f"{name}: no saved sign-in (none at {path}).")

    app.add_typer(session, name="session")


def diagnose(site: Site, settings: Settings, base_url: str | None = None) -> list[Finding]:
    """Every check, in order; none raises."""
    findings = [
        _guarded("browser", lambda: _browser(settings)),
        _guarded("state directory", lambda: _state_dir(settings)),
        _guarded("store", lambda: _store(settings)),
        _guarded("secrets directory", lambda: _secrets_dir(settings)),
    ]
    accounts, urls = _accounts(site, settings)
    findings += accounts
    for url in dict.fromkeys([*([base_url] if base_url else []), *urls]):
        findings.append(_guarded(f"reach {url}", functools.partial(_reach, url)))
    return findings


def _guarded(check: str, run: Callable[[], Finding]) -> Finding:
    try:
        return run()
    except SellerAuthError as error:
        return Finding(check, False, error.message)
    except Exception as error:
        return Finding(check, False, f"{type(error).__name__}: {error}")


def _browser(settings: Settings) -> Finding:
    from automation.chromium import find_chromium

    found = find_chromium(headed=False, override=settings.browser_path)
    where = found.executable_path or "Playwright's own download"
    return Finding("browser", True, f"{found.kind} ({found.source}): {where}")


def _state_dir(settings: Settings) -> Finding:
    from automation.files import ensure_state_dir

    ensure_state_dir(settings.state_dir)
    with tempfile.NamedTemporaryFile(dir=settings.state_dir, prefix=".doctor-"):
        pass
    return Finding("state directory", True, f"{settings.state_dir} is writable")


def _store(settings: Settings) -> Finding:
    from automation.store import KEY_FILE, STORE_FILE, Store
    from automation.store.backend import location
    from automation.store.opening import store_exists

    where = location(settings)
    if where.path is None:
        if not store_exists(where):
            return Finding("store", True, f"no store yet in {where.shown}: the first run makes it")
        with Store.open(settings) as store:
            store.runs(1)
        return Finding("store", True, f"{where.shown} and its key are readable")
    path = settings.state_dir / STORE_FILE
    if not path.is_file():
        return Finding("store", True, f"no store yet at {path}: the first run makes it")
    key = settings.state_dir / KEY_FILE
    if settings.store_key is None and not key.is_file():
        return Finding(
            "store",
            False,
            f"the store {path} has no key beside it ({key})",
            "point SELLERAUTH_STORE_KEY at the key it was written with",
        )
    with Store.open(settings) as store:
        store.runs(1)
    return Finding("store", True, f"{path} and its key are readable")


def _secrets_dir(settings: Settings) -> Finding:
    directory = settings.secrets_dir
    if directory is None:
        return Finding("secrets directory", True, "none (secrets come from the environment)")
    if not os.access(directory, os.R_OK | os.X_OK):
        return Finding(
            "secrets directory",
            False,
            f"{directory} cannot be read by this user",
            "give this user read access to it, or set SELLERAUTH_SECRETS_DIR",
        )
    loose = directory.stat().st_mode & 0o077
    if loose:
        return Finding(
            "secrets directory",
            False,
            f"{directory} is open to other users (mode {directory.stat().st_mode & 0o777:o})",
            f"chmod 700 {directory}",
        )
    return Finding("secrets directory", True, f"{directory} is readable and private")


def _accounts(site: Site, settings: Settings) -> tuple[list[Finding], list[str]]:
    """The default account and each of the accounts file, as `accounts check` sees them; the
    base URLs they use."""
    from automation.accounts import resolve_account
    from automation.plan import check_accounts

    findings: list[Finding] = []
    urls: list[str] = []
    try:
        profile = resolve_account(settings, None, model=site.account_model)
        findings.append(Finding("account default", True, "the environment's account resolves"))
        urls.append(str(getattr(profile, "base_url", "") or ""))
    except SellerAuthError as error:
        if settings.accounts_file is None:
            findings.append(
                Finding(
                    "account default",
                    False,
                    error.message,
                    "set SELLERAUTH_EMAIL and SELLERAUTH_PASSWORD, or write an accounts file",
                )
            )
    if settings.accounts_file is not None:
        try:
            checks = check_accounts(settings, site.account_model)
        except SellerAuthError as error:
            fix = f"sellerauth accounts check --accounts {settings.accounts_file}"
            return [*findings, Finding("accounts file", False, error.message, fix)], urls
        for check in checks:
            said = "; ".join(check.problems + check.warnings) or "ready"
            fix = "; ".join(check.problems)
            findings.append(Finding(f"account {check.name}", check.ok, said, fix))
            urls.append(str(check.fields.get("base_url") or ""))
    return findings, [url for url in urls if url]


def _reach(url: str) -> Finding:
    """A short GET: any HTTP answer is reachable; no answer in time, a name that does not
    resolve or a refused connection is not."""
    import urllib.error
    import urllib.request

    check = f"reach {url}"
    try:
        with urllib.request.urlopen(url, timeout=REACH_TIMEOUT_SECONDS) as answer:
            status: Any = answer.status
    except urllib.error.HTTPError as answer:
        status = answer.code
    except (urllib.error.URLError, OSError) as problem:
        reason = getattr(problem, "reason", problem)
        return Finding(
            check,
            False,
            f"no answer: {reason}",
            "check the network, or the base URL (--base-url, SELLERAUTH_BASE_URL, an account's "
            "base_url); for a simulator, start `sellerauth sim` first",
        )
    return Finding(check, True, f"answers (HTTP {status})")


def _print(findings: list[Finding], ok: bool) -> None:
    from rich.markup import escape

    out = console()
    for finding in findings:
        mark = "[green]ok[/green]  " if finding.ok else "[red]FAIL[/red]"
        out.print(f"{mark} {escape(finding.check)}: {escape(finding.detail)}")
        if finding.fix:
            out.print(f"      fix: {escape(finding.fix)}")
    if ok:
        out.print("[green]All is well: jobs can run here.[/green]")
    else:
        bad = sum(not f.ok for f in findings)
        out.print(f"[red]{bad} to fix before jobs can run here.[/red]")
