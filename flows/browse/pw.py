"""Playwright's runtime names (`expect`, `Locator`, its `Error` and `TimeoutError`), imported on
first use.

The command specs live in the flow modules, so building the command line imports them: with
their Playwright names taken from here (`pw.expect(...)`, `except pw.TimeoutError`), and their
types under `TYPE_CHECKING`, `sellerauth --help` never imports Playwright
(tests/test_lazy_imports.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Error, Locator, TimeoutError, expect

__all__ = ["Error", "Locator", "TimeoutError", "expect"]


def __getattr__(name: str) -> Any:
    """`Error`, `Locator`, `TimeoutError` or `expect` from `playwright.sync_api` (imported now)."""
    if name in __all__:
        import playwright.sync_api

        value = getattr(playwright.sync_api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
