"""Tests for automation.log: renderers, redaction, tracebacks without locals."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from automation.errors import InvalidInput
from automation.log import (
    clear_secrets,
    configure_logging,
    get_logger,
    redact,
    register_secret,
)

SECRET = "s3cr3t-pa55word"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def stream() -> io.StringIO:
    """Logs of the test, as JSON lines."""
    out = io.StringIO()
    configure_logging("json", "debug", out)
    return out


class TestRegisterSecret:
    def test_replaced_anywhere_in_text(self) -> None:
        """A registered secret is replaced by *** wherever it appears."""
        register_secret(SECRET)
        assert redact(f"a{SECRET}b {SECRET}") == "a***b ***"

    def test_secret_str_accepted(self) -> None:
        """A SecretStr is registered by its value."""
        register_secret(SecretStr(SECRET))
        assert redact(SECRET) == "***"

    @pytest.mark.parametrize("value", [None, "", "abc"])
    def test_empty_and_short_values_ignored(self, value: str | None) -> None:
        """None, empty and shorter-than-4 values are not registered."""
        register_secret(value)
        assert redact("abc abcd") == "abc abcd"

    def test_longest_secret_first(self) -> None:
        """A secret containing another is masked whole."""
        register_secret("1234")
        register_secret("123456")
        assert redact("x123456x") == "x***x"

    def test_thread_safe(self) -> None:
        """Secrets registered from many threads are all redacted."""
        values = [f"secret-{i:04d}" for i in range(200)]
        threads = [threading.Thread(target=register_secret, args=(v,)) for v in values]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert redact(" ".join(values)) == " ".join(["***"] * len(values))


class TestShortSecretsInPaths:
    """A short secret (`pass`, a 6-digit code) is masked where it stands as a whole value, not
    inside words of paths and names."""

    @pytest.fixture(autouse=True)
    def _secrets(self) -> Iterator[None]:
        clear_secrets()
        register_secret("pass")
        register_secret("123456")
        yield
        clear_secrets()

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("/home/ops/passwords/evidence/x.png", "/home/ops/passwords/evidence/x.png"),
            ("C:\\\\Users\\\\compass\\\\a.png", "C:\\\\Users\\\\compass\\\\a.png"),
            ("/srv/run-1234567/", "/srv/run-1234567/"),
            ("typed pass, then 123456", "typed ***, then ***"),
            ("/tmp/pass/x.png", "/tmp/***/x.png"),  # a whole path component
            ("https://h/ap?p=pass&otp=123456", "https://h/ap?p=***&otp=***"),
            ("x123456x", "x***x"),
        ],
    )
    def test_whole_values_masked_not_words_of_paths(self, text: str, expected: str) -> None:
        assert redact(text) == expected

    def test_long_secrets_masked_anywhere(self) -> None:
        register_secret("amzn.mws.0123456789abcdef")
        assert redact("/tmp/xamzn.mws.0123456789abcdefx/") == "/tmp/x***x/"


class TestRedaction:
    def test_secret_in_event_text(self, stream: io.StringIO) -> None:
        """A registered secret in the event text is masked."""
        register_secret(SECRET)
        get_logger("t").info(f"typed {SECRET}")
        assert SECRET not in stream.getvalue()
        assert _json_lines(stream)[0]["event"] == "typed ***"

    def test_secret_in_nested_values(self, stream: io.StringIO) -> None:
        """A registered secret inside nested dicts and lists is masked."""
        register_secret(SECRET)
        get_logger("t").info("e", data={"list": [f"x{SECRET}"], "inner": {"note": SECRET}})
        assert _json_lines(stream)[0]["data"] == {"list": ["x***"], "inner": {"note": "***"}}

    def test_secret_in_objects(self, stream: io.StringIO) -> None:
        """An object whose text holds a secret is logged as redacted text."""
        register_secret(SECRET)
        get_logger("t").info("e", error=ValueError(f"bad {SECRET}"))
        assert _json_lines(stream)[0]["error"] == "bad ***"

    @pytest.mark.parametrize(
        "key",
        [
            "password",
            "PASSWORD",
            "totp_secret",
            "otp",
            "code",
            "token",
            "mws_auth_token",
            "cookie",
            "Cookies",
            "secret",
            "Authorization",
            "set-cookie",
        ],
    )
    def test_sensitive_keys_masked(self, stream: io.StringIO, key: str) -> None:
        """Values of sensitive keys are masked, at the top level and nested."""
        get_logger("t").info("e", **{key: "plain-42", "nested": {key: "plain-42"}})
        line = _json_lines(stream)[0]
        assert line[key] == "***" and line["nested"][key] == "***"

    @pytest.mark.parametrize(("value", "shown"), [("site_unavailable", True), ("123456", False)])
    def test_error_code_kept_otp_code_masked(
        self, stream: io.StringIO, value: str, shown: bool
    ) -> None:
        """`code` keeps an error's code (letters and `_`) but masks anything else."""
        get_logger("t").info("e", code=value)
        assert (_json_lines(stream)[0]["code"] == value) is shown

    def test_ordinary_keys_kept(self, stream: io.StringIO) -> None:
        """Ordinary keys and values are left alone."""
        get_logger("t").info("e", account="acme", step=3, ok=True)
        line = _json_lines(stream)[0]
        assert (line["account"], line["step"], line["ok"]) == ("acme", 3, True)

    def test_console_redacted_too(self) -> None:
        """The console renderer gets redacted values as well."""
        out = io.StringIO()
        configure_logging("console", "info", out)
        register_secret(SECRET)
        get_logger("t").info(f"typed {SECRET}", password="plain")
        assert SECRET not in out.getvalue() and "plain" not in out.getvalue()


