"""Runs one flow for one account: a browser context with its saved session, retries, evidence."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import structlog

from automation.accounts import AccountProfile
from automation.browser import save_identity, session_for, session_path
from automation.errors import PageChanged, SellerAuthError, SiteUnavailable, Timeout
from automation.evidence import Evidence, NoEvidence, is_blank, scrub_archive, scrub_har
from automation.files import private_dir
from automation.journal import Journal
from automation.log import redact, register_secret
from automation.otp import Clock, SystemClock, TotpSource
from automation.replay import HarReplay
from automation.retry import retry_policy, retrying
from automation.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

    from automation.browser import BrowserSession

log = structlog.get_logger("automation.runner")

T = TypeVar("T")


class OtpSource(Protocol):
    """Where one-time passwords come from: a `TotpSource`, or a recording's fixed code."""

    def next_code(self) -> str: ...


def _passwords_only(page: Page) -> list[Locator]:
    return [page.locator("input[type=password]")]


@dataclass
class RunContext:
    """What a flow gets besides its page: settings, the account, its OTP source, a person."""

    settings: Settings
    account: AccountProfile
    otp: OtpSource | None
    clock: Clock
    # Called with (page, what the site asks for) when only a person can go on; None = unattended.
    human: Callable[[Page, str], None] | None = None
    # Asks the person at the terminal for a one-time password; None when nobody is there.
    ask_otp: Callable[[], str] | None = None
    # Actions the flow clicked on the account in earlier attempts of this run, so a retry
    # that finds them done reports them as done by this run. The site types its entries
    # (a Literal of its action names); the engine keeps the list across attempts and writes
    # each entry ahead to the store as an intent (`Journal`).
    journal: list[str] = field(default_factory=Journal)
    evidence: Evidence | NoEvidence = field(default_factory=NoEvidence)
    # What to paint over in screenshots, besides password fields: declared by the flow
    # (`declare_mask`), applied by the runner (failure screenshots) and the evidence.
    _masks: list[Callable[[Page], list[Locator]]] = field(default_factory=list)

    def declare_mask(self, mask: Callable[[Page], list[Locator]]) -> None:
        """Add the secret fields `mask(page)` finds to what every screenshot paints over
        (declaring the same function twice, e.g. on a retry, adds it once)."""
        if mask not in self._masks:
            self._masks.append(mask)

    def masked(self, page: Page) -> list[Locator]:
        """The locators to paint over in a screenshot of `page`: password fields, and what
        the flow declared."""
        found = _passwords_only(page)
        for mask in self._masks:
            found.extend(mask(page))
        return found


Flow = Callable[["Page", RunContext], T]


@dataclass
class Recording:
    """Trace or HAR archives of the run (secrets scrubbed), or a HAR to replay instead."""

    trace: Path | None = None
    har: Path | None = None
    # Secret -> placeholder for HAR archives (asked when the archive is written, so it knows
    # the codes and tokens of the run), so that a replay types what was recorded.
    placeholders: Callable[[], dict[str, str]] = dict
    # Serve every request from this HAR archive (no network; unknown requests abort).
    replay: Path | None = None
    # Start without the account's saved session (a recording then holds the sign-in).
    fresh_session: bool = False


@dataclass(frozen=True)
class RunOptions:
    """How one run of a flow is watched, what it leaves behind, and what it runs in.

    - `headed`: show the browser window (a person watches).
    - `clock`: the clock for one-time passwords (tests pass a fake one).
    - `human(page, what)`: called when only a person can go on; None = unattended.
    - `ask_otp()`: asks the person at the terminal for a one-time password.
    - `otp`: where one-time passwords come from (default: the account's TOTP secret).
    - `browser`: a started `BrowserSession` to open the context in (a batch worker keeps one
      for all its accounts); None: the run launches and closes a browser of its own.
    - `evidence_dir`: keep masked screenshots of each step and steps.json under it.
    - `recording`: trace or HAR archives of the run, or a HAR to replay.
    - `journal`: the run's journal (`Journal`: intents written ahead, earlier open ones);
      None: a journal kept in memory only.
    """

    headed: bool = False
    clock: Clock | None = None
    human: Callable[[Page, str], None] | None = None
    ask_otp: Callable[[], str] | None = None
    otp: OtpSource | None = None
    browser: BrowserSession | None = None
    evidence_dir: Path | None = None
    recording: Recording | None = None
    journal: Journal | None = None


