"""Tests for automation.browser: finding Chromium, sessions, storage state, screenshots."""

from __future__ import annotations

import base64
import json
import socket
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from automation import chromium as chromium_module
from automation.browser import (
    BrowserSession,
    masked_screenshot,
    save_storage_state,
    session_path,
)
from automation.chromium import find_chromium, playwright_revisions
from automation.errors import BrowserNotFound, InvalidInput

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_browsers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Playwright download, an empty PATH and no system candidates; returns a bin dir."""
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(chromium_module, "SYSTEM_HEADLESS", (str(tmp_path / "lib" / "shell"),))
    monkeypatch.setattr(chromium_module, "SYSTEM_HEADED", ())
    return bin_dir


class TestFindChromiumSetting:
    def test_override_path(self, tmp_path: Path) -> None:
        """An executable override is used as it is."""
        chrome = _executable(tmp_path / "chrome")
        choice = find_chromium(headed=True, override=chrome)
        assert (choice.executable_path, choice.source, choice.kind) == (
            str(chrome),
            "setting",
            "chromium",
        )

    def test_environment_variable(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """SELLERAUTH_BROWSER_PATH is honoured without an explicit override."""
        shell = _executable(tmp_path / "chromium-headless-shell")
        monkeypatch.setenv("SELLERAUTH_BROWSER_PATH", str(shell))
        choice = find_chromium(headed=False)
        assert (choice.executable_path, choice.kind) == (str(shell), "headless-shell")

    def test_missing_override_refused(self, tmp_path: Path) -> None:
        """An override that does not exist is InvalidInput on browser_path."""
        with pytest.raises(InvalidInput) as caught:
            find_chromium(headed=False, override=tmp_path / "nothing")
        assert caught.value.field == "browser_path"

    def test_headless_shell_cannot_be_headed(self, tmp_path: Path) -> None:
        """A headless shell is refused for a headed run."""
        shell = _executable(tmp_path / "chrome-headless-shell")
        with pytest.raises(InvalidInput):
            find_chromium(headed=True, override=shell)


@pytest.mark.usefixtures("no_browsers")
class TestFindChromiumPlaywright:
    def _install(self, tmp_path: Path, revision: str) -> None:
        root = tmp_path / "ms-playwright"
        _executable(
            root
            / f"chromium_headless_shell-{revision}"
            / "chrome-headless-shell-linux64"
            / "chrome-headless-shell"
        )
        _executable(root / f"chromium-{revision}" / "chrome-linux64" / "chrome")

    @pytest.mark.parametrize(("headed", "kind"), [(False, "headless-shell"), (True, "chromium")])
    def test_own_download_preferred(self, tmp_path: Path, headed: bool, kind: str) -> None:
        """Playwright's own browser of the expected revision lets Playwright pick it."""
        self._install(tmp_path, playwright_revisions()["chromium"])
        choice = find_chromium(headed=headed)
        assert (choice.executable_path, choice.source, choice.kind) == (None, "playwright", kind)

    def test_stale_revision_ignored(self, tmp_path: Path) -> None:
        """A download of another revision than this Playwright expects is not used."""
        self._install(tmp_path, "1")
        with pytest.raises(BrowserNotFound):
            find_chromium(headed=False)


