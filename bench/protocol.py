"""Round trips to the browser driver per flow: Playwright protocol calls, WebDriver commands.

Counted per thread (each tool runs in its own thread) by wrapping the one method every call
goes through; `__waitInfo__` (Playwright's fire-and-forget wait log) is not a round trip.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

_counts: dict[str, Counter[str]] = {}
_lock = threading.Lock()
_installed = False
# Per thread, when `trace` asked for it: (method, start, seconds) of every call, in order.
_traces: dict[str, list[tuple[str, float, float]]] = {}


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
        if method == "__waitInfo__":
            return send(self, object, method, *args, **kwargs)
        name = f"{getattr(object, '_type', '?')}.{method}"
        _note(name)
        trace = _traces.get(threading.current_thread().name)
        if trace is None:
            return send(self, object, method, *args, **kwargs)
        started = time.perf_counter()
        reply = send(self, object, method, *args, **kwargs)

        def answered(_: Any) -> None:
            trace.append((name, started, time.perf_counter() - started))

        # The reply's future: the call lasts until the driver answers.
        if hasattr(reply, "add_done_callback"):
            reply.add_done_callback(answered)
        else:
            answered(None)
        return reply

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


def trace() -> list[tuple[str, float, float]]:
    """Start timing every Playwright call of the current thread; the returned list fills
    with (method, perf_counter start, seconds) as calls are made (a call's seconds are the
    time until the driver answered; calls are listed in the order they were answered)."""
    calls: list[tuple[str, float, float]] = []
    _traces[threading.current_thread().name] = calls
    return calls