def run_one(
    flow: Flow[T],
    settings: Settings,
    account: AccountProfile,
    options: RunOptions | None = None,
    **fields: Any,
) -> T:
    """Run `flow` for `account` in a fresh browser context that reuses the account's session.

    `options` says how (see `RunOptions`); keyword `fields` replace single fields of it, e.g.
    `run_one(flow, settings, account, clock=clock)` (a TypeError names an unknown one).
    Raises the flow's `SellerAuthError` (transient ones after the configured retries).
    """
    from playwright.sync_api import expect

    from automation.browser import BrowserSession

    options = replace(options or RunOptions(), **fields)
    ctx = _context(settings, account, options)
    expect.set_options(timeout=settings.timeout_ms)
    run = _Run(ctx, options.recording or Recording())
    if options.browser is None:
        with BrowserSession(settings, headed=options.headed) as own:
            return run.with_retries(own, flow)
    return run.with_retries(options.browser, flow)


def run_without_browser(
    flow: Flow[T], settings: Settings, account: AccountProfile, options: RunOptions | None = None
) -> T:
    """Run a flow that needs no page (`CommandSpec.browser` False): no browser, `page=None`,
    the whole flow again after a transient failure, as `run_one` does. Raises the flow's
    `SellerAuthError`; anything else becomes an `internal` error (its text redacted)."""
    ctx, name = _context(settings, account, options or RunOptions()), account.name
    for attempt in retrying(settings, f"flow for {name}", settings.retry_attempts):
        with attempt:
            try:
                return flow(cast("Page", None), ctx)
            except SellerAuthError:
                raise
            except Exception as error:
                log.exception("unexpected_error", account=name)
                raise SellerAuthError(
                    f"Unexpected {type(error).__name__}: {redact(_first_line(error))}. Please "
                    "report it with the log."
                ) from None
    raise AssertionError("unreachable: the last attempt re-raises")


def _context(settings: Settings, account: AccountProfile, options: RunOptions) -> RunContext:
    clock = options.clock or SystemClock()
    otp = options.otp or (
        TotpSource(
            account.totp_secret,
            account.name,
            settings.state_dir,
            clock=clock,
            min_remaining=settings.otp_min_remaining_seconds,
        )
        if account.totp_secret is not None
        else None
    )
    ctx = RunContext(
        settings=settings,
        account=account,
        otp=otp,
        clock=clock,
        human=options.human,
        ask_otp=options.ask_otp,
        journal=options.journal if options.journal is not None else Journal(),
    )
    evidence_dir = options.evidence_dir
    if evidence_dir is not None:
        # A folder per run and account, so a second run never overwrites the first's proof.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        folder = evidence_dir / f"{account.name}-{stamp}"
        n = 1
        while folder.exists():
            n += 1
            folder = evidence_dir / f"{account.name}-{stamp}-{n}"
        ctx.evidence = Evidence(folder, mask=lambda page: ctx.masked(page))
    return ctx


