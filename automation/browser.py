"""Finds a Chromium, launches it, gives one context per account, takes masked screenshots."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from automation.accounts import validate_account_name
from automation.chromium import (
    INSTALL_HINT,
    NO_DISPLAY_HINT,
    BrowserChoice,
    find_chromium,
    require_display,
)
from automation.errors import BrowserNotFound, InvalidInput, NoDisplay
from automation.files import write_private
from automation.log import get_logger
from automation.settings import ENV_PREFIX, Settings

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Locator,
        Page,
        Playwright,
        Route,
        StorageState,
    )

LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media"})
MASK_COLOR = "#FF00FF"

log = get_logger(__name__)


# ---- sessions --------------------------------------------------------------------------


def session_path(state_dir: Path, account_name: str) -> Path:
    """Where an account's browser session (storage state) is kept."""
    return state_dir / "sessions" / f"{validate_account_name(account_name)}.json"


def identity_path(session: Path) -> Path:
    """Where the identity a saved session belongs to is kept, beside it."""
    return session.with_name(session.stem + ".identity.json")


def save_identity(session: Path, identity: dict[str, str]) -> None:
    """Record who `session` belongs to (`AccountProfile.session_identity`), 0600."""
    write_private(identity_path(session), json.dumps(identity, sort_keys=True))


def session_for(path: Path, identity: dict[str, str]) -> Path | None:
    """`path` when the session saved there belongs to `identity`; else the session is set
    aside (renamed `<name>.broken-<UTC time>`, a warning naming what differs, never the values)
    and None: the run signs in afresh. A session saved without its identity (an older
    release) is not trusted either. A mis-shaped session is set aside first, as
    `usable_storage_state` does."""
    if usable_storage_state(path) is None:
        return None
    try:
        saved = json.loads(identity_path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError):
        saved = None
    if isinstance(saved, dict) and saved == identity:
        return path
    differs = (
        sorted(k for k in identity.keys() | saved.keys() if saved.get(k) != identity.get(k))
        if isinstance(saved, dict)
        else ["unknown"]
    )
    set_aside(path, "session_for_another_identity", differs=differs)
    identity_path(path).unlink(missing_ok=True)
    return None


def usable_storage_state(path: Path | None) -> Path | None:
    """`path` when it holds a well-shaped saved session (Playwright storage state), else None.

    A file that cannot be read or is mis-shaped (`{"cookies": {...}}`, say) is never trusted:
    it is renamed `<name>.broken-<UTC time>` with a warning, and the run signs in afresh.
    """
    if path is None:
        return None
    try:
        if not path.is_file():
            return None
    except OSError as exc:  # the sessions' directory cannot be read
        raise InvalidInput(
            f"the saved sessions' directory {path.parent} cannot be read ({exc.strerror}): "
            "make it readable and writable by this user (chmod 700), then run again",
            field="state_dir",
        ) from None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        problem = _storage_state_problem(data)
    except (OSError, UnicodeError, ValueError) as error:
        problem = f"unreadable ({type(error).__name__})"
    if problem is None:
        return path
    set_aside(path, "session_set_aside", reason=problem)
    return None


def _storage_state_problem(data: Any) -> str | None:
    """What is wrong with a storage state's shape, or None when Playwright can take it."""
    if not isinstance(data, dict):
        return "not a JSON object"
    cookies, origins = data.get("cookies", []), data.get("origins", [])
    if not isinstance(cookies, list) or not isinstance(origins, list):
        return "cookies and origins must be arrays"
    for cookie in cookies:
        if not isinstance(cookie, dict) or not all(
            isinstance(cookie.get(k), str) for k in ("name", "value", "domain", "path")
        ):
            return "a cookie lacks its name, value, domain or path"
        if not isinstance(cookie.get("expires", -1), int | float):
            return "a cookie's expiry is not a number"
    for origin in origins:
        if not isinstance(origin, dict) or not isinstance(origin.get("origin"), str):
            return "an origin lacks its address"
        if not isinstance(origin.get("localStorage", []), list):
            return "an origin's localStorage is not an array"
    return None


def set_aside(path: Path, event: str, **details: Any) -> Path | None:
    """Rename a local file that cannot be trusted to `<name>.broken-<UTC time>`; log `event`.

    Returns the new path (None when even the rename failed: the file is then removed if it can
    be). Never logs the file's content.
    """
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        path.rename(target)
    except OSError:
        path.unlink(missing_ok=True)
        log.warning(event, path=str(path), moved_to=None, **details)
        return None
    log.warning(event, path=str(path), moved_to=str(target), **details)
    return target


# ---- the children's environment ---------------------------------------------------------


def child_environment(
    environ: Mapping[str, str] | None = None,
) -> dict[str, str | float | bool]:
    """`environ` (this process's environment) without any `SELLERAUTH_` variable: what
    Playwright's driver and the browser are given, so that no password, TOTP secret or client
    secret is in their `/proc/<pid>/environ` (the renderer runs untrusted pages)."""
    given = os.environ if environ is None else environ
    return {name: value for name, value in given.items() if not name.startswith(ENV_PREFIX)}


