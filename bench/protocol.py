"""Round trips to the browser driver per flow: Playwright protocol calls, WebDriver commands.

Counted per thread (each tool runs in its own thread) by wrapping the one method every call
goes through; `__waitInfo__` (Playwright's fire-and-forget wait log) is not a round trip.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

_counts: dict[str, Counter[str]] = {}
_lock = threading.Lock()
_installed = False


def _note(method: str) -> None:
    name = threading.current_thread().name
    with _lock:
        _counts.setdefault(name, Counter())[method] += 1


def install() -> bool:
    """Wrap Playwright's and Selenium's senders once; False when their internals moved."""
    global _installed
    if _installed:
        return True
    try:
        from playwright._impl.connection import Connection
        from selenium.webdriver.remote.webdriver import WebDriver
    except ImportError:
        return False
    send = Connection.send_message_to_server
    execute = WebDriver.execute

    def counted_send(self: Any, object: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        if method != "__waitInfo__":
            _note(f"{getattr(object, '_type', '?')}.{method}")
        return send(self, object, method, *args, **kwargs)

    def counted_execute(self: Any, driver_command: str, *args: Any, **kwargs: Any) -> Any:
        _note(f"webdriver.{driver_command}")
        return execute(self, driver_command, *args, **kwargs)

    Connection.send_message_to_server = counted_send  # type: ignore[method-assign]
    WebDriver.execute = counted_execute  # type: ignore[method-assign]
    _installed = True
    return True


def snapshot() -> Counter[str]:
    """The calls made so far from the current thread, by method."""
    with _lock:
        return Counter(_counts.get(threading.current_thread().name, Counter()))
