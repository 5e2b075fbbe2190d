"""Stopping a run: SIGTERM (systemd, Kubernetes, `timeout`) is taken as Ctrl-C, and the exit
status says which of the two it was (130 for Ctrl-C, 143 for SIGTERM, as a shell reports)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class Stop:
    """While held, SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does; `by`
    remembers which of them stopped the run ("Ctrl-C" or "SIGTERM") and `status` the exit
    status that goes with it. Outside the main thread it changes nothing."""

    def __init__(self) -> None:
        self.by: str = "Ctrl-C"
        self._previous: Any = None

    def on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self.by = "SIGTERM"
        raise KeyboardInterrupt

    @property
    def status(self) -> int:
        return EXIT_TERMINATED if self.by == "SIGTERM" else EXIT_INTERRUPTED

    def __enter__(self) -> Stop:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self.on_sigterm)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None
