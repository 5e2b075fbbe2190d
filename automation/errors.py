"""One error hierarchy: each error has a stable code, a message saying what to do, an exit code."""

from __future__ import annotations

from typing import Any, ClassVar


class SellerAuthError(Exception):
    """Base of every error the program reports; never carries a secret in its message."""

    code: ClassVar[str] = "internal"
    exit_status: ClassVar[int] = 1
    retryable: ClassVar[bool] = False
    # At most this many tries in all for an error of this kind, counted at whichever level
    # (a page load, the whole flow) meets it first; None: as the retry settings say.
    tries_at_most: ClassVar[int | None] = None

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        url: str | None = None,
        screenshot: str | None = None,
        final: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.url = url
        self.screenshot = screenshot
        # Retried enough already (or pointless to retry, whatever its kind): no level of the
        # run tries again (`automation.retry.is_transient`).
        self.final = final

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in `--json` output and logs."""
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.url:
            data["url"] = self.url
        if self.screenshot:
            data["screenshot"] = self.screenshot
        return data

    def __str__(self) -> str:
        parts = [self.message]
        if self.url:
            parts.append(f"(page: {self.url})")
        if self.screenshot:
            parts.append(f"(screenshot: {self.screenshot})")
        return " ".join(parts)


class InvalidInput(SellerAuthError):
    """Bad settings, options or accounts file; refused before a browser starts."""

    code = "invalid_input"
    exit_status = 2


class KeyMissing(SellerAuthError):
    """The store holds encrypted tokens and there is no readable key for them (the key file
    deleted, emptied or damaged, `SELLERAUTH_STORE_KEY` unset or malformed). A new key would
    make them unreadable for good, so none is made: the key must be restored from a backup."""

    code = "key_missing"
    exit_status = 2


class BrowserNotFound(SellerAuthError):
    """No Chromium could be found to drive."""

    code = "browser_not_found"
    exit_status = 2


class NoDisplay(SellerAuthError):
    """A browser window was asked for (--headed, --assist) but there is no display to show it."""

    code = "no_display"
    exit_status = 2


class NeedsPerson(SellerAuthError):
    """The site asked for something only a person may do (captcha, e-mailed code, approval)."""

    code = "needs_person"
    exit_status = 3


class LoginFailed(SellerAuthError):
    """The site refused the e-mail, password or one-time password."""

    code = "login_failed"
    exit_status = 4


class WrongDeveloper(SellerAuthError):
    """The consent page names another developer than the configured one."""

    code = "wrong_developer"
    exit_status = 5


class WrongAccount(SellerAuthError):
    """The site shows another account than the one configured (another e-mail signed in,
    another seller ID than the one an earlier run read): nothing was clicked."""

    code = "wrong_account"
    exit_status = 5


class PageChanged(SellerAuthError):
    """A page did not look as expected: unknown page, missing element or malformed value."""

    code = "page_changed"
    exit_status = 5


class NotAuthorized(SellerAuthError):
    """The configured developer has no row at all on the permissions screen."""

    code = "not_authorized"
    exit_status = 5


class NotConfirmed(SellerAuthError):
    """An action was clicked but the page does not show its effect."""

    code = "not_confirmed"
    exit_status = 5


class Timeout(SellerAuthError):
    """A page or element did not arrive in time."""

    code = "timeout"
    exit_status = 6
    retryable = True


class SiteUnavailable(SellerAuthError):
    """The site answered with a server error or dropped the connection."""

    code = "site_unavailable"
    exit_status = 6
    retryable = True


class SiteUnreachable(SiteUnavailable):
    """The host could not be reached at all: its name does not resolve, or nothing listens
    there (connection refused). Usually a wrong setting, not a passing fault: tried once more,
    then reported, naming the host and the setting that gave it. The JSON form carries
    `host`."""

    tries_at_most = 2

    def __init__(self, message: str, *, host: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.host = host

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "host": self.host}


class Interrupted(SellerAuthError):
    """The operator pressed Ctrl-C."""

    code = "interrupted"
    exit_status = 130


class Terminated(Interrupted):
    """The run was stopped by SIGTERM (a scheduler's stop, `timeout`), taken as Ctrl-C."""

    exit_status = 143


class StoreFailed(SellerAuthError):
    """The store (or another file of the state directory) could not be written: the disk is
    full, the directory read-only, the database held by another process for too long. What the
    run obtained is still printed; the record of it is what is missing."""

    code = "store_failed"
    exit_status = 7


class NotPermitted(SellerAuthError):
    """The login may not use the page (`Invalid Access`, no permission): an answer, not a change."""

    code = "not_permitted"
    exit_status = 5
