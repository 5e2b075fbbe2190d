"""A thread per driver: Playwright's sync API is bound to the thread that started it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Lane:
    """One thread that owns one driver (a Playwright, a BrowserSession, a WebDriver)."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"bench-{name}")
        self.state: dict[str, Any] = {}

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` in this lane's thread and return its result (or raise its error)."""
        return self._pool.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
