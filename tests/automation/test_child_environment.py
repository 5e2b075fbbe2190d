"""No `SELLERAUTH_` secret in the environment of Playwright's driver or of any browser process
(issue 22, 4.3): read from `/proc/<pid>/environ` of every descendant of this process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automation.browser import BrowserSession, child_environment

SECRETS = {
    "SELLERAUTH_PASSWORD": "pw-Child-Env-Secret-1",
    "SELLERAUTH_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "SELLERAUTH_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.child-env-secret",
}


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (psutil is not a dependency)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def environ_of(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None


def test_child_environment_drops_every_sellerauth_variable() -> None:
    given = {"PATH": "/bin", "SELLERAUTH_PASSWORD": "x", "SELLERAUTH_STATE_DIR": "/s"}
    assert child_environment(given) == {"PATH": "/bin"}


@pytest.mark.browser
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_the_driver_and_the_browser_get_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with BrowserSession() as session:
        context = session.new_context()
        page = context.new_page()
        page.set_content("<p>a renderer</p>")
        pids = descendants(os.getpid())
        environs = {pid: environ_of(pid) for pid in pids}
        context.close()
    read = {pid: env for pid, env in environs.items() if env is not None}
    assert len(read) >= 3, f"expected the driver and browser processes, read {len(read)}"
    for pid, env in read.items():
        assert b"SELLERAUTH_" not in env, f"process {pid} has a SELLERAUTH_ variable"
        for value in SECRETS.values():
            assert value.encode() not in env, f"process {pid} has a secret in its environment"
    assert os.environ["SELLERAUTH_PASSWORD"] == SECRETS["SELLERAUTH_PASSWORD"]  # ours kept