def _driver_without_settings() -> None:
    """Have Playwright start its driver with `child_environment`: it copies `os.environ`
    (`get_driver_env`) when it starts one, and there is no option for it. Done once."""
    from playwright._impl import transport

    original = getattr(transport, "get_driver_env", None)
    if original is None or getattr(original, "without_settings", False):
        return  # a Playwright without it: the browser still gets `env` (test_child_environment)

    def get_driver_env() -> dict[str, Any]:
        return child_environment(original())

    get_driver_env.without_settings = True  # type: ignore[attr-defined]
    setattr(transport, "get_driver_env", get_driver_env)  # noqa: B010 (not exported)


class BrowserSession:
    """One Playwright and one launched Chromium, giving one context per account.

    Playwright's sync API is bound to its thread: give each worker thread its own session.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        headed: bool | None = None,
        browser_path: Path | None = None,
        block_resources: bool | None = None,
        timeout_ms: int | None = None,
    ) -> None:
        """Options given here win over `settings`; without either, the Settings defaults."""
        base = settings or Settings.model_construct()  # the defaults, no environment
        self.headed = base.headed if headed is None else headed
        self.browser_path = browser_path or base.browser_path
        self.block_resources = base.block_resources if block_resources is None else block_resources
        self.timeout_ms = timeout_ms or base.timeout_ms
        self.choice: BrowserChoice | None = None
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> BrowserSession:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        # Leaving on a failure or Ctrl-C (which may have taken the browser down with it):
        # that is what to report, not a browser that could not be closed after it.
        with contextlib.suppress(Exception):
            self.close()

    @property
    def browser(self) -> Browser:
        """The launched browser; the session must have been started."""
        if self._browser is None:
            raise RuntimeError("BrowserSession is not started")
        return self._browser

    def start(self) -> BrowserSession:
        """Find Chromium and launch it (headless unless headed)."""
        from playwright.sync_api import Error, sync_playwright

        if self.headed:
            require_display()
        self.choice = find_chromium(self.headed, self.browser_path)
        _driver_without_settings()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                headless=not self.headed,
                executable_path=self.choice.executable_path,
                args=LAUNCH_ARGS,
                env=child_environment(),  # no SELLERAUTH_ secret in any browser process
                # Ctrl-C is ours to handle: the browser stays up while a run stops cleanly.
                handle_sigint=False,
            )
        except Error as exc:
            self.close()
            if self.headed and "display" in str(exc).lower():
                raise NoDisplay(NO_DISPLAY_HINT) from None
            raise BrowserNotFound(
                f"Chromium ({self.choice.source}, {self.choice.kind}) failed to start: "
                f"{str(exc).splitlines()[0]}; {INSTALL_HINT}"
            ) from None
        log.debug("browser_started", source=self.choice.source, kind=self.choice.kind)
        return self

    def new_context(
        self,
        storage_state_path: Path | None = None,
        *,
        locale: str = "ja-JP",
        timeout_ms: int | None = None,
        record_har_path: Path | None = None,
    ) -> BrowserContext:
        """A fresh context, with the saved session when that file exists, and our timeouts.

        `record_har_path` records the context's traffic as a HAR archive, written when the
        context closes.
        """
        timeout_ms = timeout_ms or self.timeout_ms
        state = usable_storage_state(storage_state_path)
        har: dict[str, Any] = (
            {"record_har_path": record_har_path, "record_har_content": "attach"}
            if record_har_path
            else {}
        )
        try:
            context = self.browser.new_context(storage_state=state, locale=locale, **har)
        except Exception as error:  # Playwright refused a file that looked well-shaped
            if state is None or "storage" not in str(error).lower():
                raise
            set_aside(state, "session_set_aside", reason=str(error).splitlines()[0][:200])
            context = self.browser.new_context(locale=locale, **har)
        context.set_default_timeout(timeout_ms)
        context.set_default_navigation_timeout(timeout_ms)
        if self.block_resources:
            context.route("**/*", _block_heavy_resources)
        return context

    def save_storage_state(
        self, context: BrowserContext, path: Path, state: StorageState | None = None
    ) -> Path:
        """Save the context's session for next time; see the module's `save_storage_state`."""
        return save_storage_state(context, path, state)

    def close(self) -> None:
        """Close the browser and stop Playwright; safe to call twice."""
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()


def _block_heavy_resources(route: Route) -> None:
    if route.request.resource_type in BLOCKED_RESOURCE_TYPES:
        route.abort()
    else:
        route.fallback()


def save_storage_state(
    context: BrowserContext, path: Path, state: StorageState | None = None
) -> Path:
    """Save the context's cookies and storage to `path` (file 0600, directory 0700); `state`
    when the caller already asked the context for it (one round trip, not two)."""
    return write_private(path, json.dumps(state if state is not None else context.storage_state()))


def masked_screenshot(page: Page, path: Path, mask: list[Locator]) -> Path:
    """A full-page screenshot with `mask` painted over in solid magenta; file 0600."""
    image = page.screenshot(full_page=True, mask=mask, mask_color=MASK_COLOR)
    return write_private(path, image)
