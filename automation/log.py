"""structlog set-up: console for people, JSON for machines, secrets redacted before rendering."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TextIO

import structlog
from structlog.typing import EventDict, FilteringBoundLogger, Processor, WrappedLogger

from automation.errors import InvalidInput

if TYPE_CHECKING:
    from pydantic import SecretStr

MASK = "***"
MIN_SECRET_LENGTH = 4
# Secrets this long are masked wherever they appear; shorter ones (a short password, an OTP)
# are not masked inside a word of a file path, where they occur by chance.
ALWAYS_MASKED_LENGTH = 16
_TOKEN_ENDS = frozenset(" \t\r\n\"'`<>()[]{},;")

LogFormat = Literal["auto", "console", "json"]

# Keys whose values are masked wherever they appear (compared lower-cased, `-` as `_`).
SENSITIVE_KEYS = frozenset({"otp", "otp_code", "totp", "code", "authorization"})
SENSITIVE_KEY_PARTS = ("password", "secret", "token", "cookie")

# Keys the logger fills itself; they never hold a secret and a code must not mangle a timestamp.
_OWN_KEYS = frozenset({"timestamp", "level", "logger"})

_ERROR_CODE = re.compile(r"[a-z]+(?:_[a-z]+)*")

_lock = threading.Lock()
# Registered secrets by length, longest first; replaced whole (copy on write) so that
# `redact` can read it from any thread without a lock.
_secrets_by_length: tuple[tuple[int, frozenset[str]], ...] = ()


def register_secret(value: str | SecretStr | None) -> None:
    """Remember a secret so that it is replaced by `***` wherever it would be logged."""
    global _secrets_by_length
    text = value if value is None or isinstance(value, str) else value.get_secret_value()
    if not text or len(text) < MIN_SECRET_LENGTH:
        return
    with _lock:
        groups = dict(_secrets_by_length)
        if text in groups.get(len(text), ()):
            return
        groups[len(text)] = groups.get(len(text), frozenset()) | {text}
        _secrets_by_length = tuple(sorted(groups.items(), reverse=True))


def registered_secrets() -> list[str]:
    """Every registered secret, longest first (for scrubbing archives)."""
    return [secret for _, group in _secrets_by_length for secret in sorted(group)]


def clear_secrets() -> None:
    """Forget every registered secret (for tests)."""
    global _secrets_by_length
    with _lock:
        _secrets_by_length = ()


def redact(text: str) -> str:
    """The text with every registered secret replaced by `***`.

    Costs one pass over the text per distinct secret length, however many secrets there are
    (a batch registers thousands of one-time codes).
    """
    for length, secrets in _secrets_by_length:
        if length > len(text):
            continue
        windows = {text[i : i + length] for i in range(len(text) - length + 1)}
        for secret in windows & secrets:
            if length >= ALWAYS_MASKED_LENGTH:
                text = text.replace(secret, MASK)
            else:
                text = _mask_in_context(text, secret)
    return text


def _mask_in_context(text: str, secret: str) -> str:
    """Mask each occurrence of a short `secret`, except inside a word of a file path or URL
    (`/home/ops/passwords/` does not hold the password `pass`): there only an occurrence
    that stands alone between separators (`/pass/`, `?p=pass&`) is masked."""
    pieces: list[str] = []
    start = 0
    at = text.find(secret)
    while at != -1:
        end = at + len(secret)
        if not _inside_path_word(text, at, end):
            pieces += [text[start:at], MASK]
            start = end
        at = text.find(secret, end)
    pieces.append(text[start:])
    return "".join(pieces)


def _inside_path_word(text: str, at: int, end: int) -> bool:
    """Whether text[at:end] is part of a longer word of a path-like token (one holding `/`
    or `\\`, between spaces or quotes)."""
    before = text[at - 1] if at > 0 else ""
    after = text[end] if end < len(text) else ""
    if not (before.isalnum() or after.isalnum()):
        return False
    left = at
    while left > 0 and text[left - 1] not in _TOKEN_ENDS:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _TOKEN_ENDS:
        right += 1
    around = text[left:at] + text[end:right]  # the secret itself may hold a slash
    return "/" in around or "\\" in around


def is_sensitive_key(key: object) -> bool:
    """Whether values under this key are secret whatever they look like."""
    if not isinstance(key, str):
        return False
    name = key.lower().replace("-", "_")
    return name in SENSITIVE_KEYS or any(part in name for part in SENSITIVE_KEY_PARTS)


def _redact_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int):
        return MASK if redact(str(value)) != str(value) else value
    if isinstance(value, Mapping):
        return {k: _redact_item(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(v) for v in value]
    return redact(str(value))


def _redact_item(key: object, value: Any) -> Any:
    if value is not None and is_sensitive_key(key) and not _is_error_code(key, value):
        return MASK
    return _redact_value(value)


def _is_error_code(key: object, value: Any) -> bool:
    """`code="site_unavailable"` (an error's code, letters only) is kept; an OTP never is."""
    return key == "code" and isinstance(value, str) and _ERROR_CODE.fullmatch(value) is not None


def redact_event(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Processor: mask sensitive keys (nested too) and registered secrets in every value."""
    return {
        key: value if key in _OWN_KEYS else _redact_item(key, value)
        for key, value in event_dict.items()
    }


def _exception_processor(fmt: Literal["console", "json"]) -> Processor:
    """Turn `exc_info` into text or dicts, without local variables, so it can be redacted.

    The console gets Python's plain traceback (no wrapping, so a secret is never split
    across lines and missed); JSON gets structlog's structured frames.
    """
    if fmt == "json":
        transformer = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        return structlog.processors.ExceptionRenderer(transformer)
    return structlog.processors.format_exc_info


def _renderer(fmt: Literal["console", "json"], stream: TextIO) -> Processor:
    if fmt == "json":
        return structlog.processors.JSONRenderer(ensure_ascii=False)
    return structlog.dev.ConsoleRenderer(
        colors=_isatty(stream),
        # Only reached if `exc_info` got past the processors above; still never shows locals.
        exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False),
    )


class _NamedPrintLogger(structlog.PrintLogger):
    """A PrintLogger that knows the name it was asked for with `get_logger(name)`."""

    def __init__(self, file: TextIO, name: str | None) -> None:
        super().__init__(file)
        self.name = name


def _add_logger_name(logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    name = getattr(logger, "name", None)
    if name:
        event_dict.setdefault("logger", name)
    return event_dict


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _level_number(level: str) -> int:
    number = logging.getLevelNamesMapping().get(level.strip().upper())
    if number is None:
        raise InvalidInput(
            f"unknown log level {level!r}: use debug, info, warning, error or critical",
            field="log_level",
        )
    return number


# The level the command line asked for (`-q`, `-v`), winning over the setting; None: none.
_cli_level: str | None = None


def set_cli_level(level: str | None) -> None:
    """`-q` (error), `-v` (info), `-vv` (debug): the level every later `configure_logging`
    uses, whatever the setting says; None: the setting's again."""
    global _cli_level
    _cli_level = level


def configure_logging(
    fmt: LogFormat = "auto", level: str | None = "info", stream: TextIO | None = None
) -> None:
    """Send logs to `stream` (default: whatever `sys.stderr` is at each event).

    `auto` renders for people when the stream is a terminal, else JSON lines. `level` None:
    `warning` for people on a terminal (what went wrong, not every step), else `info`.
    """
    out = stream if stream is not None else sys.stderr
    chosen: Literal["console", "json"] = (
        ("console" if _isatty(out) else "json") if fmt == "auto" else fmt
    )
    if _cli_level is not None:
        level = _cli_level
    elif level is None:
        level = "warning" if chosen == "console" and _isatty(out) else "info"

    def logger_factory(name: str | None = None, *_: Any) -> _NamedPrintLogger:
        return _NamedPrintLogger(stream if stream is not None else sys.stderr, name)

    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            _exception_processor(chosen),
            redact_event,
            _renderer(chosen, out),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_level_number(level)),
        logger_factory=logger_factory,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str | None = None) -> FilteringBoundLogger:
    """A logger whose events carry `logger=<name>`; it follows later `configure_logging` calls."""
    logger: FilteringBoundLogger = structlog.get_logger(name) if name else structlog.get_logger()
    return logger


if not structlog.is_configured():
    configure_logging()  # safe until the program configures: redacted, stderr, info and up
