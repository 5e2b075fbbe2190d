"""Proof of what was done on a seller's account: masked screenshots, a step log, clean archives."""

from __future__ import annotations

import html
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.files import private_dir, write_private
from automation.log import registered_secrets

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PLACEHOLDER = "***"


class Evidence:
    """A folder per run and account: `NN-step.png` screenshots (secrets masked) and `steps.json`."""

    def __init__(self, directory: Path, mask: Callable[[Page], list[Locator]]) -> None:
        self.directory = private_dir(directory)
        self.mask = mask
        self.steps: list[dict[str, Any]] = []

    def record(
        self,
        page: Page,
        action: str,
        *,
        screenshot: bool = False,
        address: str | None = None,
        **details: Any,
    ) -> None:
        """Note a step (time, page, action); with `screenshot`, keep a masked picture of it.
        `address` is written as the page's instead of its URL (one whose query is not for
        keeping)."""
        from automation.browser import masked_screenshot

        step: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "page": address or page.url,
            "action": action,
            **details,
        }
        if screenshot and not is_blank(page.url):
            name = f"{len(self.steps) + 1:02d}-{action}.png"
            masked_screenshot(page, self.directory / name, mask=self.mask(page))
            step["screenshot"] = name
        self.steps.append(step)
        self.save()

    def save(self) -> Path:
        return write_private(
            self.directory / "steps.json", json.dumps(self.steps, ensure_ascii=False, indent=2)
        )


def is_blank(url: str) -> bool:
    """A page that shows nothing of the site (`about:blank`, or Chromium's own error page for
    a host it could not reach): no screenshot, no `page:` in a message."""
    return url == "" or url.startswith(("about:", "chrome-error:"))


class NoEvidence:
    """Evidence when none was asked for: every note is dropped."""

    def record(
        self,
        page: Page,
        action: str,
        *,
        screenshot: bool = False,
        address: str | None = None,
        **details: Any,
    ) -> None:
        return None


def scrub_archive(
    source: Path,
    target: Path,
    secrets: Iterable[str] | None = None,
    replacements: dict[str, str] | None = None,
) -> Path:
    """Copy a zip (trace, HAR) with every secret replaced, in each of its textual encodings.

    `replacements` maps a secret to the placeholder it becomes (so that a replayed recording
    still matches what the bot types); other secrets become `***`.
    """
    mapping = dict.fromkeys(secrets if secrets is not None else registered_secrets(), PLACEHOLDER)
    mapping.update(replacements or {})
    pairs = _encoded_pairs(mapping)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        temporary = Path(tmp.name)
    with (
        zipfile.ZipFile(source) as src,
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            for old, new in pairs:
                data = data.replace(old, new)
            dst.writestr(item, data)
    temporary.chmod(0o600)
    shutil.move(temporary, target)
    return target


SESSION_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "x-amz-security-token"})


def scrub_har(source: Path, target: Path, replacements: dict[str, str]) -> Path:
    """A HAR archive with cookies and auth headers replaced by consistent placeholders
    (`cookie-1`, ...: a cookie keeps one placeholder throughout, so a replay still matches),
    and every registered secret replaced by its placeholder from `replacements` or `***`."""
    with zipfile.ZipFile(source) as archive:
        har = json.loads(archive.read("har.har"))
    values: dict[str, str] = {}

    def placeholder(value: str) -> str:
        return values.setdefault(value, f"cookie-{len(values) + 1}")

    for entry in har["log"].get("entries", []):
        for part in (entry.get("request", {}), entry.get("response", {})):
            for cookie in part.get("cookies", []):
                cookie["value"] = placeholder(str(cookie.get("value", "")))
            for header in part.get("headers", []):
                if header.get("name", "").lower() in SESSION_HEADERS:
                    header["value"] = _scrub_cookie_header(header["value"], placeholder)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        restructured = Path(work) / "restructured.zip"
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(restructured, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "har.har":
                    data = json.dumps(har, ensure_ascii=False).encode()
                dst.writestr(item, data)
        return scrub_archive(restructured, target, replacements=replacements)


def _scrub_cookie_header(value: str, placeholder: Callable[[str], str]) -> str:
    """`a=1; b=2` and `a=1; Path=/; HttpOnly` with each value replaced; other headers whole."""
    if "=" not in value:
        return placeholder(value)
    parts = []
    for piece in value.split(";"):
        name, sep, val = piece.partition("=")
        attribute = name.strip().lower() in {"path", "domain", "expires", "max-age", "samesite"}
        parts.append(piece if not sep or attribute else f"{name}={placeholder(val.strip())}")
    return ";".join(parts)


def _encoded_pairs(mapping: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Each secret as raw text, JSON-escaped, HTML-escaped and URL-encoded; longest first."""
    from urllib.parse import quote, quote_plus

    pairs: dict[bytes, bytes] = {}
    for secret, placeholder in mapping.items():
        if not secret:
            continue
        for encode in (
            lambda s: s,
            lambda s: json.dumps(s)[1:-1],
            lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
            html.escape,
            lambda s: quote(s, safe=""),
            lambda s: quote_plus(s, safe=""),
        ):
            pairs[encode(secret).encode()] = encode(placeholder).encode()
    return sorted(pairs.items(), key=lambda pair: len(pair[0]), reverse=True)