def _fail_with_local() -> None:
    local_secret = "unregistered-local-value"  # noqa: F841 — must not reach the log
    raise RuntimeError(f"failed near {SECRET}")


class TestTracebacks:
    def test_json_traceback_has_no_locals(self, stream: io.StringIO) -> None:
        """A logged exception shows its frames but no local variables, and no secret."""
        register_secret(SECRET)
        try:
            _fail_with_local()
        except RuntimeError:
            get_logger("t").exception("failed")
        text = stream.getvalue()
        assert "unregistered-local-value" not in text and SECRET not in text
        exception = _json_lines(stream)[0]["exception"][0]
        assert exception["exc_value"] == "failed near ***"
        assert all("locals" not in frame for frame in exception["frames"])

    def test_console_traceback_has_no_locals(self) -> None:
        """The console traceback has no local variables and no secret."""
        out = _Tty()
        configure_logging("console", "info", out)
        register_secret(SECRET)
        try:
            _fail_with_local()
        except RuntimeError:
            get_logger("t").exception("failed")
        text = out.getvalue()
        assert "_fail_with_local" in text
        assert "unregistered-local-value" not in text and SECRET not in text


class TestConfigureLogging:
    def test_auto_is_json_off_a_terminal(self) -> None:
        """Auto renders JSON lines when the stream is not a terminal."""
        out = io.StringIO()
        configure_logging("auto", "info", out)
        get_logger("t").info("hello")
        assert _json_lines(out)[0]["event"] == "hello"

    def test_auto_is_console_on_a_terminal(self) -> None:
        """Auto renders for people when the stream is a terminal."""
        out = _Tty()
        configure_logging("auto", "info", out)
        get_logger("t").info("hello")
        assert "hello" in out.getvalue() and not out.getvalue().startswith("{")

    def test_level_filters(self) -> None:
        """Events below the level are dropped."""
        out = io.StringIO()
        configure_logging("json", "warning", out)
        get_logger("t").info("quiet")
        get_logger("t").warning("loud")
        assert [line["event"] for line in _json_lines(out)] == ["loud"]

    def test_logger_name_and_fields(self, stream: io.StringIO) -> None:
        """Each line carries the logger's name, level and a timestamp."""
        get_logger("automation.test").info("hello")
        line = _json_lines(stream)[0]
        assert (line["logger"], line["level"]) == ("automation.test", "info")
        assert line["timestamp"].endswith("Z")

    def test_loggers_follow_reconfiguration(self) -> None:
        """A logger made before configure_logging writes where the latest call says."""
        logger = get_logger("early")
        out = io.StringIO()
        configure_logging("json", "info", out)
        logger.info("late")
        assert _json_lines(out)[0]["event"] == "late"

    def test_default_stream_is_stderr(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a stream, logs go to stderr, not stdout."""
        configure_logging("json", "info")
        get_logger("t").info("to-stderr")
        captured = capsys.readouterr()
        assert "to-stderr" in captured.err and captured.out == ""

    def test_default_stream_follows_sys_stderr(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a stream, each event goes to sys.stderr as it is at that moment."""
        configure_logging("json", "info")
        later = io.StringIO()
        monkeypatch.setattr(sys, "stderr", later)
        get_logger("t").info("follows")
        assert "follows" in later.getvalue()

    def test_unknown_level_refused(self) -> None:
        """An unknown level is InvalidInput on log_level."""
        with pytest.raises(InvalidInput) as caught:
            configure_logging("json", "chatty", io.StringIO())
        assert caught.value.field == "log_level"