class TestFindChromiumSystem:
    def test_first_system_candidate(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_browsers: Path
    ) -> None:
        """The first existing system candidate wins."""
        shell = _executable(tmp_path / "lib" / "chromium-headless-shell")
        _executable(no_browsers / "chromium")
        monkeypatch.setattr(chromium_module, "SYSTEM_HEADLESS", (str(shell), "chromium"))
        choice = find_chromium(headed=False)
        assert (choice.executable_path, choice.source, choice.kind) == (
            str(shell),
            "system",
            "headless-shell",
        )

    def test_name_found_on_path(self, monkeypatch: pytest.MonkeyPatch, no_browsers: Path) -> None:
        """A bare candidate name is looked up on PATH."""
        chromium = _executable(no_browsers / "chromium")
        monkeypatch.setattr(chromium_module, "SYSTEM_HEADLESS", ("/nonexistent/shell", "chromium"))
        choice = find_chromium(headed=False)
        assert (choice.executable_path, choice.kind) == (str(chromium), "chromium")

    def test_headed_needs_full_chromium(
        self, monkeypatch: pytest.MonkeyPatch, no_browsers: Path
    ) -> None:
        """A headed run takes a full Chromium from the headed candidates only."""
        _executable(no_browsers / "chromium-headless-shell")
        chromium = _executable(no_browsers / "chromium")
        monkeypatch.setattr(chromium_module, "SYSTEM_HEADED", ("chromium",))
        assert find_chromium(headed=True).executable_path == str(chromium)

    @pytest.mark.usefixtures("no_browsers")
    @pytest.mark.parametrize("headed", [False, True])
    def test_none_found_says_how_to_install(self, headed: bool) -> None:
        """Without any browser, BrowserNotFound names both ways to install one."""
        with pytest.raises(BrowserNotFound) as caught:
            find_chromium(headed=headed)
        message = caught.value.message
        assert "python -m playwright install chromium chromium-headless-shell" in message
        assert "apt-get install chromium chromium-headless-shell fonts-noto-cjk" in message


class TestSessionPath:
    def test_per_account_file(self, tmp_path: Path) -> None:
        """An account's session lives in state_dir/sessions/<name>.json."""
        assert session_path(tmp_path, "acme") == tmp_path / "sessions" / "acme.json"

    def test_unsafe_name_refused(self, tmp_path: Path) -> None:
        """A name that would escape the sessions directory is refused."""
        with pytest.raises(InvalidInput):
            session_path(tmp_path, "../acme")


PAGE = "data:text/html,<title>t</title><label>pw <input id=pw value=hunter22></label><p>hello</p>"


def _closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pixel_at_centre(page: Page, png: Path, selector: str) -> list[int]:
    """The screenshot's colour at the middle of an element, decoded by the browser itself."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    source = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
    x, y = int(box["x"] + box["width"] / 2), int(box["y"] + box["height"] / 2)
    return list(page.evaluate(_READ_PIXEL, [source, x, y]))


_READ_PIXEL = """async ([source, x, y]) => {
    const image = new Image();
    image.src = source;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return Array.from(context.getImageData(x, y, 1, 1).data);
}"""


class TestBrowserSession:
    def test_real_launch_state_and_screenshot(self, tmp_path: Path) -> None:
        """The discovered Chromium opens a page; state and screenshots are saved 0600."""
        state = tmp_path / "state" / "sessions" / "acme.json"
        with BrowserSession(timeout_ms=400) as session:
            assert session.choice is not None
            context = session.new_context(state)
            context.add_cookies([{"name": "sid", "value": "v", "url": "https://example.com"}])
            page = context.new_page()
            page.goto(PAGE)
            assert page.get_by_text("hello").is_visible()
            shot = masked_screenshot(page, tmp_path / "shots" / "a.png", [page.locator("#pw")])
            assert _pixel_at_centre(page, shot, "#pw") == [255, 0, 255, 255]
            with pytest.raises(Exception, match="400ms"):
                page.locator("#never").click()
            save_storage_state(context, state)
            context.close()
            reloaded = session.new_context(state)
            assert [c["name"] for c in reloaded.cookies()] == ["sid"]
            reloaded.close()
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
        assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
        assert "cookies" in json.loads(state.read_text())
        assert stat.S_IMODE(shot.stat().st_mode) == 0o600
        assert shot.read_bytes().startswith(b"\x89PNG")

    @pytest.mark.parametrize(("block", "failure"), [(True, "ERR_FAILED"), (False, "REFUSED")])
    def test_block_resources(self, block: bool, failure: str) -> None:
        """With block_resources, images are aborted before they leave the browser."""
        failures: list[str] = []
        with BrowserSession(block_resources=block) as session:
            page = session.new_context().new_page()
            page.on("requestfailed", lambda request: failures.append(request.failure or ""))
            with page.expect_event("requestfailed"):
                page.set_content(f"<img src='http://127.0.0.1:{_closed_port()}/x.png'>")
        assert failure in failures[0]

    def test_close_is_idempotent(self) -> None:
        """Closing a session that never started, or twice, does nothing."""
        session = BrowserSession()
        session.close()
        session.close()