class _Run:
    """The attempts of one flow for one account."""

    def __init__(self, ctx: RunContext, recording: Recording) -> None:
        self.ctx = ctx
        self.recording = recording
        self.state_file = session_path(ctx.settings.state_dir, ctx.account.name)

    def with_retries(self, browser: BrowserSession, flow: Flow[T]) -> T:
        """The whole flow again, in a new context, after a transient failure; flows re-read."""
        settings, name = self.ctx.settings, self.ctx.account.name
        for attempt in retrying(settings, f"flow for {name}", settings.retry_attempts):
            with attempt:
                if not browser.browser.is_connected():
                    log.warning("browser_relaunch", account=name)
                    browser.close()
                    browser.start()
                return self.once(browser, flow)
        raise AssertionError("unreachable: the last attempt re-raises")

    def once(self, browser: BrowserSession, flow: Flow[T]) -> T:
        """One browser context: run the flow, keep the session, attach evidence to failures."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        har_draft = self._draft(self.recording.har)
        identity = self.ctx.account.session_identity()
        saved = None if self.recording.fresh_session else session_for(self.state_file, identity)
        context = browser.new_context(
            saved,
            record_har_path=har_draft,
        )
        if self.recording.replay:
            HarReplay(self.recording.replay).attach(context)
        if self.recording.trace:
            context.tracing.start(snapshots=True, screenshots=False, sources=False)
        page = context.new_page()
        try:
            with retry_policy(self.ctx.settings):
                return flow(page, self.ctx)
        except SellerAuthError as error:
            raise self._failed(error, page) from None
        except PlaywrightTimeout as error:
            raise self._failed(
                Timeout(
                    f"A page or element did not arrive in time ({_first_line(error)}). The site "
                    "may be slow: try again, or raise SELLERAUTH_TIMEOUT_MS."
                ),
                page,
            ) from None
        except PlaywrightError as error:
            if "strict mode violation" in str(error):
                # Two elements where the page had one: the page changed, retrying won't help.
                changed = PageChanged(f"The page changed: {_first_line(error)}")
                raise self._failed(changed, page) from None
            raise self._failed(
                SiteUnavailable(f"The browser lost the page ({_first_line(error)}). Try again."),
                page,
            ) from None
        except AssertionError as error:
            # An `expect` that nothing turned into a typed error: an element never showed.
            raise self._failed(
                PageChanged(f"The page did not show what was expected ({_first_line(error)})."),
                page,
            ) from None
        except Exception as error:
            log.exception("unexpected_error", account=self.ctx.account.name)
            raise self._failed(
                SellerAuthError(
                    f"Unexpected {type(error).__name__}: {redact(_first_line(error))}. Please "
                    "report it with the log."
                ),
                page,
            ) from None
        finally:
            self._close(browser, context, har_draft)

    def _close(self, browser: BrowserSession, context: BrowserContext, har: Path | None) -> None:
        """Keep the session (on failure too: it spares the next run a sign-in) and recordings."""
        name = self.ctx.account.name
        saved = False
        try:
            # The session's cookies would hand the seller's account to anyone holding the
            # trace: they are scrubbed out of it like every other secret.
            state = context.storage_state()  # one round trip: the cookies are in it
            for cookie in state.get("cookies", []):
                register_secret(cookie.get("value"))
            if not self.recording.fresh_session:
                browser.save_storage_state(context, self.state_file, state)
                save_identity(self.state_file, self.ctx.account.session_identity())
                saved = True
        except Exception as problem:  # a crashed browser has no state to keep
            log.warning("session_not_saved", account=name, problem=type(problem).__name__)
        if isinstance(self.ctx.journal, Journal):
            self.ctx.journal.session_saved = saved
        if self.recording.trace:
            draft = self._draft(self.recording.trace)
            assert draft is not None
            self._keep(lambda: context.tracing.stop(path=draft), draft, self.recording.trace)
        try:
            context.close()
        except Exception as problem:
            log.warning("context_not_closed", account=name, problem=type(problem).__name__)
        if har is not None and self.recording.har is not None:
            self._keep(lambda: None, har, self.recording.har, scrub_har)

    def _draft(self, final: Path | None) -> Path | None:
        """Where the raw archive is written before secrets are scrubbed out of it."""
        if final is None:
            return None
        private_dir(final.parent)
        return Path(tempfile.mkdtemp(dir=final.parent, prefix=".draft-")) / final.name

    def _keep(
        self,
        write: Callable[[], object],
        draft: Path,
        final: Path,
        scrub: Callable[..., Path] = scrub_archive,
    ) -> None:
        """Scrub the draft into `final` (a retry's archive replaces the failed attempt's).

        The raw draft never outlives this: if writing or scrubbing fails, there is no archive
        at all rather than one holding secrets.
        """
        try:
            write()
            scrub(draft, final, replacements=self.recording.placeholders())
        except Exception as problem:
            final.unlink(missing_ok=True)
            log.error("archive_not_written", path=str(final), problem=type(problem).__name__)
        finally:
            draft.unlink(missing_ok=True)
            shutil.rmtree(draft.parent, ignore_errors=True)

    def _failed(self, error: SellerAuthError, page: Page) -> SellerAuthError:
        """Add the page's URL and a masked screenshot to a failure, never failing itself."""
        from automation.browser import masked_screenshot

        try:
            blank = page.is_closed() or is_blank(page.url)
            if error.url is None and not blank:
                error.url = page.url
            if error.screenshot is None and not blank:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                path = (
                    self.ctx.settings.state_dir
                    / "evidence"
                    / self.ctx.account.name
                    / f"{stamp}-{error.code}.png"
                )
                error.screenshot = str(masked_screenshot(page, path, mask=self.ctx.masked(page)))
            self.ctx.evidence.record(page, "failed", error=error.code)
        except Exception as problem:  # evidence is best effort; the original error matters
            log.warning("evidence_failed", problem=type(problem).__name__)
        return error


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
