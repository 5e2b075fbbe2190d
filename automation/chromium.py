"""Finding a Chromium to drive: the one a setting names, Playwright's own download, or the
system's (Debian's `chromium-headless-shell` for unattended runs, `chromium` for headed ones);
and making sure a headed run has a display."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from automation.errors import BrowserNotFound, InvalidInput, NoDisplay
from automation.log import get_logger

# Tried in order; a bare name is looked up on PATH.
SYSTEM_HEADLESS = (
    "/usr/lib/chromium/chromium-headless-shell",
    "chromium",
    "/usr/bin/chromium",
    "chromium-browser",
    "google-chrome",
)
SYSTEM_HEADED = ("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome")

INSTALL_HINT = (
    "install one with `python -m playwright install chromium chromium-headless-shell` "
    "or `apt-get install chromium chromium-headless-shell fonts-noto-cjk`, "
    "or point SELLERAUTH_BROWSER_PATH at a Chromium"
)

BrowserSource = Literal["setting", "playwright", "system"]
BrowserKind = Literal["headless-shell", "chromium"]

log = get_logger(__name__)


@dataclass(frozen=True)
class BrowserChoice:
    """The Chromium to launch; `executable_path` None lets Playwright use its own download."""

    executable_path: str | None
    source: BrowserSource
    kind: BrowserKind


# ---- discovery -------------------------------------------------------------------------


def find_chromium(headed: bool, override: Path | None = None) -> BrowserChoice:
    """The Chromium to use: the setting, else Playwright's own, else the system's."""
    configured = override or _env_path("SELLERAUTH_BROWSER_PATH")
    if configured is not None:
        return _configured_choice(configured, headed)
    choice = _playwright_choice(headed) or _system_choice(headed)
    if choice is None:
        wanted = "a full Chromium (for --headed)" if headed else "Chromium or its headless shell"
        raise BrowserNotFound(f"no browser found: need {wanted}; {INSTALL_HINT}")
    return choice


NO_DISPLAY_HINT = (
    "no display found to show the browser window (DISPLAY and WAYLAND_DISPLAY are unset): run "
    "it from a desktop session, over `ssh -X`, or under a virtual display with "
    "`xvfb-run sellerauth ...`; or drop --headed/--assist to run headless"
)


def require_display() -> None:
    """Raise NoDisplay when a window cannot be shown: on Linux (and other X11/Wayland
    systems) neither DISPLAY nor WAYLAND_DISPLAY is set. macOS and Windows always have one."""
    if sys.platform in ("darwin", "win32", "cygwin"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    raise NoDisplay(NO_DISPLAY_HINT)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def _kind_of(path: Path | str) -> BrowserKind:
    name = Path(path).name
    return "headless-shell" if "headless" in name and "shell" in name else "chromium"


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _configured_choice(path: Path, headed: bool) -> BrowserChoice:
    if not _is_executable(path):
        raise InvalidInput(
            f"SELLERAUTH_BROWSER_PATH {path} is not an executable file: fix the path or unset it",
            field="browser_path",
        )
    kind = _kind_of(path)
    if headed and kind == "headless-shell":
        raise InvalidInput(
            f"{path} is a headless shell and cannot show a window: point "
            "SELLERAUTH_BROWSER_PATH at a full Chromium for --headed",
            field="browser_path",
        )
    return BrowserChoice(str(path), "setting", kind)


def playwright_browsers_dir() -> Path:
    """Where Playwright keeps its downloaded browsers."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":
        import playwright

        return Path(playwright.__file__).parent / "driver" / "package" / ".local-browsers"
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "ms-playwright"


def playwright_revisions() -> dict[str, str]:
    """The browser revisions this Playwright expects, from its `browsers.json`."""
    import playwright

    manifest = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        browsers = json.loads(manifest.read_text(encoding="utf-8"))["browsers"]
        return {b["name"]: str(b["revision"]) for b in browsers}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _playwright_choice(headed: bool) -> BrowserChoice | None:
    """Playwright's own Chromium when the revision it expects is downloaded."""
    name, pattern = (
        ("chromium", "chromium-{rev}/chrome-linux*/chrome")
        if headed
        else ("chromium-headless-shell", "chromium_headless_shell-{rev}/*/*headless*shell")
    )
    revision = playwright_revisions().get(name)
    if revision is None:
        return None
    candidates = playwright_browsers_dir().glob(pattern.format(rev=revision))
    if not any(_is_executable(path) for path in candidates):
        return None
    return BrowserChoice(None, "playwright", "chromium" if headed else "headless-shell")


def _system_choice(headed: bool) -> BrowserChoice | None:
    for candidate in SYSTEM_HEADED if headed else SYSTEM_HEADLESS:
        path = _resolve_candidate(candidate)
        if path is not None:
            return BrowserChoice(str(path), "system", _kind_of(path))
    return None


def _resolve_candidate(candidate: str) -> Path | None:
    if os.sep in candidate:
        path = Path(candidate)
        return path if _is_executable(path) else None
    found = shutil.which(candidate)
    return Path(found) if found else None
