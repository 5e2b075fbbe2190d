"""Logs for people on a terminal: what went wrong only, `-q` / `-v` to change it, and on
stderr only, a progress bar included."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from automation.cli import run
from automation.log import configure_logging, get_logger, set_cli_level
from automation.report import ProgressBar
from sellerauth.app import build


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_cli_level() -> Iterator[None]:
    yield
    set_cli_level(None)
    configure_logging()


def logged(stream: io.StringIO) -> str:
    log = get_logger("probe")
    log.debug("probe_debug")
    log.info("probe_info")
    log.warning("probe_warning")
    log.error("probe_error")
    return stream.getvalue()


def test_a_terminal_shows_warnings_and_errors_by_default() -> None:
    terminal = Terminal()
    configure_logging("auto", None, stream=terminal)
    shown = logged(terminal)
    assert "probe_info" not in shown and "probe_warning" in shown and "probe_error" in shown


def test_json_logs_keep_info_by_default_and_the_setting_wins() -> None:
    pipe = io.StringIO()
    configure_logging("auto", None, stream=pipe)
    assert "probe_info" in logged(pipe)
    terminal = Terminal()
    configure_logging("auto", "debug", stream=terminal)
    assert "probe_debug" in logged(terminal)


@pytest.mark.parametrize(
    ("flags", "shown", "hidden"),
    [
        (["-q"], "probe_error", "probe_warning"),
        (["-v"], "probe_info", "probe_debug"),
        (["-vv"], "probe_debug", None),
    ],
)
def test_q_and_v_set_the_level(
    flags: list[str],
    shown: str,
    hidden: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Given before the command, over the setting; the logs on stderr, nothing on stdout."""
    monkeypatch.setenv("SELLERAUTH_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("SELLERAUTH_LOG_LEVEL", "warning")
    run(build(["history"]), [*flags, "history"])  # configures logging, then finds no store
    capsys.readouterr()
    pipe = io.StringIO()
    configure_logging("json", "warning", stream=pipe)
    text = logged(pipe)
    assert shown in text and (hidden is None or hidden not in text)


def test_q_and_v_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(build(["history"]), ["-q", "-v", "history"]) == 2
    assert "-q and -v" in capsys.readouterr().err


def test_logs_during_a_progress_bar_stay_off_the_bar_when_stderr_is_elsewhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`batch renew 2>/dev/null` on a terminal: the bar's console gets no log line."""
    configure_logging("json", "info")
    screen = Terminal()
    bar_console = Console(file=screen, force_terminal=True, width=100)
    with ProgressBar(bar_console, "batch renew", 2, Counter()):
        get_logger("probe").warning("probe_during_bar")
    assert "probe_during_bar" not in screen.getvalue()
    assert "probe_during_bar" in capsys.readouterr().err
